package camera

import (
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"
)

// luma returns the brightness of img as a grey image. For the YCbCr
// frames that cameras deliver this is the Y plane itself, shared and not
// copied, so callers must not write to it.
func luma(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		// Gray and YCbCr index their first plane the same way, from
		// Rect.Min with the plane's stride.
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Rect, img, b.Min, draw.Src)
	return g
}

// fitSize returns the largest size with the aspect ratio of src that
// fits in box, and never larger than src.
func fitSize(src, box image.Point) image.Point {
	if box.X <= 0 || box.Y <= 0 || src.X <= 0 || src.Y <= 0 {
		return image.Point{}
	}
	if box.X >= src.X && box.Y >= src.Y {
		return src
	}
	// Compare box.X/src.X with box.Y/src.Y without division.
	if box.X*src.Y <= box.Y*src.X {
		return image.Pt(box.X, max(1, src.Y*box.X/src.X))
	}
	return image.Pt(max(1, src.X*box.Y/src.Y), box.Y)
}

// shrinkGray returns src scaled down so that its longer side is at most
// maxSide, averaging the source pixels that fall on each output pixel.
// It returns src itself when src already fits or maxSide is not
// positive.
func shrinkGray(src *image.Gray, maxSide int) *image.Gray {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	if maxSide <= 0 || max(sw, sh) <= maxSide {
		return src
	}
	size := fitSize(image.Pt(sw, sh), image.Pt(maxSide, maxSide))
	return resizeGray(src, size.X, size.Y)
}

// resizeGray scales src down to w×h with a box filter, in two passes:
// rows, then columns. Weights are fixed point with 16 fraction bits, and
// the sums between the passes keep 8 more bits than a pixel.
func resizeGray(src *image.Gray, w, h int) *image.Gray {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xt := boxTaps(sw, w)
	yt := boxTaps(sh, h)

	mid := make([]uint16, w*sh)
	for y := 0; y < sh; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+sw]
		out := mid[y*w : (y+1)*w]
		for x := range out {
			var v uint32
			for t := xt.start[x]; t < xt.start[x+1]; t++ {
				v += uint32(row[xt.index[t]]) * xt.weight[t]
			}
			out[x] = uint16(v >> 8)
		}
	}

	dst := image.NewGray(image.Rect(0, 0, w, h))
	acc := make([]uint32, w)
	for y := 0; y < h; y++ {
		clear(acc)
		for t := yt.start[y]; t < yt.start[y+1]; t++ {
			in := mid[int(yt.index[t])*w : (int(yt.index[t])+1)*w]
			weight := yt.weight[t]
			for x, v := range in {
				acc[x] += uint32(v) * weight
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		for x, v := range acc {
			out[x] = uint8((v + 1<<23) >> 24)
		}
	}
	return dst
}

// taps lists, for each output sample i, the source samples
// index[start[i]:start[i+1]] it covers and their weights.
type taps struct {
	start  []int32
	index  []int32
	weight []uint32
}

// boxTaps returns the taps that shrink n source samples to dst, with
// weights that sum to 1<<16 for each output sample.
func boxTaps(n, dst int) taps {
	t := taps{start: make([]int32, dst+1)}
	for i := 0; i < dst; i++ {
		t.start[i] = int32(len(t.index))
		// The output sample covers source positions [lo, hi) in units
		// of 1/dst of a sample.
		lo, hi := i*n, (i+1)*n
		var sum uint32
		for s := lo / dst; s*dst < hi && s < n; s++ {
			cover := min(hi, (s+1)*dst) - max(lo, s*dst)
			w := uint32(uint64(cover) << 16 / uint64(n))
			t.index = append(t.index, int32(s))
			t.weight = append(t.weight, w)
			sum += w
		}
		// Give the rounding remainder to the first sample so the
		// weights sum to exactly one.
		t.weight[t.start[i]] += 1<<16 - sum
	}
	t.start[dst] = int32(len(t.index))
	return t
}

// fitRGBA returns img scaled to fit in box, keeping its aspect ratio, as
// a new RGBA image for the preview. YCbCr frames are sampled at the
// nearest pixel, which costs a few milliseconds for a 1280×720 frame;
// other images go through a bilinear filter.
func fitRGBA(img image.Image, box image.Point) *image.RGBA {
	b := img.Bounds()
	size := fitSize(b.Size(), box)
	if size.X == 0 || size.Y == 0 {
		return nil
	}
	dst := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	if ycc, ok := img.(*image.YCbCr); ok {
		sampleYCbCr(dst, ycc)
		return dst
	}
	xdraw.ApproxBiLinear.Scale(dst, dst.Rect, img, b, xdraw.Src, nil)
	return dst
}
