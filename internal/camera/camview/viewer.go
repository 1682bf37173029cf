package camview

import (
	"errors"
	"image"
	"image/color"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/camera"
)

// PrefDevice is the preference key under which a Viewer stores the ID
// of the camera chosen last.
const PrefDevice = "camera.device"

// minPreviewSide is the smallest side of the preview, in Fyne units.
const minPreviewSide = 240

// Viewer is a widget that shows a camera's preview with a camera picker
// and a status line. Create it with New; its methods are safe to call
// from any goroutine.
type Viewer struct {
	widget.BaseWidget

	driver camera.Driver
	prefs  fyne.Preferences
	opts   camera.Options
	log    *slog.Logger

	image  *canvas.Image
	picker *widget.Select
	status *widget.Label

	// showing counts the preview loops still running, so Stop can
	// wait for them.
	showing sync.WaitGroup

	mu      sync.Mutex
	cam     *camera.Camera
	devices []camera.Device
	state   State
	frames  int
	// pixels is the preview size in pixels, from the last Resize.
	pixels image.Point
}

// State is the content of a Viewer, for callers and tests.
type State struct {
	// Device is the open camera; empty when none is open.
	Device camera.Device
	// Status is the text of the status line: the camera's name, the
	// progress of a scan, or why there is no camera.
	Status string
	// Err is the reason no camera is open. It wraps camera.ErrNoCamera,
	// camera.ErrBusy, camera.ErrNoCameraAPI or another open error.
	Err error
	// Frames counts the preview frames shown since Start.
	Frames int
}

// New returns a Viewer of the cameras of d. prefs, usually
// fyne.CurrentApp().Preferences(), stores the last choice; nil means it
// is not remembered. opts.Device is ignored: the Viewer picks the device.
func New(d camera.Driver, prefs fyne.Preferences, opts camera.Options) *Viewer {
	v := &Viewer{driver: d, prefs: prefs, opts: opts, log: opts.Logger}
	if v.log == nil {
		v.log = slog.New(slog.DiscardHandler)
	}
	v.image = canvas.NewImageFromImage(nil)
	v.image.FillMode = canvas.ImageFillContain
	// Camera frames are scaled to the widget already; a fast filter
	// keeps Fyne's own scaling cheap.
	v.image.ScaleMode = canvas.ImageScaleFastest
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.picker = widget.NewSelect(nil, nil)
	v.picker.Hide()
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *Viewer) CreateRenderer() fyne.WidgetRenderer {
	background := canvas.NewRectangle(color.Black)
	preview := container.NewStack(background, v.image)
	bar := container.NewBorder(nil, nil, nil, v.picker, v.status)
	return widget.NewSimpleRenderer(container.NewBorder(nil, bar, nil, nil, preview))
}

// MinSize implements fyne.Widget.
func (v *Viewer) MinSize() fyne.Size {
	v.ExtendBaseWidget(v)
	return v.BaseWidget.MinSize().Max(fyne.NewSquareSize(minPreviewSide))
}

// Resize implements fyne.Widget and requests preview frames of the new
// size in pixels from the camera, so Fyne never scales down a full frame.
func (v *Viewer) Resize(size fyne.Size) {
	v.BaseWidget.Resize(size)
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		scale = c.Scale()
	}
	px := image.Pt(int(size.Width*scale), int(size.Height*scale))

	v.mu.Lock()
	v.pixels = px
	cam := v.cam
	v.mu.Unlock()
	if cam != nil {
		cam.SetPreviewSize(px)
	}
}

// State returns what the Viewer shows now.
func (v *Viewer) State() State {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.state
	s.Frames = v.frames
	return s
}

// Camera returns the open camera, or nil.
func (v *Viewer) Camera() *camera.Camera {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.cam
}

// setStatus shows text in the status line and records it with err.
func (v *Viewer) setStatus(text string, err error) {
	v.mu.Lock()
	v.state.Status = text
	v.state.Err = err
	v.mu.Unlock()
	fyne.Do(func() { v.status.SetText(text) })
}

// statusText returns the status line for an open error. The camera
// package's errors are written for people; others get a lead-in.
func statusText(err error) string {
	for _, known := range []error{camera.ErrNoCamera, camera.ErrBusy, camera.ErrPermission,
		camera.ErrNoCameraAPI} {
		if errors.Is(err, known) {
			return capitalize(known.Error()) + "."
		}
	}
	return "The camera could not be opened: " + err.Error() + ". Read the code from the " +
		"screen, a photo or pasted text instead."
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
