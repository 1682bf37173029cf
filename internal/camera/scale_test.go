package camera

import (
	"image"
	"image/color"
	"math/rand"
	"testing"
)

func TestFitSize(t *testing.T) {
	tests := []struct {
		src, box, want image.Point
	}{
		{image.Pt(1280, 720), image.Pt(640, 640), image.Pt(640, 360)},
		{image.Pt(1280, 720), image.Pt(800, 300), image.Pt(533, 300)},
		{image.Pt(640, 480), image.Pt(1920, 1080), image.Pt(640, 480)}, // never enlarged
		{image.Pt(4000, 3000), image.Pt(1600, 1600), image.Pt(1600, 1200)},
		{image.Pt(1280, 720), image.Pt(0, 100), image.Point{}},
	}
	for _, tt := range tests {
		if got := fitSize(tt.src, tt.box); got != tt.want {
			t.Errorf("fitSize(%v, %v) = %v, want %v", tt.src, tt.box, got, tt.want)
		}
	}
}

func TestShrinkGrayAverages(t *testing.T) {
	// A 4×2 image of 2×2 blocks shrinks to 2×1: each pixel is the mean
	// of its block.
	src := &image.Gray{Pix: []uint8{0, 100, 200, 200, 50, 50, 100, 100}, Stride: 4, Rect: image.Rect(0, 0, 4, 2)}
	got := shrinkGray(src, 2)
	if got.Rect.Size() != image.Pt(2, 1) {
		t.Fatalf("size %v, want 2×1", got.Rect.Size())
	}
	if got.Pix[0] != 50 || got.Pix[1] != 150 {
		t.Errorf("pixels %v, want [50 150]", got.Pix)
	}
}

func TestShrinkGrayFractional(t *testing.T) {
	// 1280 to 960 is a factor 4/3: every output pixel mixes parts of
	// two input pixels. A flat image must stay flat and a ramp a ramp.
	src := image.NewGray(image.Rect(0, 0, 1280, 720))
	for y := 0; y < 720; y++ {
		for x := 0; x < 1280; x++ {
			src.Pix[y*src.Stride+x] = uint8(x / 5)
		}
	}
	got := shrinkGray(src, 960)
	if got.Rect.Size() != image.Pt(960, 540) {
		t.Fatalf("size %v, want 960×540", got.Rect.Size())
	}
	for x := 0; x < 960; x++ {
		// The output pixel at x covers input [x*4/3, (x+1)*4/3).
		want := float64(x)*4/3/5 + 0.5*4/3/5
		if d := float64(got.GrayAt(x, 100).Y) - want; d > 1 || d < -1 {
			t.Fatalf("pixel %d = %d, want about %.1f", x, got.GrayAt(x, 100).Y, want)
		}
		if got.GrayAt(x, 0).Y != got.GrayAt(x, 539).Y {
			t.Fatalf("column %d is not flat: %d at the top, %d at the bottom",
				x, got.GrayAt(x, 0).Y, got.GrayAt(x, 539).Y)
		}
	}
}

func TestShrinkGrayLeavesSmallImages(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 640, 480))
	if got := shrinkGray(src, 960); got != src {
		t.Error("an image that fits was copied or scaled")
	}
}

func TestLumaSharesYPlane(t *testing.T) {
	ycc := image.NewYCbCr(image.Rect(0, 0, 8, 4), image.YCbCrSubsampleRatio422)
	ycc.Y[ycc.YOffset(3, 2)] = 77
	g := luma(ycc)
	if g.GrayAt(3, 2).Y != 77 {
		t.Errorf("luma pixel = %d, want 77", g.GrayAt(3, 2).Y)
	}

	rgba := image.NewRGBA(image.Rect(0, 0, 2, 2))
	rgba.Set(1, 1, color.RGBA{200, 200, 200, 255})
	if got := luma(rgba).GrayAt(1, 1).Y; got != 200 {
		t.Errorf("luma of RGBA pixel = %d, want 200", got)
	}
}

func TestFitRGBAMatchesColorConversion(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	src := image.NewYCbCr(image.Rect(0, 0, 64, 36), image.YCbCrSubsampleRatio422)
	rng.Read(src.Y)
	rng.Read(src.Cb)
	rng.Read(src.Cr)

	// Fitting 64×36 into 32×32 halves it: output pixel (x, y) samples
	// input (2x+1, 2y+1).
	dst := fitRGBA(src, image.Pt(32, 32))
	if dst.Rect.Size() != image.Pt(32, 18) {
		t.Fatalf("size %v, want 32×18", dst.Rect.Size())
	}
	for y := 0; y < 18; y++ {
		for x := 0; x < 32; x++ {
			c := src.YCbCrAt(2*x+1, 2*y+1)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			if got := dst.RGBAAt(x, y); got != (color.RGBA{r, g, b, 0xff}) {
				t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got, color.RGBA{r, g, b, 0xff})
			}
		}
	}
}

func TestFitRGBAOtherImages(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 100, 50))
	for i := range src.Pix {
		src.Pix[i] = 180
	}
	dst := fitRGBA(src, image.Pt(50, 50))
	if dst.Rect.Size() != image.Pt(50, 25) {
		t.Fatalf("size %v, want 50×25", dst.Rect.Size())
	}
	if got := dst.RGBAAt(10, 10); got != (color.RGBA{180, 180, 180, 255}) {
		t.Errorf("pixel = %v, want grey 180", got)
	}
}
