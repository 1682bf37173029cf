package codes

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/mispbump/mispbump/internal/codes/distort"
)

// roundTripFile writes img as PNG or JPEG into dir and reads it back.
func roundTripFile(t *testing.T, dir, name string, img image.Image, asJPEG bool) image.Image {
	t.Helper()
	path := filepath.Join(dir, name+".png")
	if asJPEG {
		path = filepath.Join(dir, name+".jpg")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if asJPEG {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 85})
	} else {
		err = png.Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("write %s: %v", path, err)
	}

	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return back
}

// scanOne returns the one code text in img.
func scanOne(t *testing.T, r *Reader, img image.Image) string {
	t.Helper()
	symbols := r.Scan(img)
	if len(symbols) != 1 {
		t.Fatalf("found %d codes, want 1", len(symbols))
	}
	return symbols[0].Text
}

func TestReaderStaticFiles(t *testing.T) {
	dir := t.TempDir()
	r := NewReader(ReaderOptions{})
	for _, n := range handshakeSizes {
		msg := randomMessage(t, n, int64(n))
		img, err := RenderStatic(msg, 3*(len(EncodeText(msg))/11+60))
		if err != nil {
			t.Fatal(err)
		}
		for _, asJPEG := range []bool{false, true} {
			back := roundTripFile(t, dir, "static", img, asJPEG)
			got, err := DecodeText(scanOne(t, r, back))
			if err != nil {
				t.Fatalf("%d bytes, jpeg %v: %v", n, asJPEG, err)
			}
			if !bytes.Equal(got, msg) {
				t.Fatalf("%d bytes, jpeg %v: message differs", n, asJPEG)
			}
		}
	}
}

func TestReaderAnimatedFiles(t *testing.T) {
	dir := t.TempDir()
	r := NewReader(ReaderOptions{})
	for _, n := range handshakeSizes {
		anim, msg := newTestAnimation(t, n, int64(n))
		for _, asJPEG := range []bool{false, true} {
			c := NewCollector()
			var p Progress
			// Skip frame 0 so that a parity frame has to stand in.
			for i := 1; i <= anim.Frames(); i++ {
				img, err := anim.FrameImage(i, 300)
				if err != nil {
					t.Fatal(err)
				}
				back := roundTripFile(t, dir, "frame", img, asJPEG)
				p, err = c.Add(scanOne(t, r, back))
				if err != nil {
					t.Fatalf("%d bytes, frame %d: %v", n, i, err)
				}
			}
			if !p.Complete || !bytes.Equal(p.Message, msg) {
				t.Fatalf("%d bytes, jpeg %v: %v after all frames, complete %v", n, asJPEG, p, p.Complete)
			}
		}
	}
}

func TestReaderNonIntegerScales(t *testing.T) {
	r := NewReader(ReaderOptions{})
	msg := randomMessage(t, 1600, 8)
	text := EncodeText(msg)
	for _, s := range []float64{2.3, 2.5, 3.4, 4.6} {
		base, err := RenderStatic(msg, int(math.Floor(s))*200)
		if err != nil {
			t.Fatal(err)
		}
		g := distort.Gray(base)
		modules := float64(g.Rect.Dx()) / math.Floor(s)
		side := int(modules * s)
		if got := scanOne(t, r, distort.Resize(g, side, side)); got != text {
			t.Errorf("%.1f px per module: wrong text", s)
		}
	}
}

func TestReaderDegraded(t *testing.T) {
	r := NewReader(ReaderOptions{})
	msg := randomMessage(t, 600, 9)
	img, err := RenderStatic(msg, 500)
	if err != nil {
		t.Fatal(err)
	}
	g := distort.Gray(img)
	side := float64(g.Rect.Dx())
	rng := rand.New(rand.NewSource(1))

	cases := map[string]*image.Gray{
		"inverted":     distort.Invert(g),
		"rotated":      distort.Warp(g, int(side*1.5), int(side*1.5), distort.Rotate(side, side, 0.5, side/4, side/4), 255),
		"low contrast": distort.Contrast(g, 100, 140),
		"faint":        distort.Contrast(g, 118, 142),
		"noise":        distort.Noise(g, 35, rng),
		"blur":         distort.Blur(g, 1.2),
	}
	for name, img := range cases {
		symbols := r.Scan(img)
		if len(symbols) != 1 {
			t.Errorf("%s: found %d codes, want 1", name, len(symbols))
			continue
		}
		if symbols[0].Text != EncodeText(msg) {
			t.Errorf("%s: wrong text", name)
		}
	}
}

// canvas places images on a white canvas and returns it with the
// rectangles of the placed images.
func canvas(w, h int, parts ...distort.Placement) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	for _, p := range parts {
		b := p.Image.Bounds()
		draw.Draw(img, b.Sub(b.Min).Add(p.At), p.Image, b.Min, draw.Src)
	}
	return img
}

func TestReaderTwoCodesSideBySide(t *testing.T) {
	r := NewReader(ReaderOptions{})
	a := randomMessage(t, 1260, 1)
	anim, _ := newTestAnimation(t, 1500, 2)
	imgA, err := RenderStatic(a, 600)
	if err != nil {
		t.Fatal(err)
	}
	imgB, err := anim.FrameImage(3, 400)
	if err != nil {
		t.Fatal(err)
	}
	img := canvas(1200, 700,
		distort.Placement{Image: imgA, At: image.Pt(20, 40)},
		distort.Placement{Image: imgB, At: image.Pt(700, 150)})

	symbols := r.Scan(img)
	texts := map[string]image.Rectangle{}
	for _, s := range symbols {
		texts[s.Text] = s.Bounds
	}
	if len(symbols) != 2 {
		t.Fatalf("found %d codes, want 2", len(symbols))
	}
	boundsA, okA := texts[EncodeText(a)]
	boundsB, okB := texts[anim.FrameText(3)]
	if !okA || !okB {
		t.Fatalf("found static %v and frame %v, want both", okA, okB)
	}
	if !boundsA.In(image.Rect(0, 20, 650, 660)) || !boundsB.In(image.Rect(680, 130, 1120, 570)) {
		t.Errorf("bounds %v and %v lie outside the placed codes", boundsA, boundsB)
	}
	if boundsA.Overlaps(boundsB) {
		t.Errorf("bounds %v and %v overlap", boundsA, boundsB)
	}
}

func TestReaderWindowScreenshot(t *testing.T) {
	r := NewReader(ReaderOptions{})
	msg := randomMessage(t, 1500, 3)
	anim, _ := newTestAnimation(t, 1260, 4)
	static, err := RenderStatic(msg, 3*170)
	if err != nil {
		t.Fatal(err)
	}
	frame, err := anim.FrameImage(0, 4*65)
	if err != nil {
		t.Fatal(err)
	}
	shot := distort.Window(1600, 900, rand.New(rand.NewSource(5)),
		distort.Placement{Image: static, At: image.Pt(200, 180)},
		distort.Placement{Image: frame, At: image.Pt(900, 300)})

	found := map[string]bool{}
	for _, s := range r.Scan(shot) {
		found[s.Text] = true
	}
	if !found[EncodeText(msg)] {
		t.Error("static code in the window not found")
	}
	if !found[anim.FrameText(0)] {
		t.Error("animated frame beside it not found")
	}
}

func TestReaderSubImageBounds(t *testing.T) {
	r := NewReader(ReaderOptions{})
	msg := randomMessage(t, 120, 5)
	code, err := RenderStatic(msg, 200)
	if err != nil {
		t.Fatal(err)
	}
	img := canvas(800, 600, distort.Placement{Image: code, At: image.Pt(500, 300)})
	sub := img.SubImage(image.Rect(400, 200, 800, 600))

	symbols := r.Scan(sub)
	if len(symbols) != 1 {
		t.Fatalf("found %d codes, want 1", len(symbols))
	}
	want := code.Bounds().Add(image.Pt(500, 300))
	if !symbols[0].Bounds.In(want.Inset(-4)) || symbols[0].Bounds.Dx() < want.Dx()/2 {
		t.Errorf("bounds %v, want inside %v in the coordinates of the parent image", symbols[0].Bounds, want)
	}
}

func TestReaderNoCode(t *testing.T) {
	r := NewReader(ReaderOptions{})
	blank := canvas(300, 200)
	window := distort.Window(1280, 720, rand.New(rand.NewSource(2)))
	for name, img := range map[string]image.Image{"blank": blank, "window": window, "empty": image.NewGray(image.Rect(0, 0, 0, 0))} {
		if symbols := r.Scan(img); len(symbols) != 0 {
			t.Errorf("%s: found %d codes in an image without any", name, len(symbols))
		}
	}
}
