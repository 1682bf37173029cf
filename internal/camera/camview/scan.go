package camview

import (
	"context"
	"errors"
	"fmt"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/scan"
)

// ErrNotStarted is returned by Scan when no camera is open.
var ErrNotStarted = errors.New("no camera is open: start the camera view first")

// Scan runs scan.Run on the open camera until accept takes a message,
// and shows the progress of animated codes in the status line, such as
// "Animated code: 7 of 9 frames". progress, when not nil, also gets
// every change. Scan ends with the camera: Stop or leaving the screen
// makes it return an error wrapping camera.ErrClosed.
func (v *Viewer) Scan(ctx context.Context, r *codes.Reader, c *codes.Collector,
	accept func([]byte) error, progress func(codes.Progress)) ([]byte, error) {

	cam := v.Camera()
	if cam == nil {
		return nil, ErrNotStarted
	}
	name := cam.Device().Name
	show := func(p codes.Progress) {
		if p.Need > 1 && !p.Complete {
			v.setStatus(fmt.Sprintf("%s: animated code, %s frames", name, p), nil)
		}
		if progress != nil {
			progress(p)
		}
	}
	msg, err := scan.Run(ctx, cam, r, c, accept, show)
	if err == nil {
		v.setStatus(name+": code read", nil)
	}
	return msg, err
}

func isClosed(err error) bool {
	return errors.Is(err, camera.ErrClosed)
}
