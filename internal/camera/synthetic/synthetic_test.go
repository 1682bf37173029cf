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
	// The screen is in the middle: light there, the room dark at the
	// corner.
	centre := raw[2*(120*320+160)]
	corner := raw[2*(2*320+2)]
	if centre < 100 || corner > 80 {
		t.Errorf("centre %d, corner %d: no screen in the picture", centre, corner)
	}
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
