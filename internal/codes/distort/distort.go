// Package distort degrades grayscale images the way screens, cameras and
// file formats do: scaling, blur, noise, JPEG, perspective, low contrast,
// uneven lighting, moiré and inversion. Tests and the code benchmark use
// it to build images that readers must cope with.
//
// Every function returns a new image and leaves its input alone. Random
// functions take a *rand.Rand so that a seed fixes their output.
package distort

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand"

	xdraw "golang.org/x/image/draw"
)

// Gray converts any image to *image.Gray.
func Gray(src image.Image) *image.Gray {
	if g, ok := src.(*image.Gray); ok && g.Rect.Min == (image.Point{}) {
		return g
	}
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
	return dst
}

// Resize scales src to w×h pixels with bilinear interpolation, the way a
// browser or a desktop at 125% scaling draws an image at a size other
// than its own.
func Resize(src *image.Gray, w, h int) *image.Gray {
	dst := image.NewGray(image.Rect(0, 0, w, h))
	xdraw.BiLinear.Scale(dst, dst.Rect, src, src.Rect, xdraw.Src, nil)
	return dst
}

// Scale scales src by factor f with Resize.
func Scale(src *image.Gray, f float64) *image.Gray {
	b := src.Bounds()
	return Resize(src, int(math.Round(float64(b.Dx())*f)), int(math.Round(float64(b.Dy())*f)))
}

// Blur applies a Gaussian blur with standard deviation sigma pixels.
func Blur(src *image.Gray, sigma float64) *image.Gray {
	radius := int(math.Ceil(3 * sigma))
	kernel := make([]float64, 2*radius+1)
	sum := 0.0
	for i := range kernel {
		d := float64(i - radius)
		kernel[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += kernel[i]
	}
	for i := range kernel {
		kernel[i] /= sum
	}

	w, h := src.Rect.Dx(), src.Rect.Dy()
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			acc := 0.0
			for i, k := range kernel {
				xx := clampInt(x+i-radius, 0, w-1)
				acc += k * float64(src.Pix[y*src.Stride+xx])
			}
			tmp[y*w+x] = acc
		}
	}

	dst := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			acc := 0.0
			for i, k := range kernel {
				yy := clampInt(y+i-radius, 0, h-1)
				acc += k * tmp[yy*w+x]
			}
			dst.Pix[y*dst.Stride+x] = clampByte(acc)
		}
	}
	return dst
}

// Noise adds Gaussian noise with standard deviation sigma grey levels.
func Noise(src *image.Gray, sigma float64, rng *rand.Rand) *image.Gray {
	return mapPixels(src, func(x, y int, v float64) float64 {
		return v + rng.NormFloat64()*sigma
	})
}

// JPEG encodes src as a JPEG of the given quality (1 to 100) and decodes
// it again.
func JPEG(src *image.Gray, quality int) *image.Gray {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: quality}); err != nil {
		panic(err) // image/jpeg clamps the quality, and a bytes.Buffer does not fail
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return Gray(img)
}

// Contrast maps black to lo and white to hi.
func Contrast(src *image.Gray, lo, hi float64) *image.Gray {
	return mapPixels(src, func(x, y int, v float64) float64 {
		return lo + v/255*(hi-lo)
	})
}

// Lighting multiplies the image by a light level that falls linearly
// from 1 at one corner to dark at the opposite one, like a lamp beside a
// screen or a vignette.
func Lighting(src *image.Gray, dark float64) *image.Gray {
	w, h := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	return mapPixels(src, func(x, y int, v float64) float64 {
		t := (float64(x)/w + float64(y)/h) / 2
		return v * (1 - t*(1-dark))
	})
}

// Moire multiplies the image by a screen-door pattern: a sinusoidal grid
// of the given period in pixels and depth (0 to 1), which beats against
// the module grid the way a camera records the pixels of a screen.
func Moire(src *image.Gray, period, depth, angle float64) *image.Gray {
	sin, cos := math.Sincos(angle)
	return mapPixels(src, func(x, y int, v float64) float64 {
		u := float64(x)*cos + float64(y)*sin
		w := -float64(x)*sin + float64(y)*cos
		p := (math.Cos(2*math.Pi*u/period) + math.Cos(2*math.Pi*w/period)) / 4
		return v * (1 - depth*(0.5+p))
	})
}

// Invert swaps light and dark.
func Invert(src *image.Gray) *image.Gray {
	return mapPixels(src, func(x, y int, v float64) float64 { return 255 - v })
}

func mapPixels(src *image.Gray, f func(x, y int, v float64) float64) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := float64(src.Pix[(y)*src.Stride+x])
			dst.Pix[y*dst.Stride+x] = clampByte(f(x, y, v))
		}
	}
	return dst
}

func clampInt(v, lo, hi int) int {
	return min(max(v, lo), hi)
}

func clampByte(v float64) uint8 {
	return uint8(math.Round(math.Min(math.Max(v, 0), 255)))
}
