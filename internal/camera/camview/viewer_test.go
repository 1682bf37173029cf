package camview

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/synthetic"
	"github.com/mispbump/mispbump/internal/codes"
)

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// blank returns a scene of a white screen without a code.
func blank(name string) synthetic.Scene {
	img := image.NewGray(image.Rect(0, 0, 300, 300))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return synthetic.Scene{Name: name, Codes: []image.Image{img}}
}

// noAPI is the driver of a platform without camera access.
type noAPI struct{}

func (noAPI) Devices() ([]camera.Device, error) {
	return nil, fmt.Errorf("list cameras: %w", camera.ErrNoCameraAPI)
}

func (noAPI) Open(string, camera.Mode) (camera.Stream, error) {
	return nil, camera.ErrNoCameraAPI
}

func TestStartWithoutCamera(t *testing.T) {
	busy := blank("busy")
	busy.Busy = true
	tests := []struct {
		name   string
		driver camera.Driver
		want   error
		status string
	}{
		{"none", synthetic.New(synthetic.Options{}), camera.ErrNoCamera, "No camera found"},
		{"busy", synthetic.New(synthetic.Options{}, busy), camera.ErrBusy, "Camera busy"},
		{"no API", noAPI{}, camera.ErrNoCameraAPI, "No camera API on this platform"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			test.NewTempApp(t)
			v := New(tt.driver, nil, camera.Options{})
			test.NewTempWindow(t, v)

			err := v.Start()
			if !errors.Is(err, tt.want) {
				t.Fatalf("Start() = %v, want %v", err, tt.want)
			}
			s := v.State()
			if !strings.HasPrefix(s.Status, tt.status) || !errors.Is(s.Err, tt.want) {
				t.Errorf("state %+v, want status starting %q", s, tt.status)
			}
			if !strings.Contains(s.Status, "screen, a photo or pasted text") &&
				!strings.Contains(s.Status, "take a photo") {
				t.Errorf("status %q offers no other way to read the code", s.Status)
			}
			if v.status.Text != s.Status {
				t.Errorf("label shows %q, state says %q", v.status.Text, s.Status)
			}
			if v.picker.Visible() {
				t.Error("picker shown without cameras")
			}
		})
	}
}

func TestPreviewFillsWidget(t *testing.T) {
	test.NewTempApp(t)
	v := New(synthetic.New(synthetic.Options{}, blank("Desk camera")), nil, camera.Options{})
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(420, 320))

	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "10 preview frames", func() bool { return v.State().Frames >= 10 })
	if s := v.State(); s.Device.Name != "Desk camera" || s.Status != "Desk camera" {
		t.Errorf("state %+v, want the camera's name", s)
	}
	v.Stop()

	img, ok := v.image.Image.(*image.RGBA)
	if !ok {
		t.Fatalf("preview image is %T, want *image.RGBA", v.image.Image)
	}
	size := img.Rect.Size()
	if size.X > 420 || size.Y > 320 || size.X < 300 {
		t.Errorf("preview frame is %v, want it scaled to the widget, about 420×236", size)
	}
	if v.Camera() != nil {
		t.Error("camera still open after Stop")
	}
}

func TestPickerRemembersChoice(t *testing.T) {
	app := test.NewTempApp(t)
	d := synthetic.New(synthetic.Options{}, blank("Front"), blank("Back"))
	app.Preferences().SetString(PrefDevice, "synthetic:1")
	v := New(d, app.Preferences(), camera.Options{})
	test.NewTempWindow(t, v)

	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	if got := v.State().Device.Name; got != "Back" {
		t.Errorf("opened %q, want the last choice Back", got)
	}
	if !v.picker.Visible() || len(v.picker.Options) != 2 || v.picker.SelectedIndex() != 1 {
		t.Errorf("picker visible %v, options %v, selected %d", v.picker.Visible(), v.picker.Options,
			v.picker.SelectedIndex())
	}

	// Choosing in the picker switches camera and remembers it.
	v.picker.SetSelectedIndex(0)
	waitFor(t, "the switch to Front", func() bool { return v.State().Device.Name == "Front" })
	if got := app.Preferences().String(PrefDevice); got != "synthetic:0" {
		t.Errorf("preference %q, want synthetic:0", got)
	}
	v.Stop()

	if err := v.Select("synthetic:5"); !errors.Is(err, camera.ErrDeviceNotFound) {
		t.Errorf("Select(unknown) = %v", err)
	}
}

func TestScanShowsProgress(t *testing.T) {
	test.NewTempApp(t)
	msg := []byte(strings.Repeat("an animated handshake message of realistic size. ", 26))
	scene, err := synthetic.AnimatedScene("Desk camera", msg)
	if err != nil {
		t.Fatal(err)
	}
	v := New(synthetic.New(synthetic.Options{Seed: 3}, scene), nil, camera.Options{})
	test.NewTempWindow(t, v)
	if err := v.Start(); err != nil {
		t.Fatal(err)
	}
	defer v.Stop()

	var statuses []string
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	got, err := v.Scan(ctx, codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		func([]byte) error { return nil },
		func(p codes.Progress) { statuses = append(statuses, v.State().Status) })
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(msg) {
		t.Fatal("scanned message differs")
	}
	if len(statuses) < 2 || !strings.Contains(statuses[0], "Desk camera: animated code, 1 of ") {
		t.Errorf("statuses during the scan: %q", statuses)
	}
	if s := v.State().Status; s != "Desk camera: code read" {
		t.Errorf("status after the scan %q", s)
	}
}

func TestStopEndsScan(t *testing.T) {
	test.NewTempApp(t)
	v := New(synthetic.New(synthetic.Options{}, blank("Desk camera")), nil, camera.Options{})
	test.NewTempWindow(t, v)
	if _, err := v.Scan(context.Background(), codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		func([]byte) error { return nil }, nil); !errors.Is(err, ErrNotStarted) {
		t.Errorf("Scan before Start = %v, want ErrNotStarted", err)
	}
	if err := v.Start(); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := v.Scan(context.Background(), codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
			func([]byte) error { return nil }, nil)
		done <- err
	}()
	waitFor(t, "a decoded frame", func() bool { return v.Camera() != nil && v.Camera().Stats().Decoded > 0 })
	v.Stop()
	select {
	case err := <-done:
		if !errors.Is(err, camera.ErrClosed) {
			t.Errorf("Scan after Stop = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Scan still running 10 s after Stop")
	}
}
