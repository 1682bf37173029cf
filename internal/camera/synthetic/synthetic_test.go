package synthetic

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"testing"

	"github.com/mispbump/mispbump/internal/camera"
)

// smallOptions films small frames so the tests render quickly.
func smallOptions(f camera.Format) Options {
	return Options{Mode: camera.Mode{Format: f, Width: 320, Height: 240, FPS: 30}, Seed: 1}
}

func testScene(t *testing.T) Scene {
	t.Helper()
	s, err := AnimatedScene("hello", bytes.Repeat([]byte("synthetic camera "), 30))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDevicesAndOpenErrors(t *testing.T) {
	busy := testScene(t)
	busy.Busy = true
	d := New(smallOptions(camera.FormatYUYV), testScene(t), busy)

	devices, err := d.Devices()
	if err != nil || len(devices) != 2 || devices[0].Name != "hello" {
		t.Fatalf("Devices() = %v, %v", devices, err)
	}
	if _, err := d.Open(devices[1].ID, camera.Mode{}); !errors.Is(err, camera.ErrBusy) {
		t.Errorf("Open(busy) = %v, want ErrBusy", err)
	}
	if _, err := d.Open("synthetic:7", camera.Mode{}); !errors.Is(err, camera.ErrDeviceNotFound) {
		t.Errorf("Open(unknown) = %v, want ErrDeviceNotFound", err)
	}
	if _, err := New(smallOptions(camera.FormatYUYV), Scene{Name: "empty"}).Open("synthetic:0", camera.Mode{}); err == nil {
		t.Error("a scene without codes opened")
	}
}

func TestYUYVFrames(t *testing.T) {
	d := New(smallOptions(camera.FormatYUYV), testScene(t))
	s, err := d.Open("synthetic:0", camera.Mode{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	raw, err := s.ReadFrame(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 320*240*2 {
		t.Fatalf("frame of %d bytes, want %d for 320×240 YUYV", len(raw), 320*240*2)
	}
	for i := 1; i < len(raw); i += 2 {
		if raw[i] != 128 {
			t.Fatalf("chroma byte %d = %d, want neutral 128", i, raw[i])
		}
	}
	// The screen is in the middle, lighter on average than the room
	// at the corner.
	centre := meanY(raw, 320, image.Rect(140, 100, 180, 140))
	corner := meanY(raw, 320, image.Rect(0, 0, 40, 40))
	if centre < corner+30 {
		t.Errorf("mean brightness %.0f in the centre, %.0f at the corner: no screen in the picture",
			centre, corner)
	}
}

// meanY returns the mean brightness of r in a YUYV frame of the given
// width.
func meanY(raw []byte, width int, r image.Rectangle) float64 {
	sum := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			sum += int(raw[2*(y*width+x)])
		}
	}
	return float64(sum) / float64(r.Dx()*r.Dy())
}

func TestMJPEGFrames(t *testing.T) {
	d := New(smallOptions(camera.FormatMJPEG), testScene(t))
	s, err := d.Open("synthetic:0", camera.Mode{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	raw, err := s.ReadFrame(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("frame is no JPEG: %v", err)
	}
	if img.Bounds().Size() != image.Pt(320, 240) {
		t.Errorf("frame size %v", img.Bounds().Size())
	}
}

func TestReadFrameHonoursContext(t *testing.T) {
	d := New(smallOptions(camera.FormatYUYV), testScene(t))
	s, err := d.Open("synthetic:0", camera.Mode{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.ReadFrame(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadFrame with a cancelled context = %v", err)
	}
}

func TestUnsupportedFormat(t *testing.T) {
	d := New(smallOptions(camera.FormatNV12), testScene(t))
	if _, err := d.Open("synthetic:0", camera.Mode{}); err == nil {
		t.Error("synthetic camera opened in NV12, which it cannot deliver")
	}
}
