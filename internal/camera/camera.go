package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"sync/atomic"
)

// DefaultDecodeSides are the longest sides of the frames that Next
// returns, in turn. At 960 pixels an animated frame code across half the
// picture has about 4 pixels per module, and a frame without a code
// decodes in half the time it takes at 1280. Every second frame keeps
// up to 1280 pixels for dense static codes, such as the hello's, which
// the reader misses at 960 unless they fill the picture.
var DefaultDecodeSides = []int{960, 1280}

// DefaultPreviewSize bounds preview frames until SetPreviewSize is
// called.
var DefaultPreviewSize = image.Pt(640, 480)

// errStop is the pacer's signal that the camera is closing.
var errStop = errors.New("camera stopping")

// Options configures Open. The zero value opens the first camera at
// DefaultMode.
type Options struct {
	// Device is the ID of the camera to open. Empty means the first one
	// Devices lists; see PickDevice for reopening the last choice.
	Device string
	// Mode is the capture mode to ask for; the driver picks the nearest
	// offer with ChooseMode. Zero means DefaultMode.
	Mode Mode
	// DecodeSides are the longest sides, in pixels, of the grey copies
	// that Next returns for decoding, one after the other. Frames are
	// never enlarged. Empty means DefaultDecodeSides.
	DecodeSides []int
	// PreviewSize bounds the preview frames, in pixels. Zero means
	// DefaultPreviewSize.
	PreviewSize image.Point
	// CPUShare is the process CPU use, in cores, above which Next holds
	// frames back. Zero means DefaultCPUShare.
	CPUShare float64
	// Logger receives capture errors and the chosen mode; nil means
	// none.
	Logger *slog.Logger
}

// Camera is an open camera. It implements scan.Source: Next returns grey,
// downscaled copies of the latest frames, paced to keep CPU use under
// Options.CPUShare. Meanwhile Preview delivers colour frames scaled to
// the preview size. Frames that neither side requests are dropped
// without being converted. Camera is safe for concurrent use.
type Camera struct {
	device      Device
	stream      Stream
	mode        Mode
	decodeSides []int
	// decodeTurn counts decode frames, to cycle through decodeSides. Only
	// the capture goroutine uses it.
	decodeTurn int
	pacer      *pacer
	log        *slog.Logger

	preview     chan *image.RGBA
	previewSize atomic.Pointer[image.Point]
	// requests carries Next's reply channel to the capture loop. It is
	// unbuffered, so the loop receives a request only while Next waits.
	requests chan chan *image.Gray

	stats     counters
	done      chan struct{} // closed by Close
	stopped   chan struct{} // closed when the capture loop has ended
	closeOnce sync.Once
	paceMu    sync.Mutex
	// err is the reason the capture loop ended, and closeErr the error
	// of closing the stream. Both are written before stopped is closed.
	err      error
	closeErr error
}

// Open opens a camera of d and starts capturing.
func Open(d Driver, opts Options) (*Camera, error) {
	dev, err := resolveDevice(d, opts.Device)
	if err != nil {
		return nil, err
	}
	want := opts.Mode
	if want == (Mode{}) {
		want = DefaultMode
	}
	stream, err := d.Open(dev.ID, want)
	if err != nil {
		return nil, fmt.Errorf("open camera %s: %w", dev, err)
	}

	c := &Camera{
		device:      dev,
		stream:      stream,
		mode:        stream.Mode(),
		decodeSides: opts.DecodeSides,
		pacer:       newPacer(opts.CPUShare),
		log:         opts.Logger,
		preview:     make(chan *image.RGBA, 1),
		requests:    make(chan chan *image.Gray),
		done:        make(chan struct{}),
		stopped:     make(chan struct{}),
	}
	if len(c.decodeSides) == 0 {
		c.decodeSides = DefaultDecodeSides
	}
	size := opts.PreviewSize
	if size.X <= 0 || size.Y <= 0 {
		size = DefaultPreviewSize
	}
	c.previewSize.Store(&size)
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log.Info("camera opened", "device", dev.ID, "mode", c.mode.String())

	go c.capture()
	return c, nil
}

// resolveDevice finds the device with ID id, or the first device when id
// is empty.
func resolveDevice(d Driver, id string) (Device, error) {
	devices, err := d.Devices()
	if err != nil {
		return Device{}, fmt.Errorf("list cameras: %w", err)
	}
	if len(devices) == 0 {
		return Device{}, ErrNoCamera
	}
	if id == "" {
		return devices[0], nil
	}
	for _, dev := range devices {
		if dev.ID == id {
			return dev, nil
		}
	}
	return Device{}, fmt.Errorf("open camera %q: %w; choose one of the %d connected cameras",
		id, ErrDeviceNotFound, len(devices))
}

// Device returns the camera that is open.
func (c *Camera) Device() Device { return c.device }

// Mode returns the capture mode the camera delivers.
func (c *Camera) Mode() Mode { return c.mode }

// Next waits until the pacer allows another decode and returns a grey
// copy of the next frame, downscaled to the next of Options.DecodeSides.
// It returns
// ctx.Err() when ctx ends, an error wrapping ErrClosed after Close, and
// the capture error when the device failed, for example because it was
// unplugged.
func (c *Camera) Next(ctx context.Context) (image.Image, error) {
	// One Next at a time: the pacer measures the span between frames.
	c.paceMu.Lock()
	defer c.paceMu.Unlock()

	if err := c.pacer.wait(ctx, c.stopped); errors.Is(err, errStop) {
		return nil, c.stopErr()
	} else if err != nil {
		return nil, err
	}

	reply := make(chan *image.Gray, 1)
	select {
	case c.requests <- reply:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.stopped:
		return nil, c.stopErr()
	}
	select {
	case img := <-reply:
		return img, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.stopped:
		return nil, c.stopErr()
	}
}

// Preview returns the channel of preview frames: new RGBA images that
// fit in the preview size, at most one waiting at a time. The camera
// converts a frame for the preview only after the previous one was
// received, so a preview that is not shown costs nothing. The channel
// is closed when capturing ends.
func (c *Camera) Preview() <-chan *image.RGBA { return c.preview }

// SetPreviewSize sets the box, in pixels, that preview frames fit in,
// such as the size of the widget that shows them.
func (c *Camera) SetPreviewSize(size image.Point) {
	if size.X <= 0 || size.Y <= 0 {
		return
	}
	c.previewSize.Store(&size)
}

// Err returns why capturing ended: nil while the camera runs, an error
// wrapping ErrClosed after Close, or the device's error.
func (c *Camera) Err() error {
	select {
	case <-c.stopped:
		return c.stopErr()
	default:
		return nil
	}
}

// Done returns a channel that is closed when capturing has ended.
func (c *Camera) Done() <-chan struct{} { return c.stopped }

// Close stops capturing, releases the device and makes Next return
// ErrClosed. It waits for the capture loop, which notices within about
// one frame, or a second at most while the device delivers none.
func (c *Camera) Close() error {
	c.closeOnce.Do(func() { close(c.done) })
	<-c.stopped
	return c.closeErr
}

func (c *Camera) stopErr() error {
	return c.err
}
