package main

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand"
	"os"
	"path/filepath"

	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/codes/distort"
)

// sample is one image of the corpus and the code texts it holds.
type sample struct {
	path  string
	group string // "clean", "degraded" or "1080p"
	case_ string // e.g. "blur", "2.50 px up"
	codes string // the codes in the image, e.g. "static 600 B"
	want  []string
}

// messageSizes are the handshake messages: key, offer, hello and reply,
// and the ends of the range the handshake may produce.
var messageSizes = []int{100, 120, 600, 1260, 1500, 1600}

// code is one QR code to place in corpus images: its text and a render
// at one pixel per module.
type code struct {
	label string
	text  string
	unit  *image.Gray
}

// corpusCodes returns a static code and one parity frame for each
// message size, with messages drawn from the seed.
func corpusCodes(rng *rand.Rand, sizes []int) ([]code, error) {
	var out []code
	for _, n := range sizes {
		msg := make([]byte, n)
		rng.Read(msg)

		static, err := renderUnit(func(side int) (image.Image, error) { return codes.RenderStatic(msg, side) })
		if err != nil {
			return nil, err
		}
		out = append(out, code{label: fmt.Sprintf("static %d B", n), text: codes.EncodeText(msg), unit: static})

		anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
		if err != nil {
			return nil, err
		}
		i := anim.Frames() // the first parity frame
		frame, err := renderUnit(func(side int) (image.Image, error) { return anim.FrameImage(i, side) })
		if err != nil {
			return nil, err
		}
		out = append(out, code{label: fmt.Sprintf("frame %d B", n), text: anim.FrameText(i), unit: frame})
	}
	return out, nil
}

// renderUnit renders at one pixel per module by asking for the smallest
// side that works.
func renderUnit(render func(side int) (image.Image, error)) (*image.Gray, error) {
	for side := 21; side <= 200; side++ {
		if img, err := render(side); err == nil {
			return distort.Gray(img), nil
		}
	}
	return nil, fmt.Errorf("no render up to 200 pixels")
}

// nearest scales a one-pixel-per-module render by an integer factor,
// which is exactly what RenderStatic draws at that scale.
func nearest(src *image.Gray, f int) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(image.Rect(0, 0, w*f, h*f))
	for y := 0; y < h*f; y++ {
		for x := 0; x < w*f; x++ {
			dst.Pix[y*dst.Stride+x] = src.Pix[(y/f)*src.Stride+x/f]
		}
	}
	return dst
}

// atScale renders c at s pixels per module. Integer scales are exact.
// Other scales come from the integer render below s enlarged with
// bilinear interpolation ("up", a browser zooming the app) or from an
// 8-pixel render shrunk ("down", a desktop scaled below 100%).
func atScale(c code, s float64, down bool) *image.Gray {
	if s == math.Trunc(s) {
		return nearest(c.unit, int(s))
	}
	side := int(math.Round(float64(c.unit.Rect.Dx()) * s))
	if down {
		return distort.Resize(nearest(c.unit, 8), side, side)
	}
	return distort.Resize(nearest(c.unit, int(s)), side, side)
}

// writer stores corpus images and remembers them as samples.
type writer struct {
	dir     string
	samples []sample
}

// add writes img as PNG, or as JPEG when quality is above zero.
func (w *writer) add(group, name, codes string, img image.Image, want []string, quality int) error {
	ext := ".png"
	if quality > 0 {
		ext = ".jpg"
	}
	path := filepath.Join(w.dir, fmt.Sprintf("%04d%s", len(w.samples), ext))
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create corpus image: %w", err)
	}
	if quality > 0 {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: quality})
	} else {
		err = png.Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w.samples = append(w.samples, sample{path: path, group: group, case_: name, codes: codes, want: want})
	return nil
}
