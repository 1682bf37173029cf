package camera_test

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/synthetic"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/scan"
)

// blankScene films a screen with no code, the worst case for the reader.
func blankScene(name string) synthetic.Scene {
	img := image.NewGray(image.Rect(0, 0, 400, 400))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return synthetic.Scene{Name: name, Codes: []image.Image{img}}
}

func TestOpenErrors(t *testing.T) {
	busy := blankScene("busy")
	busy.Busy = true
	tests := []struct {
		name   string
		driver camera.Driver
		device string
		want   error
	}{
		{"no camera", synthetic.New(synthetic.Options{}), "", camera.ErrNoCamera},
		{"busy", synthetic.New(synthetic.Options{}, busy), "", camera.ErrBusy},
		{"unknown device", synthetic.New(synthetic.Options{}, blankScene("a")), "synthetic:9",
			camera.ErrDeviceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cam, err := camera.Open(tt.driver, camera.Options{Device: tt.device})
			if err == nil {
				cam.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open error %q does not wrap %q", err, tt.want)
			}
		})
	}
}

func TestCloseStopsScan(t *testing.T) {
	d := synthetic.New(synthetic.Options{}, blankScene("blank"))
	cam, err := camera.Open(d, camera.Options{})
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := scan.Run(context.Background(), cam, codes.NewReader(codes.ReaderOptions{}),
			codes.NewCollector(), func([]byte) error { return nil }, nil)
		done <- err
	}()
	// Let the scan decode a few frames before leaving the screen.
	for cam.Stats().Decoded < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cam.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	select {
	case err := <-done:
		if !errors.Is(err, camera.ErrClosed) {
			t.Errorf("scan.Run returned %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("scan.Run still running 10 s after Close")
	}
	if _, err := cam.Next(context.Background()); !errors.Is(err, camera.ErrClosed) {
		t.Errorf("Next after Close returned %v, want ErrClosed", err)
	}
	// At most the one frame that waited is left before the channel ends.
	waiting := 0
	for range cam.Preview() {
		waiting++
	}
	if waiting > 1 {
		t.Errorf("preview delivered %d frames after Close", waiting)
	}
	if err := cam.Err(); !errors.Is(err, camera.ErrClosed) {
		t.Errorf("Err after Close = %v, want ErrClosed", err)
	}
}

func TestNextHonoursContext(t *testing.T) {
	cam, err := camera.Open(synthetic.New(synthetic.Options{}, blankScene("blank")), camera.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// The first Next passes the pacer at once, so the cancelled context
	// is what stops it.
	if _, err := cam.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with a cancelled context returned %v", err)
	}
}

func TestNextFrameSize(t *testing.T) {
	cam, err := camera.Open(synthetic.New(synthetic.Options{}, blankScene("blank")),
		camera.Options{DecodeSides: []int{640, 2000}})
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()

	// The sizes alternate, and a camera frame is never enlarged.
	for _, want := range []image.Point{{640, 360}, {1280, 720}, {640, 360}} {
		img, err := cam.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got != want {
			t.Errorf("decode frame is %v, want %v from a 1280×720 camera", got, want)
		}
		if _, ok := img.(*image.Gray); !ok {
			t.Errorf("decode frame is %T, want *image.Gray", img)
		}
	}
	if m := cam.Mode(); m.Width != 1280 || m.Height != 720 || m.Format != camera.FormatYUYV {
		t.Errorf("Mode() = %v", m)
	}
}

func TestPreviewFrames(t *testing.T) {
	cam, err := camera.Open(synthetic.New(synthetic.Options{}, blankScene("blank")),
		camera.Options{PreviewSize: image.Pt(400, 400)})
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()

	first := <-cam.Preview()
	if got := first.Rect.Size(); got != image.Pt(400, 225) {
		t.Errorf("preview frame is %v, want 400×225 to fit 400×400 at 16:9", got)
	}

	cam.SetPreviewSize(image.Pt(320, 240))
	var last *image.RGBA
	for range 5 {
		last = <-cam.Preview()
		if last == first {
			t.Fatal("preview reused an image; each frame must be a new one")
		}
	}
	if got := last.Rect.Size(); got != image.Pt(320, 180) {
		t.Errorf("preview frame after SetPreviewSize is %v, want 320×180", got)
	}
	// The white screen in the middle must come out light and the room
	// around it dark, in colour.
	centre := last.RGBAAt(160, 90)
	corner := last.RGBAAt(2, 2)
	if centre.R < 150 || corner.R > 100 || centre.A != 0xff {
		t.Errorf("preview centre %v and corner %v: the picture did not come through", centre, corner)
	}
}

func TestUnreadPreviewCostsNothing(t *testing.T) {
	cam, err := camera.Open(synthetic.New(synthetic.Options{}, blankScene("blank")), camera.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cam.Close()

	for cam.Stats().Captured < 10 {
		time.Sleep(20 * time.Millisecond)
	}
	s := cam.Stats()
	if s.Previewed != 1 {
		t.Errorf("previewed %d frames with nobody reading, want the 1 that waits", s.Previewed)
	}
	if s.Dropped < s.Captured-1 {
		t.Errorf("stats %+v: frames nobody asked for must be dropped unconverted", s)
	}
}
