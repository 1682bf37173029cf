package distort

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand"
)

// Placement puts an image at a point of a composite.
type Placement struct {
	Image image.Image
	At    image.Point
}

// Window draws a w×h desktop with an application window on it: a
// gradient background, a window with a title bar, buttons and lines of
// fake text, and the placed images on top. It imitates a screenshot of
// the app, with the clutter (text, edges, icons) that can fool a finder
// pattern search.
func Window(w, h int, rng *rand.Rand, placements ...Placement) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(x+y) / float64(w+h)
			img.Set(x, y, color.RGBA{uint8(30 + 60*t), uint8(60 + 40*t), uint8(110 + 50*t), 255})
		}
	}

	win := image.Rect(w/20, h/20, w-w/20, h-h/20)
	fill(img, win, color.RGBA{236, 236, 236, 255})
	fill(img, image.Rect(win.Min.X, win.Min.Y, win.Max.X, win.Min.Y+32), color.RGBA{52, 56, 64, 255})
	for i := 0; i < 3; i++ {
		x := win.Max.X - 30 - 28*i
		fill(img, image.Rect(x, win.Min.Y+8, x+16, win.Min.Y+24), color.RGBA{200, 80 + uint8(60*i), 70, 255})
	}

	// Fake text: words of dark bars on lines, and a few buttons.
	for line := 0; line < (win.Dy()-60)/22; line++ {
		y := win.Min.Y + 50 + line*22
		x := win.Min.X + 20
		for x < win.Max.X-40 && rng.Intn(12) != 0 {
			word := 10 + rng.Intn(60)
			fill(img, image.Rect(x, y, min(x+word, win.Max.X-20), y+9+rng.Intn(3)), color.RGBA{40, 40, 40, 255})
			x += word + 6 + rng.Intn(6)
		}
	}
	for i := 0; i < 3; i++ {
		x := win.Min.X + 20 + i*140
		fill(img, image.Rect(x, win.Max.Y-50, x+120, win.Max.Y-20), color.RGBA{30, 100, 200, 255})
	}

	for _, p := range placements {
		r := p.Image.Bounds().Sub(p.Image.Bounds().Min).Add(p.At)
		draw.Draw(img, r, p.Image, p.Image.Bounds().Min, draw.Src)
	}
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, &image.Uniform{C: c}, image.Point{}, draw.Src)
}
