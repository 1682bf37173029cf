//go:build linux && !android

package camera

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/blackjack/webcam"
)

// System returns the camera driver of this platform: Video4Linux2
// through github.com/blackjack/webcam.
func System() Driver { return v4l2Driver{pattern: "/dev/video*"} }

// v4l2Driver lists and opens the V4L2 capture devices whose paths match
// pattern.
type v4l2Driver struct {
	pattern string
}

// v4l2Buffers is the number of frame buffers the kernel fills. Camera
// reads every frame, so a short queue keeps frames fresh.
const v4l2Buffers = 4

// v4l2Wait is the longest ReadFrame waits for a frame before it checks
// its context again, in seconds.
const v4l2Wait = 1

// Devices lists the video capture devices. UVC webcams add a second node
// for metadata, which is no capture device and is left out. When no
// device could be opened and some were denied, it returns an error
// wrapping ErrPermission.
func (d v4l2Driver) Devices() ([]Device, error) {
	paths, err := filepath.Glob(d.pattern)
	if err != nil {
		return nil, fmt.Errorf("list cameras matching %q: %w", d.pattern, err)
	}
	slices.SortFunc(paths, compareDevicePaths)

	var devices []Device
	var denied error
	for _, path := range paths {
		cam, err := webcam.Open(path)
		if err != nil {
			if e := deviceError("open", path, err); errors.Is(e, ErrPermission) {
				denied = e
			}
			continue
		}
		name, err := cam.GetName()
		cam.Close()
		if err != nil || name == "" {
			name = filepath.Base(path)
		}
		devices = append(devices, Device{ID: path, Name: name})
	}
	if len(devices) == 0 && denied != nil {
		return nil, denied
	}
	return devices, nil
}

// compareDevicePaths orders /dev/video2 before /dev/video10.
func compareDevicePaths(a, b string) int {
	na, errA := strconv.Atoi(strings.TrimLeft(filepath.Base(a), "video"))
	nb, errB := strconv.Atoi(strings.TrimLeft(filepath.Base(b), "video"))
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return na - nb
}

// Open opens the device at path id and starts streaming in the offered
// mode nearest to want.
func (d v4l2Driver) Open(id string, want Mode) (Stream, error) {
	cam, err := webcam.Open(id)
	if err != nil {
		return nil, deviceError("open", id, err)
	}
	s, err := startV4L2(cam, id, want)
	if err != nil {
		cam.Close()
		return nil, err
	}
	return s, nil
}

func startV4L2(cam *webcam.Webcam, path string, want Mode) (*v4l2Stream, error) {
	offers, unknown := v4l2Offers(cam)
	mode, ok := ChooseMode(offers, want)
	if !ok {
		return nil, fmt.Errorf("camera %s offers no pixel format mispbump converts "+
			"(it offers %s); use another camera or a photo", path, strings.Join(unknown, ", "))
	}

	code, _ := v4l2Code(mode.Format)
	got, w, h, err := cam.SetImageFormat(webcam.PixelFormat(code), uint32(mode.Width), uint32(mode.Height))
	if err != nil {
		return nil, deviceError("set the capture format of", path, err)
	}
	mode.Width, mode.Height = int(w), int(h)
	if f, ok := v4l2Formats[uint32(got)]; ok {
		mode.Format = f
	}
	if mode.FPS > 0 {
		// Drivers that cannot set the rate keep their own, which
		// is fine for scanning, so the error is left aside.
		_ = cam.SetFramerate(float32(mode.FPS))
	}
	if err := cam.SetBufferCount(v4l2Buffers); err != nil {
		return nil, deviceError("set the buffers of", path, err)
	}
	if err := cam.StartStreaming(); err != nil {
		return nil, deviceError("start streaming from", path, err)
	}
	return &v4l2Stream{cam: cam, mode: mode}, nil
}

// v4l2Offers lists the modes the device offers in formats Camera
// converts, and the names of the other formats. For devices that
// describe sizes as ranges it offers the range's largest size and the
// default size where it fits.
func v4l2Offers(cam *webcam.Webcam) (offers []Mode, unknown []string) {
	for code := range cam.GetSupportedFormats() {
		f, ok := v4l2Formats[uint32(code)]
		if !ok {
			unknown = append(unknown, fourCCName(uint32(code)))
			continue
		}
		for _, size := range cam.GetSupportedFrameSizes(code) {
			for _, wh := range frameSizes(size) {
				rates := cam.GetSupportedFramerates(code, uint32(wh[0]), uint32(wh[1]))
				offers = append(offers, modesAt(f, wh[0], wh[1], rates)...)
			}
		}
	}
	slices.Sort(unknown)
	return offers, unknown
}

// frameSizes returns the sizes to offer for one V4L2 frame size entry.
func frameSizes(s webcam.FrameSize) [][2]int {
	largest := [2]int{int(s.MaxWidth), int(s.MaxHeight)}
	if s.StepWidth == 0 && s.StepHeight == 0 {
		return [][2]int{largest}
	}
	w, h := DefaultMode.Width, DefaultMode.Height
	fits := uint32(w) >= s.MinWidth && uint32(w) <= s.MaxWidth &&
		uint32(h) >= s.MinHeight && uint32(h) <= s.MaxHeight &&
		(s.StepWidth == 0 || (uint32(w)-s.MinWidth)%s.StepWidth == 0) &&
		(s.StepHeight == 0 || (uint32(h)-s.MinHeight)%s.StepHeight == 0)
	if fits {
		return [][2]int{{w, h}, largest}
	}
	return [][2]int{largest}
}

// modesAt returns one mode per frame rate the device offers at a size;
// V4L2 gives rates as frame intervals, so 1/30 means 30 fps.
func modesAt(f Format, w, h int, rates []webcam.FrameRate) []Mode {
	if len(rates) == 0 {
		return []Mode{{Format: f, Width: w, Height: h}}
	}
	var out []Mode
	for _, r := range rates {
		// For a range of intervals the shortest one, the highest
		// rate, is what matters.
		if r.MinNumerator == 0 {
			continue
		}
		fps := float64(r.MaxDenominator) / float64(r.MinNumerator)
		out = append(out, Mode{Format: f, Width: w, Height: h, FPS: fps})
	}
	return out
}

// v4l2Stream is a streaming V4L2 device.
type v4l2Stream struct {
	cam  *webcam.Webcam
	mode Mode
	buf  []byte
}

func (s *v4l2Stream) Mode() Mode { return s.mode }

// ReadFrame copies the next frame out of the kernel's buffer before it
// hands the buffer back, so the driver cannot overwrite it while the
// frame is converted.
func (s *v4l2Stream) ReadFrame(ctx context.Context) ([]byte, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := s.cam.WaitForFrame(v4l2Wait)
		var timeout *webcam.Timeout
		if errors.As(err, &timeout) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("wait for frame: %w", err)
		}

		data, index, err := s.cam.GetFrame()
		if errors.Is(err, syscall.EAGAIN) {
			// The device is opened non-blocking and woke the poll
			// before a buffer was done.
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("dequeue frame: %w", err)
		}
		if len(data) == 0 {
			// Some drivers wake the poll without a frame.
			s.cam.ReleaseFrame(index)
			continue
		}
		s.buf = append(s.buf[:0], data...)
		if err := s.cam.ReleaseFrame(index); err != nil {
			return nil, fmt.Errorf("requeue frame buffer: %w", err)
		}
		return s.buf, nil
	}
}

func (s *v4l2Stream) Close() error {
	return s.cam.Close()
}
