package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/scan"
)

// maxPreviewFPS bounds how often the preview is repainted; faster
// cameras still reach the decoder at their own rate.
const maxPreviewFPS = 30

// prefCamera remembers the camera chosen last.
const prefCamera = "camera.last"

// cameraPreview shows the frames of the camera that is scanning.
type cameraPreview struct {
	widget.BaseWidget
	img *canvas.Image
}

func newCameraPreview() *cameraPreview {
	p := &cameraPreview{img: canvas.NewImageFromImage(nil)}
	p.img.FillMode = canvas.ImageFillContain
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer implements fyne.Widget.
func (p *cameraPreview) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Black)
	return widget.NewSimpleRenderer(container.NewStack(bg, p.img))
}

// MinSize implements fyne.Widget: the layout decides the size.
func (p *cameraPreview) MinSize() fyne.Size {
	p.ExtendBaseWidget(p)
	return fyne.NewSquareSize(minCodeSide)
}

// wrap returns a source that shows each frame of src in the preview, at
// most maxPreviewFPS times a second, before passing it on. The frame is
// handed to Fyne as it is, so src must not write into an image it
// returned until it has returned two more.
func (p *cameraPreview) wrap(src scan.Source, do func(func())) scan.Source {
	return &previewSource{Source: src, preview: p, do: do}
}

type previewSource struct {
	scan.Source
	preview *cameraPreview
	do      func(func())

	mu   sync.Mutex
	last time.Time
}

// Next implements scan.Source.
func (s *previewSource) Next(ctx context.Context) (image.Image, error) {
	img, err := s.Source.Next(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	due := time.Since(s.last) >= time.Second/maxPreviewFPS
	if due {
		s.last = time.Now()
	}
	s.mu.Unlock()
	if due {
		s.do(func() {
			s.preview.img.Image = img
			s.preview.img.Refresh()
		})
	}
	return img, nil
}

// scanCamera lists the cameras, lets the admin pick one when there are
// several, and scans with it.
func (b *bumpScreen) scanCamera() {
	provider := b.ui.opts.Camera
	if provider == nil {
		b.setNotice("This build has no camera support: use Scan screen, Open image or Paste text.", true)
		b.render()
		return
	}
	if !b.canScan() {
		return
	}
	b.ui.goWork("list cameras", func(ctx context.Context) {
		cams, err := provider.Cameras(ctx)
		b.ui.do(func() {
			switch {
			case err != nil:
				b.setNotice("No camera available: "+err.Error()+". Use Scan screen, Open image or Paste text.", true)
				b.render()
			case len(cams) == 0:
				b.setNotice("No camera found: use Scan screen, Open image or Paste text.", true)
				b.render()
			case len(cams) == 1:
				b.startCamera(cams[0])
			default:
				b.pickCamera(cams)
			}
		})
	})
}

// pickCamera shows a camera picker with the last camera used preselected.
func (b *bumpScreen) pickCamera(cams []Camera) {
	names := make([]string, len(cams))
	chosen := 0
	last := b.ui.app.Preferences().String(prefCamera)
	for i, c := range cams {
		names[i] = c.Name
		if c.ID == last {
			chosen = i
		}
	}
	pick := widget.NewSelect(names, nil)
	pick.SetSelectedIndex(chosen)
	d := dialog.NewCustomConfirm("Choose a camera", "Scan", "Cancel", pick, func(ok bool) {
		if ok && pick.SelectedIndex() >= 0 {
			b.startCamera(cams[pick.SelectedIndex()])
		}
	}, b.ui.win)
	b.ui.showDialog(d)
}

func (b *bumpScreen) startCamera(cam Camera) {
	b.ui.app.Preferences().SetString(prefCamera, cam.ID)
	b.preview.img.Image = nil
	b.preview.img.Refresh()
	provider := b.ui.opts.Camera
	b.scanLive(scanCamera, "Scanning with "+cam.Name+"…", func(ctx context.Context) (scan.Source, error) {
		src, err := provider.Open(ctx, cam.ID)
		if err != nil {
			return nil, fmt.Errorf("open camera %q: %w: choose another camera or another way to scan", cam.Name, err)
		}
		return src, nil
	})
}
