package codes

import (
	"image"
	"image/color"
	"math"
)

// grayImage is a luminance plane: one byte a pixel, rows packed.
type grayImage struct {
	pix  []byte
	w, h int
}

// toGray converts img to a luminance plane, taking the Y plane of
// YCbCr images (camera frames and JPEG files) as it is.
func toGray(img image.Image) grayImage {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := grayImage{pix: make([]byte, w*h), w: w, h: h}

	switch src := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			off := (y+b.Min.Y-src.Rect.Min.Y)*src.Stride + b.Min.X - src.Rect.Min.X
			copy(g.pix[y*w:(y+1)*w], src.Pix[off:off+w])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			off := src.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], src.Y[off:off+w])
		}
	case *image.RGBA:
		rgbaToGray(g, src.Pix, src.Stride, src.PixOffset(b.Min.X, b.Min.Y))
	case *image.NRGBA:
		// Screenshots are opaque, so alpha is ignored here.
		rgbaToGray(g, src.Pix, src.Stride, src.PixOffset(b.Min.X, b.Min.Y))
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
				g.pix[y*w+x] = c.Y
			}
		}
	}
	return g
}

// rgbaToGray fills g from 8-bit RGBA pixels with the ITU-R BT.601 weights
// that image/color uses.
func rgbaToGray(g grayImage, pix []byte, stride, start int) {
	for y := 0; y < g.h; y++ {
		src := pix[start+y*stride : start+y*stride+4*g.w]
		dst := g.pix[y*g.w : (y+1)*g.w]
		for x := range dst {
			r, gr, b := uint32(src[4*x]), uint32(src[4*x+1]), uint32(src[4*x+2])
			dst[x] = uint8((19595*r + 38470*gr + 7471*b + 1<<15) >> 16)
		}
	}
}

// inverted returns g with light and dark swapped.
func (g grayImage) inverted() grayImage {
	out := grayImage{pix: make([]byte, len(g.pix)), w: g.w, h: g.h}
	for i, v := range g.pix {
		out.pix[i] = 255 - v
	}
	return out
}

// resized scales g to w×h pixels: by area averaging when shrinking, so
// thin modules are not skipped, and by bilinear interpolation when
// growing.
func (g grayImage) resized(w, h int) grayImage {
	if w == g.w/2 && h == g.h/2 {
		return g.halved()
	}
	if w < g.w && h < g.h {
		return g.shrunk(w, h)
	}
	out := grayImage{pix: make([]byte, w*h), w: w, h: h}
	sx := float64(g.w) / float64(w)
	sy := float64(g.h) / float64(h)
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := int(fy)
		if fy < 0 {
			fy, y0 = 0, 0
		}
		y1 := min(y0+1, g.h-1)
		ty := fy - float64(y0)
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)*sx - 0.5
			x0 := int(fx)
			if fx < 0 {
				fx, x0 = 0, 0
			}
			x1 := min(x0+1, g.w-1)
			tx := fx - float64(x0)
			top := float64(g.pix[y0*g.w+x0])*(1-tx) + float64(g.pix[y0*g.w+x1])*tx
			bottom := float64(g.pix[y1*g.w+x0])*(1-tx) + float64(g.pix[y1*g.w+x1])*tx
			out.pix[y*w+x] = uint8(top*(1-ty) + bottom*ty + 0.5)
		}
	}
	return out
}

// halved averages each 2×2 block of pixels, dropping an odd last row or
// column.
func (g grayImage) halved() grayImage {
	w, h := g.w/2, g.h/2
	out := grayImage{pix: make([]byte, w*h), w: w, h: h}
	for y := 0; y < h; y++ {
		top := g.pix[2*y*g.w : 2*y*g.w+2*w]
		bottom := g.pix[(2*y+1)*g.w : (2*y+1)*g.w+2*w]
		dst := out.pix[y*w : (y+1)*w]
		for x := range dst {
			sum := uint(top[2*x]) + uint(top[2*x+1]) + uint(bottom[2*x]) + uint(bottom[2*x+1])
			dst[x] = uint8((sum + 2) / 4)
		}
	}
	return out
}

// shrunk averages the source pixels that each output pixel covers,
// weighting partly covered ones by their share. It works one output row
// at a time, so besides the result it holds only one source row of
// sums, which matters for frames of tens of megapixels.
func (g grayImage) shrunk(w, h int) grayImage {
	out := grayImage{pix: make([]byte, w*h), w: w, h: h}
	sx := float64(g.w) / float64(w)
	sy := float64(g.h) / float64(h)
	column := make([]float64, g.w)

	for y := 0; y < h; y++ {
		// First average the source rows under this output row, then
		// shrink that row horizontally. Row int(from) always overlaps,
		// so weight is positive.
		from, to := float64(y)*sy, float64(y+1)*sy
		clear(column)
		weight := 0.0
		for i := int(from); i < g.h && float64(i) < to; i++ {
			share := min(to, float64(i+1)) - max(from, float64(i))
			if share <= 0 {
				continue
			}
			weight += share
			for x, v := range g.pix[i*g.w : (i+1)*g.w] {
				column[x] += float64(v) * share
			}
		}
		for x := 0; x < w; x++ {
			v := areaAverage(func(i int) float64 { return column[i] / weight },
				float64(x)*sx, float64(x+1)*sx, g.w)
			out.pix[y*w+x] = uint8(v + 0.5)
		}
	}
	return out
}

// fitted shrinks g to at most maxPixels pixels, keeping its aspect
// ratio, and returns the shrunk image and the scale applied (1 when g
// already fits).
func (g grayImage) fitted(maxPixels int) (grayImage, float64) {
	if g.w*g.h <= maxPixels {
		return g, 1
	}
	scale := math.Sqrt(float64(maxPixels) / float64(g.w*g.h))
	w := max(1, int(float64(g.w)*scale))
	h := max(1, int(float64(g.h)*scale))
	return g.resized(w, h), float64(w) / float64(g.w)
}

// areaAverage returns the mean of at(i) over the interval [from, to) of
// a row of n samples, each sample covering one unit.
func areaAverage(at func(int) float64, from, to float64, n int) float64 {
	sum, weight := 0.0, 0.0
	for i := int(from); i < n && float64(i) < to; i++ {
		lo := max(from, float64(i))
		hi := min(to, float64(i+1))
		if hi > lo {
			sum += at(i) * (hi - lo)
			weight += hi - lo
		}
	}
	if weight == 0 {
		return 255
	}
	return sum / weight
}

// sharpened returns g with an unsharp mask: each pixel moves away from
// the mean of its 3×3 neighbourhood by as much again, which restores
// edges that a camera or a scaler blurred over about one module.
func (g grayImage) sharpened() grayImage {
	out := grayImage{pix: make([]byte, len(g.pix)), w: g.w, h: g.h}
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			sum := 0
			for dy := -1; dy <= 1; dy++ {
				yy := min(max(y+dy, 0), g.h-1)
				for dx := -1; dx <= 1; dx++ {
					xx := min(max(x+dx, 0), g.w-1)
					sum += int(g.pix[yy*g.w+xx])
				}
			}
			v := 2*int(g.pix[y*g.w+x]) - sum/9
			out.pix[y*g.w+x] = uint8(min(max(v, 0), 255))
		}
	}
	return out
}

// stretched maps the darkest 1% of g to black and the lightest 1% to
// white, so that a faint code gets the contrast the hybrid binarizer
// needs: it treats 8×8 blocks that vary by 24 grey levels or less as flat.
func (g grayImage) stretched() grayImage {
	var hist [256]int
	for _, v := range g.pix {
		hist[v]++
	}
	cut := len(g.pix) / 100
	lo, hi := 0, 255
	for n := 0; lo < 255 && n+hist[lo] <= cut; lo++ {
		n += hist[lo]
	}
	for n := 0; hi > 0 && n+hist[hi] <= cut; hi-- {
		n += hist[hi]
	}
	out := grayImage{pix: make([]byte, len(g.pix)), w: g.w, h: g.h}
	if hi <= lo {
		copy(out.pix, g.pix)
		return out
	}
	var table [256]byte
	for v := range table {
		table[v] = uint8(min(max((v-lo)*255/(hi-lo), 0), 255))
	}
	for i, v := range g.pix {
		out.pix[i] = table[v]
	}
	return out
}
