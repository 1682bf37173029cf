package ui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/camview"
	"github.com/mispbump/mispbump/internal/camera/synthetic"
	"github.com/mispbump/mispbump/internal/codes"
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

// truncatedPNG writes img as a PNG cut off after its first 100 bytes,
// so its header is whole and its pixel data is not.
func truncatedPNG(t *testing.T, dir string, img image.Image) fyne.URI {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "cut.png", string(buf.Bytes()[:100]))
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
		{"truncated", truncatedPNG(t, dir, blank), "invalid 200×200 image"},
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

// cameraFor makes a camera view of the synthetic driver, which films the
// scenes with camera damage and delivers raw frames in real time.
func cameraFor(scenes ...synthetic.Scene) func(fyne.App) CameraView {
	return func(a fyne.App) CameraView {
		return camview.New(synthetic.New(synthetic.Options{Seed: 3}, scenes...), a.Preferences(), camera.Options{})
	}
}

// withCamera gives the side a camera view on scenes.
func (s *side) withCamera(scenes ...synthetic.Scene) {
	s.ui.opts.Camera = cameraFor(scenes...)
	s.ui.bump.camera = s.ui.opts.Camera(s.ui.app)
	s.ui.bump.render()
}

func TestCameraScansAnimatedCode(t *testing.T) {
	a, b := startPair(t)
	scene, err := synthetic.AnimatedScene("Desk camera", b.ui.bump.state.outgoing)
	if err != nil {
		t.Fatal(err)
	}
	a.withCamera(scene)

	a.key(fyne.KeyK, ctrl)
	a.waitFor("the camera to scan", func() bool { return a.ui.bump.scanning == scanCamera })
	a.waitStage(string(bump.StageReview))
	if text, _ := a.notice(); text != "Received the partner's reply (2 of 4)." {
		t.Errorf("notice after the camera scan: %q", text)
	}
	if a.ui.bump.camera.(*camview.Viewer).Camera() != nil {
		t.Error("the camera is still open after the scan")
	}
}

func TestBusyCameraIsReported(t *testing.T) {
	a, _ := startPair(t)
	busy := blankScene("Busy camera")
	busy.Busy = true
	a.withCamera(busy)
	a.tap("Camera")
	a.idle()
	text, isErr := a.notice()
	if !isErr || !strings.Contains(text, "camera busy") {
		t.Errorf("notice after a busy camera: %q (error %v)", text, isErr)
	}
	if a.ui.bump.state.stage != bump.StageShowHello {
		t.Errorf("stage after a busy camera: %s", a.ui.bump.state.stage)
	}
}

// blankScene is a camera filming a white screen without a code.
func blankScene(name string) synthetic.Scene {
	img := image.NewGray(image.Rect(0, 0, 300, 300))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return synthetic.Scene{Name: name, Codes: []image.Image{img}}
}

// startBlankScan starts a camera scan that finds nothing.
func startBlankScan(t *testing.T) *side {
	a, _ := startPair(t)
	a.withCamera(blankScene("Desk camera"))
	a.tap("Camera")
	a.waitFor("the camera to open", func() bool { return a.ui.bump.camera.(*camview.Viewer).Camera() != nil })
	return a
}

func TestScanStopsOnEscape(t *testing.T) {
	a := startBlankScan(t)
	a.key(fyne.KeyEscape, 0)
	a.idle()
	if text, _ := a.notice(); text != "Scanning stopped." {
		t.Errorf("notice after Escape: %q", text)
	}
	if a.ui.bump.camera.(*camview.Viewer).Camera() != nil {
		t.Error("the camera is still open after Escape")
	}
	if a.ui.bump.session == nil || a.ui.bump.state.stage != bump.StageShowHello {
		t.Errorf("Escape during a scan changed the bump: %v", a.ui.bump.state.stage)
	}
}

func TestScanStopsWhenScreenLeft(t *testing.T) {
	a := startBlankScan(t)
	a.key(fyne.Key3, ctrl)
	a.idle()
	if text, _ := a.notice(); text != "Scanning stopped." {
		t.Errorf("notice after leaving the screen: %q", text)
	}
	if a.ui.bump.camera.(*camview.Viewer).Camera() != nil {
		t.Error("the camera is still open after leaving the screen")
	}
}

func TestCameraSwitchKeepsScanning(t *testing.T) {
	a, b := startPair(t)
	scene, err := synthetic.StaticScene("Phone camera", b.ui.bump.state.outgoing)
	if err != nil {
		t.Fatal(err)
	}
	a.withCamera(blankScene("Desk camera"), scene)
	a.tap("Camera")
	view := a.ui.bump.camera.(*camview.Viewer)
	a.waitFor("the camera to open", func() bool { return view.Camera() != nil })
	if got := view.State().Device.Name; got != "Desk camera" {
		t.Fatalf("first camera %q", got)
	}

	// The admin picks the other camera in the view's picker.
	if err := view.Select("synthetic:1"); err != nil {
		t.Fatal(err)
	}
	a.waitStage(string(bump.StageReview))
}
