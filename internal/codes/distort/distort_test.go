package distort

import (
	"image"
	"math"
	"math/rand"
	"testing"
)

func checker(w, h, cell int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if (x/cell+y/cell)%2 == 0 {
				img.Pix[y*img.Stride+x] = 255
			}
		}
	}
	return img
}

func TestWarpIdentity(t *testing.T) {
	src := checker(40, 30, 5)
	out := Warp(src, 40, 30, Quad{{0, 0}, {40, 0}, {40, 30}, {0, 30}}, 128)
	for i := range src.Pix {
		if d := int(out.Pix[i]) - int(src.Pix[i]); d < -1 || d > 1 {
			t.Fatalf("pixel %d: %d, want %d", i, out.Pix[i], src.Pix[i])
		}
	}
}

func TestHomographyMapsCorners(t *testing.T) {
	from := Quad{{0, 0}, {10, 0}, {10, 10}, {0, 10}}
	to := Quad{{3, 1}, {20, 4}, {18, 25}, {1, 19}}
	m := homography(from, to)
	for i, p := range from {
		d := m[6]*p[0] + m[7]*p[1] + m[8]
		x := (m[0]*p[0] + m[1]*p[1] + m[2]) / d
		y := (m[3]*p[0] + m[4]*p[1] + m[5]) / d
		if math.Abs(x-to[i][0]) > 1e-9 || math.Abs(y-to[i][1]) > 1e-9 {
			t.Errorf("corner %d maps to (%g, %g), want %v", i, x, y, to[i])
		}
	}
}

func TestContrastAndInvert(t *testing.T) {
	src := checker(16, 16, 4)
	low := Contrast(src, 100, 140)
	for i, v := range low.Pix {
		want := uint8(100)
		if src.Pix[i] == 255 {
			want = 140
		}
		if v != want {
			t.Fatalf("pixel %d: %d, want %d", i, v, want)
		}
	}
	back := Invert(Invert(src))
	for i := range src.Pix {
		if back.Pix[i] != src.Pix[i] {
			t.Fatalf("double inversion changed pixel %d", i)
		}
	}
}

func TestBlurKeepsMeanAndSoftensEdges(t *testing.T) {
	src := checker(64, 64, 8)
	out := Blur(src, 2)
	sum := func(img *image.Gray) int {
		n := 0
		for _, v := range img.Pix {
			n += int(v)
		}
		return n
	}
	if d := math.Abs(float64(sum(out)-sum(src))) / float64(len(src.Pix)); d > 2 {
		t.Errorf("mean moved by %.1f grey levels", d)
	}
	if v := out.Pix[8*64+8]; v == 0 || v == 255 {
		t.Errorf("corner of a cell stays %d after blurring", v)
	}
}

func TestNoiseIsSeeded(t *testing.T) {
	src := checker(32, 32, 4)
	a := Noise(src, 20, rand.New(rand.NewSource(1)))
	b := Noise(src, 20, rand.New(rand.NewSource(1)))
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			t.Fatal("the same seed gave different noise")
		}
	}
}
