package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/camview"
	"github.com/mispbump/mispbump/internal/codes"
)

// CameraView is a live camera for the bump screen: a widget with its own
// preview, camera picker and status line. camview.Viewer implements it.
// The bump screen shows the widget in place of the code while the camera
// scans, and calls its methods on a worker goroutine.
type CameraView interface {
	fyne.CanvasObject
	// Start opens the camera chosen last, or the first one, and shows its
	// preview. Its error explains why no camera could be opened, in words
	// the bump screen shows as they are.
	Start() error
	// Stop closes the camera, which ends a running Scan.
	Stop()
	// Scan reads codes from the open camera until accept takes a
	// message or ctx ends, like scan.Run.
	Scan(ctx context.Context, r *codes.Reader, c *codes.Collector,
		accept func([]byte) error, progress func(codes.Progress)) ([]byte, error)
}

// reopenWait bounds the wait for the camera view to open another camera
// after the admin picked one in its picker, which closes the first.
const reopenWait = 5 * time.Second

// scanCamera scans with the camera view until the session accepts a
// message or the admin stops.
func (b *bumpScreen) scanCamera() {
	view := b.camera
	if view == nil {
		b.setNotice("This build has no live camera: use Scan screen, Open image or Paste text.", true)
		b.render()
		return
	}
	if !b.canScan() {
		return
	}
	sess := b.session
	var got bump.Received
	b.scanning = scanCamera
	b.notice = ""
	busy := "Scanning with the camera…"
	b.run(busy, true, func(ctx context.Context) error {
		if err := view.Start(); err != nil {
			return err
		}
		defer view.Stop()
		var err error
		got, err = b.scanWith(ctx, sess, scanCamera, busy, func(accept func([]byte) error, progress func(codes.Progress)) ([]byte, error) {
			return scanCameraView(ctx, view, b.reader, accept, progress)
		})
		return err
	}, func(err error) { b.scanDone(scanCamera, got, err) })
}

// scanCameraView runs view.Scan and starts it again when the admin
// switches cameras in the view's picker, which closes the camera that
// was scanning.
func scanCameraView(ctx context.Context, view CameraView, r *codes.Reader,
	accept func([]byte) error, progress func(codes.Progress)) ([]byte, error) {

	collector := codes.NewCollector()
	var reopened time.Time
	for {
		msg, err := view.Scan(ctx, r, collector, accept, progress)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, camera.ErrClosed):
			reopened = time.Now()
		case errors.Is(err, camview.ErrNotStarted) && !reopened.IsZero() && time.Since(reopened) < reopenWait:
			// The picker closed one camera and is opening the other.
		default:
			return msg, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
