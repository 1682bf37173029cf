package codes

import (
	"image"
	"math"
)

// expandQuad moves each corner of a convex quad away from its centre by
// d pixels along the diagonal.
func expandQuad(q [][2]float64, d float64) [][2]float64 {
	var cx, cy float64
	for _, p := range q {
		cx += p[0] / float64(len(q))
		cy += p[1] / float64(len(q))
	}
	out := make([][2]float64, len(q))
	for i, p := range q {
		dx, dy := p[0]-cx, p[1]-cy
		n := math.Hypot(dx, dy)
		if n == 0 {
			out[i] = p
			continue
		}
		f := d * math.Sqrt2 / n
		out[i] = [2]float64{p[0] + dx*f, p[1] + dy*f}
	}
	return out
}

func quadBounds(q [][2]float64) (minX, minY, maxX, maxY int) {
	fx0, fy0 := math.Inf(1), math.Inf(1)
	fx1, fy1 := math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		fx0, fy0 = math.Min(fx0, p[0]), math.Min(fy0, p[1])
		fx1, fy1 = math.Max(fx1, p[0]), math.Max(fy1, p[1])
	}
	return int(math.Floor(fx0)), int(math.Floor(fy0)), int(math.Ceil(fx1)), int(math.Ceil(fy1))
}

// insideQuad reports whether (x, y) lies inside the convex quad q, whose
// corners may run either way round.
func insideQuad(q [][2]float64, x, y float64) bool {
	sign := 0.0
	for i := range q {
		a, b := q[i], q[(i+1)%len(q)]
		cross := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
		if cross == 0 {
			continue
		}
		if sign == 0 {
			sign = cross
		} else if sign*cross < 0 {
			return false
		}
	}
	return true
}

// quadSpan returns the pixel columns whose centres lie inside the convex
// quad q on the horizontal line at y.
func quadSpan(q [][2]float64, y float64) (int, int, bool) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range q {
		a, b := q[i], q[(i+1)%len(q)]
		if (a[1] <= y) == (b[1] <= y) {
			continue
		}
		x := a[0] + (y-a[1])*(b[0]-a[0])/(b[1]-a[1])
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if lo > hi {
		return 0, 0, false
	}
	return int(math.Ceil(lo - 0.5)), int(math.Floor(hi - 0.5)), true
}

// quadRect returns the rectangle that encloses q, scaled by 1/scale.
func quadRect(q [][2]float64, scale float64) image.Rectangle {
	minX, minY, maxX, maxY := quadBounds(q)
	return image.Rect(
		int(math.Floor(float64(minX)/scale)), int(math.Floor(float64(minY)/scale)),
		int(math.Ceil(float64(maxX)/scale)), int(math.Ceil(float64(maxY)/scale)))
}

// scaleRect scales r by factor, rounding outwards.
func scaleRect(r image.Rectangle, factor float64) image.Rectangle {
	if factor == 1 {
		return r
	}
	return image.Rect(
		int(math.Floor(float64(r.Min.X)*factor)), int(math.Floor(float64(r.Min.Y)*factor)),
		int(math.Ceil(float64(r.Max.X)*factor)), int(math.Ceil(float64(r.Max.Y)*factor)))
}
