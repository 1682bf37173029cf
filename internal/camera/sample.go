package camera

import "image"

// sampleYCbCr fills dst with src scaled to dst's size, taking the
// nearest source pixel and converting it to RGB with the JFIF equations
// of image/color.YCbCrToRGB.
func sampleYCbCr(dst *image.RGBA, src *image.YCbCr) {
	sb := src.Rect
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()

	// Offsets of each output column's source pixel within a row of the
	// Y and the chroma planes, so the inner loop only looks up. The
	// chroma offset within a row is the same for every row.
	ys := make([]int, dw)
	cs := make([]int, dw)
	for x := range ys {
		sx := sb.Min.X + (2*x+1)*sb.Dx()/(2*dw)
		ys[x] = sx - sb.Min.X
		cs[x] = src.COffset(sx, sb.Min.Y) - src.COffset(sb.Min.X, sb.Min.Y)
	}

	for y := 0; y < dh; y++ {
		sy := sb.Min.Y + (2*y+1)*sb.Dy()/(2*dh)
		yRow := src.Y[src.YOffset(sb.Min.X, sy):]
		cRow := src.COffset(sb.Min.X, sy)
		cb, cr := src.Cb[cRow:], src.Cr[cRow:]
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		for x, yi := range ys {
			ci := cs[x]
			r, g, b := ycbcrToRGB(int32(yRow[yi]), int32(cb[ci])-128, int32(cr[ci])-128)
			o := out[4*x : 4*x+4 : 4*x+4]
			o[0], o[1], o[2], o[3] = r, g, b, 0xff
		}
	}
}

// ycbcrToRGB converts one pixel; cb and cr are centred on zero. The
// constants are those of image/color, scaled by 1<<16.
func ycbcrToRGB(y, cb, cr int32) (uint8, uint8, uint8) {
	yy := y * 0x10101
	r := yy + 91881*cr
	g := yy - 22554*cb - 46802*cr
	b := yy + 116130*cb
	return clamp16(r), clamp16(g), clamp16(b)
}

// clamp16 returns v>>16 limited to 0..255.
func clamp16(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 0xffffff {
		return 0xff
	}
	return uint8(v >> 16)
}
