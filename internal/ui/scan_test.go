package ui

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/scan"
)

// writePNG writes img to a file in dir and returns its URI.
func writePNG(t *testing.T, dir, name string, img image.Image) fyne.URI {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(path)
}

func writeFile(t *testing.T, dir, name, text string) fyne.URI {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(path)
}

// startPair starts a bump and hands the hello over, so that A waits for
// B's reply and B shows it.
func startPair(t *testing.T) (*side, *side) {
	a, b := twoSides(t)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	b.waitStage(string(bump.StageShowReply))
	return a, b
}

func TestDroppedFilesAreRead(t *testing.T) {
	a, b := startPair(t)
	dir := t.TempDir()
	reply := b.ui.bump.state.outgoing

	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	cases := []struct {
		name string
		uri  fyne.URI
		want string
	}{
		{"not an image", writeFile(t, dir, "notes.pdf", "%PDF-1.4 not an image"), "not a PNG, JPEG or GIF image"},
		{"no code", writePNG(t, dir, "blank.png", blank), "No usable bump code in the file"},
		{"missing", storage.NewFileURI(filepath.Join(dir, "gone.png")), "gone.png"},
	}
	for _, c := range cases {
		a.ui.bump.dropped(fyne.Position{}, []fyne.URI{c.uri})
		a.idle()
		text, isErr := a.notice()
		if !isErr || !strings.Contains(text, c.want) {
			t.Errorf("%s: notice %q (error %v), want an error containing %q", c.name, text, isErr, c.want)
		}
	}
	if a.ui.bump.state.stage != bump.StageShowHello {
		t.Fatalf("bad files moved the initiator to %s", a.ui.bump.state.stage)
	}

	img, err := codes.RenderStatic(reply, 800)
	if err != nil {
		t.Fatal(err)
	}
	a.ui.bump.dropped(fyne.Position{}, []fyne.URI{writePNG(t, dir, "reply.png", img)})
	a.waitStage(string(bump.StageReview))
	if text, _ := a.notice(); text != "Received the partner's reply (2 of 4)." {
		t.Errorf("notice after the dropped image: %q", text)
	}
}

func TestTextFileIsRead(t *testing.T) {
	a, b := startPair(t)
	uri := writeFile(t, t.TempDir(), "reply.txt", "Here is my code:\n\n"+codes.EncodeText(b.ui.bump.state.outgoing)+"\n")
	a.ui.bump.dropped(fyne.Position{}, []fyne.URI{uri})
	a.waitStage(string(bump.StageReview))
}

// testCamera is a camera that films the frames of an animated code, one
// after the other, as a webcam pointed at a partner's screen would.
type testCamera struct {
	frames []image.Image
	mu     sync.Mutex
	opened []string
	closed int
}

func (c *testCamera) Cameras(context.Context) ([]Camera, error) {
	return []Camera{{ID: "busy", Name: "Busy camera"}, {ID: "usb", Name: "USB camera"}}, nil
}

func (c *testCamera) Open(_ context.Context, id string) (scan.Source, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opened = append(c.opened, id)
	if id == "busy" {
		return nil, errors.New("camera busy")
	}
	return &cameraSource{cam: c}, nil
}

type cameraSource struct {
	cam  *testCamera
	next int
}

func (s *cameraSource) Next(ctx context.Context) (image.Image, error) {
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(time.Second / 30):
	}
	img := s.cam.frames[s.next%len(s.cam.frames)]
	s.next++
	return img, nil
}

func (s *cameraSource) Close() error {
	s.cam.mu.Lock()
	defer s.cam.mu.Unlock()
	s.cam.closed++
	return nil
}

func TestCameraScansAnimatedCode(t *testing.T) {
	a, b := startPair(t)
	anim, err := codes.NewAnimation(b.ui.bump.state.outgoing, codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cam := &testCamera{}
	// Every frame from the second one on: the camera missed the first,
	// and parity frames fill the gap.
	for i := 1; i <= anim.Frames()+1; i++ {
		img, err := anim.FrameImage(i, 480)
		if err != nil {
			t.Fatal(err)
		}
		cam.frames = append(cam.frames, img)
	}
	a.ui.opts.Camera = cam
	a.ui.bump.render()

	// The first camera is busy: its error is shown, nothing else runs.
	a.key(fyne.KeyK, ctrl)
	a.waitFor("the camera picker", func() bool { return len(a.ui.dialogs) == 1 })
	pick := a.selectWidget()
	if pick.Selected != "Busy camera" {
		t.Errorf("picker preselects %q", pick.Selected)
	}
	a.tap("Scan")
	a.idle()
	if text, isErr := a.notice(); !isErr || !strings.Contains(text, "camera busy") {
		t.Errorf("notice after a busy camera: %q", text)
	}

	a.tap("Camera")
	a.waitFor("the camera picker", func() bool { return len(a.ui.dialogs) == 1 })
	a.selectWidget().SetSelected("USB camera")
	a.tap("Scan")
	a.waitStage(string(bump.StageReview))
	if a.ui.bump.preview.img.Image == nil {
		t.Error("the preview never showed a frame")
	}
	if got := a.ui.app.Preferences().String(prefCamera); got != "usb" {
		t.Errorf("remembered camera %q", got)
	}
	cam.mu.Lock()
	defer cam.mu.Unlock()
	if cam.closed != 1 {
		t.Errorf("camera closed %d times, want 1", cam.closed)
	}
}

func (s *side) selectWidget() *widget.Select {
	s.t.Helper()
	for _, o := range s.objects() {
		if sel, ok := o.(*widget.Select); ok {
			return sel
		}
	}
	s.t.Fatalf("no select on screen: %s", s.texts())
	return nil
}

func TestScanStopsOnEscape(t *testing.T) {
	a, _ := startPair(t)
	// A camera whose frames are all black.
	cam := &testCamera{frames: []image.Image{image.NewGray(image.Rect(0, 0, 64, 64))}}
	a.ui.opts.Camera = cam
	a.ui.bump.render()
	a.tap("Camera")
	a.waitFor("the camera picker", func() bool { return len(a.ui.dialogs) == 1 })
	a.selectWidget().SetSelected("USB camera")
	a.tap("Scan")
	a.waitFor("the scan to run", func() bool { return a.ui.bump.scanning == scanCamera })
	a.key(fyne.KeyEscape, 0)
	a.idle()
	if text, _ := a.notice(); text != "Scanning stopped." {
		t.Errorf("notice after Escape: %q", text)
	}
	if a.ui.bump.session == nil || a.ui.bump.state.stage != bump.StageShowHello {
		t.Errorf("Escape during a scan changed the bump: %v", a.ui.bump.state.stage)
	}
}

func TestScanStopsWhenScreenLeft(t *testing.T) {
	a, _ := startPair(t)
	cam := &testCamera{frames: []image.Image{image.NewGray(image.Rect(0, 0, 64, 64))}}
	a.ui.opts.Camera = cam
	a.ui.bump.render()
	a.tap("Camera")
	a.waitFor("the camera picker", func() bool { return len(a.ui.dialogs) == 1 })
	a.selectWidget().SetSelected("USB camera")
	a.tap("Scan")
	a.waitFor("the scan to run", func() bool { return a.ui.bump.scanning == scanCamera })
	a.key(fyne.Key3, ctrl)
	a.idle()
	cam.mu.Lock()
	closed := cam.closed
	cam.mu.Unlock()
	if closed != 1 {
		t.Errorf("camera closed %d times after leaving the screen, want 1", closed)
	}
	if text, _ := a.notice(); text != "Scanning stopped." {
		t.Errorf("notice after leaving the screen: %q", text)
	}
}
