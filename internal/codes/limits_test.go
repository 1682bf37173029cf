package codes

import (
	"image"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/codes/distort"
)

func TestLadderStaysWithinPixelLimit(t *testing.T) {
	r := NewReader(ReaderOptions{})
	for _, size := range []image.Point{{1280, 720}, {1920, 1080}, {3840, 2160}, {4096, 4096}, {5120, 2880}} {
		g := grayImage{w: size.X, h: size.Y}
		for _, s := range r.ladder(g) {
			w := int(math.Round(float64(g.w) * s.scale))
			h := int(math.Round(float64(g.h) * s.scale))
			if w*h > maxScanPixels {
				t.Errorf("%v: step %q searches %d×%d pixels, more than %d", size, s.name, w, h, maxScanPixels)
			}
		}
	}
}

func TestLadderKeepsUpscalingSmallFrames(t *testing.T) {
	var names []string
	for _, s := range NewReader(ReaderOptions{}).ladder(grayImage{w: 1920, h: 1080}) {
		if s.scale > 1 {
			names = append(names, s.name)
		}
	}
	if got := strings.Join(names, ", "); got != "upscaled 2x, upscaled 1.5x" {
		t.Errorf("upscaling steps for a 1080p frame: %q", got)
	}
}

func TestFittedStaysWithinPixelLimit(t *testing.T) {
	for _, size := range []image.Point{{8000, 8000}, {9000, 7111}, {64000, 1000}, {4097, 4096}} {
		g := grayImage{pix: make([]byte, size.X*size.Y), w: size.X, h: size.Y}
		fit, scale := g.fitted(maxScanPixels)
		if fit.w*fit.h > maxScanPixels || fit.w*fit.h < maxScanPixels*9/10 {
			t.Errorf("%v: fitted to %d×%d, want just under %d pixels", size, fit.w, fit.h, maxScanPixels)
		}
		if math.Abs(scale-float64(fit.w)/float64(size.X)) > 1e-9 {
			t.Errorf("%v: scale %v, want %v", size, scale, float64(fit.w)/float64(size.X))
		}
	}
	small := grayImage{pix: make([]byte, 100), w: 10, h: 10}
	if fit, scale := small.fitted(maxScanPixels); fit.w != 10 || scale != 1 {
		t.Errorf("small image fitted to %d wide at scale %v", fit.w, scale)
	}
}

// TestReaderLargeFrame reads a code in a 24-megapixel frame, which Scan
// shrinks before its ladder, and checks the bounds in the frame's own
// coordinates.
func TestReaderLargeFrame(t *testing.T) {
	msg := randomMessage(t, 600, 11)
	code, err := RenderStatic(msg, 1400)
	if err != nil {
		t.Fatal(err)
	}
	at := image.Pt(3500, 1800)
	img := canvas(6000, 4000, distort.Placement{Image: code, At: at})

	symbols := NewReader(ReaderOptions{}).Scan(img)
	if len(symbols) != 1 || symbols[0].Text != EncodeText(msg) {
		t.Fatalf("found %d codes, want the one placed", len(symbols))
	}
	want := code.Bounds().Add(at)
	got := symbols[0].Bounds
	if !got.In(want.Inset(-8)) || got.Dx() < want.Dx()*3/4 {
		t.Errorf("bounds %v, want inside %v", got, want)
	}
}

// TestShrunkMatchesAreaAverage compares shrunk with the area average
// computed directly over both axes.
func TestShrunkMatchesAreaAverage(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	g := grayImage{pix: make([]byte, 37*23), w: 37, h: 23}
	rng.Read(g.pix)
	out := g.shrunk(10, 7)

	sx, sy := 3.7, 23.0/7
	for y := 0; y < out.h; y++ {
		for x := 0; x < out.w; x++ {
			sum, weight := 0.0, 0.0
			for j := 0; j < g.h; j++ {
				wy := math.Min(float64(y+1)*sy, float64(j+1)) - math.Max(float64(y)*sy, float64(j))
				for i := 0; i < g.w; i++ {
					wx := math.Min(float64(x+1)*sx, float64(i+1)) - math.Max(float64(x)*sx, float64(i))
					if wx > 0 && wy > 0 {
						sum += float64(g.pix[j*g.w+i]) * wx * wy
						weight += wx * wy
					}
				}
			}
			want := int(sum/weight + 0.5)
			if got := int(out.pix[y*out.w+x]); got < want-1 || got > want+1 {
				t.Errorf("pixel (%d,%d) = %d, want %d", x, y, got, want)
			}
		}
	}
}
