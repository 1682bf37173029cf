package distort

import (
	"image"
	"math"
)

// Quad is the four corners of a quadrilateral: top left, top right,
// bottom right, bottom left.
type Quad [4][2]float64

// Warp draws src into a w×h image filled with background so that the
// corners of src land on dst, as a camera films a screen at an angle. It
// samples with bilinear interpolation.
func Warp(src *image.Gray, w, h int, dst Quad, background uint8) *image.Gray {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	from := Quad{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}}
	// The inverse map takes output pixels back into src.
	m := homography(dst, from)

	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			d := m[6]*fx + m[7]*fy + m[8]
			u := (m[0]*fx + m[1]*fy + m[2]) / d
			v := (m[3]*fx + m[4]*fy + m[5]) / d
			out.Pix[y*out.Stride+x] = sample(src, u-0.5, v-0.5, background)
		}
	}
	return out
}

// Rotate returns the quad of a w×h image rotated by angle radians about
// its centre and moved by (dx, dy).
func Rotate(w, h, angle, dx, dy float64) Quad {
	sin, cos := math.Sincos(angle)
	cx, cy := w/2, h/2
	var q Quad
	for i, p := range [4][2]float64{{0, 0}, {w, 0}, {w, h}, {0, h}} {
		x, y := p[0]-cx, p[1]-cy
		q[i] = [2]float64{cx + x*cos - y*sin + dx, cy + x*sin + y*cos + dy}
	}
	return q
}

func sample(src *image.Gray, u, v float64, background uint8) uint8 {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	x0, y0 := int(math.Floor(u)), int(math.Floor(v))
	if x0 < -1 || y0 < -1 || x0 >= w || y0 >= h {
		return background
	}
	fx, fy := u-float64(x0), v-float64(y0)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return float64(background)
		}
		return float64(src.Pix[y*src.Stride+x])
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bottom := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return clampByte(top*(1-fy) + bottom*fy)
}

// homography returns the 3×3 matrix, row by row, that maps the corners of
// from onto those of to, by solving the usual 8×8 linear system.
func homography(from, to Quad) [9]float64 {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y := from[i][0], from[i][1]
		u, v := to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}

	for col := 0; col < 8; col++ {
		pivot := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[pivot][col]) {
				pivot = r
			}
		}
		a[col], a[pivot] = a[pivot], a[col]
		for r := 0; r < 8; r++ {
			if r == col || a[col][col] == 0 {
				continue
			}
			f := a[r][col] / a[col][col]
			for c := col; c < 9; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}

	var m [9]float64
	for i := 0; i < 8; i++ {
		m[i] = a[i][8] / a[i][i]
	}
	m[8] = 1
	return m
}
