package synthetic

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"github.com/mispbump/mispbump/internal/camera"
)

// Options configures New. The zero value films 1280×720 YUYV at 30 fps
// with DefaultDamage.
type Options struct {
	// Mode is the only mode the devices offer. Zero means 1280×720
	// YUYV at 30 fps; the formats are YUYV and MJPEG.
	Mode camera.Mode
	// CodeSide is the side, in pixels of the frame, of the code with
	// its app window. Zero means 60% of the frame height.
	CodeSide int
	// Damage is the set of camera effects on the picture. Nil means
	// DefaultDamage, and a pointer to the zero Damage means none.
	Damage *Damage
	// Seed fixes the damage and which frames are lost.
	Seed int64
}

func (o Options) codeSide() int {
	if o.CodeSide > 0 {
		return o.CodeSide
	}
	return o.Mode.Height * 6 / 10
}

// Driver is a camera.Driver with one device per scene.
type Driver struct {
	opts   Options
	damage Damage
	scenes []Scene

	mu    sync.Mutex
	reels map[int]*reel
}

// New returns a driver whose devices film scenes, in order. With no
// scenes it lists no devices, like a computer without a camera.
func New(opts Options, scenes ...Scene) *Driver {
	if opts.Mode.Width <= 0 || opts.Mode.Height <= 0 {
		opts.Mode.Width, opts.Mode.Height = 1280, 720
	}
	if opts.Mode.Format == "" {
		opts.Mode.Format = camera.FormatYUYV
	}
	if opts.Mode.FPS <= 0 {
		opts.Mode.FPS = 30
	}
	d := &Driver{opts: opts, damage: DefaultDamage, scenes: scenes, reels: map[int]*reel{}}
	if opts.Damage != nil {
		d.damage = *opts.Damage
	}
	d.opts.Damage = &d.damage
	return d
}

// deviceID returns the ID of scene i.
func deviceID(i int) string { return "synthetic:" + strconv.Itoa(i) }

// Devices lists one device per scene, named after it.
func (d *Driver) Devices() ([]camera.Device, error) {
	out := make([]camera.Device, len(d.scenes))
	for i, s := range d.scenes {
		out[i] = camera.Device{ID: deviceID(i), Name: s.Name}
	}
	return out, nil
}

// Open starts playing the scene of device id. The first Open of a scene
// renders its pictures, which takes a few seconds for a long animated
// code; later ones reuse them.
func (d *Driver) Open(id string, want camera.Mode) (camera.Stream, error) {
	i := -1
	for j := range d.scenes {
		if deviceID(j) == id {
			i = j
		}
	}
	if i < 0 {
		return nil, fmt.Errorf("open synthetic camera %q: %w", id, camera.ErrDeviceNotFound)
	}
	scene := d.scenes[i]
	if scene.Busy {
		return nil, fmt.Errorf("open synthetic camera %q: %w", id, camera.ErrBusy)
	}

	r, err := d.reel(i)
	if err != nil {
		return nil, err
	}
	show := scene.ShowFPS
	if show <= 0 {
		show = DefaultShowFPS
	}
	return &stream{
		reel:   r,
		mode:   d.opts.Mode,
		show:   show,
		damage: d.damage,
		rng:    rand.New(rand.NewSource(d.opts.Seed + int64(i))),
		start:  time.Now(),
	}, nil
}

// reel returns the rendered pictures of scene i, rendering them on first
// use.
func (d *Driver) reel(i int) (*reel, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.reels[i]; ok {
		return r, nil
	}
	r, err := renderReel(d.scenes[i], d.opts, d.opts.Seed+int64(i))
	if err != nil {
		return nil, err
	}
	d.reels[i] = r
	return r, nil
}

// stream plays a reel in real time.
type stream struct {
	reel   *reel
	mode   camera.Mode
	show   float64
	damage Damage
	rng    *rand.Rand
	start  time.Time
	next   int // the number of the next camera frame
	buf    []byte
}

func (s *stream) Mode() camera.Mode { return s.mode }

// ReadFrame waits for the next camera frame and returns it. Like a real
// camera it does not queue frames for a slow reader: frames whose time
// has passed are lost. Damage.Drop loses more at random.
func (s *stream) ReadFrame(ctx context.Context) ([]byte, error) {
	period := time.Duration(float64(time.Second) / s.mode.FPS)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		due := s.start.Add(time.Duration(s.next) * period)
		if late := time.Since(due); late > period {
			s.next += int(late / period)
			continue
		}
		t := time.NewTimer(time.Until(due))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}

		n := s.next
		s.next++
		if s.rng.Float64() < s.damage.Drop {
			continue
		}
		return s.frame(n), nil
	}
}

// frame returns camera frame n: the code on screen at its time, at a
// random exposure, or the blend of two codes when the screen switched
// since the previous frame.
func (s *stream) frame(n int) []byte {
	// codeAt returns how many codes the screen has switched through by
	// camera frame n.
	codeAt := func(n int) int {
		return int(float64(n) / s.mode.FPS * s.show)
	}
	count := len(s.reel.takes)
	i := codeAt(n) % count

	var pic []byte
	if s.reel.blends != nil && n > 0 && codeAt(n) != codeAt(n-1) {
		pic = s.reel.blends[i]
	} else {
		takes := s.reel.takes[i]
		pic = takes[s.rng.Intn(len(takes))]
	}
	if s.mode.Format == camera.FormatYUYV {
		s.buf = packYUYV(s.buf, pic)
		return s.buf
	}
	return pic
}

func (s *stream) Close() error { return nil }
