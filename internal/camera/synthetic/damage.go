package synthetic

import (
	"image"
	"image/draw"
	"math"
	"math/rand"

	"github.com/mispbump/mispbump/internal/codes/distort"
)

// Damage sets what the simulated camera does to the picture.
type Damage struct {
	// Blur is the standard deviation, in pixels of the camera frame,
	// of the Gaussian blur of a camera slightly out of focus.
	Blur float64
	// Noise is the standard deviation of sensor noise in grey levels.
	Noise float64
	// Exposure, 0 to 1, is how far the under- and over-exposed frames
	// stray from a good exposure, as when auto exposure hunts.
	Exposure float64
	// Tilt, 0 to 0.5, is how much shorter the far edge of the screen
	// looks than the near one: the screen is turned away from the
	// camera.
	Tilt float64
	// Rotation is the screen's roll in radians.
	Rotation float64
	// Shake is the largest movement of the screen, in pixels, between
	// two codes shown, as a hand-held phone moves.
	Shake float64
	// Drop is the share of camera frames lost, 0 to 1.
	Drop float64
	// Blend makes the first camera frame after the screen switches codes
	// show both codes at half strength, as a frame exposed across the
	// switch does.
	Blend bool
}

// DefaultDamage is a phone held at arm's length in front of a laptop
// webcam in an office.
var DefaultDamage = Damage{
	Blur:     1.0,
	Noise:    6,
	Exposure: 0.5,
	Tilt:     0.12,
	Rotation: 0.1,
	Shake:    6,
	Drop:     0.2,
	Blend:    true,
}

// Grey levels of the scene at a good exposure.
const (
	darkLevel  = 22  // a dark module of the screen in the camera picture
	lightLevel = 232 // the screen's white
	// roomLevel is the wall behind the screen, on the scale of the
	// filmed picture where 0 is a dark module and 255 the white.
	roomLevel = 50
)

// exposure is one brightness setting of the camera: the grey levels that
// a dark module and the screen's white come out as.
type exposure struct{ dark, light float64 }

// exposures returns a good exposure, an under-exposed one and an
// over-exposed one whose white clips, strayed by amount (0 to 1).
func exposures(amount float64) []exposure {
	return []exposure{
		{darkLevel, lightLevel},
		{darkLevel * (1 - 0.5*amount), lightLevel - 130*amount},
		{darkLevel + 90*amount, lightLevel + 90*amount},
	}
}

// pose places the code in the frame: its quad, before shake.
func pose(frame image.Point, side float64, d Damage) distort.Quad {
	w, h := float64(frame.X), float64(frame.Y)
	q := distort.Rotate(side, side, d.Rotation, (w-side)/2+0.04*w, (h-side)/2)

	// Turn the screen about its vertical axis: the right edge moves
	// away, so it gets shorter and a little closer to the left one.
	shrink := d.Tilt * side / 2
	q[1][1] += shrink
	q[2][1] -= shrink
	q[1][0] -= shrink / 2
	q[2][0] -= shrink / 2
	return q
}

// shaken returns q moved by up to amount pixels in each direction.
func shaken(q distort.Quad, amount float64, rng *rand.Rand) distort.Quad {
	dx := (2*rng.Float64() - 1) * amount
	dy := (2*rng.Float64() - 1) * amount
	for i := range q {
		q[i][0] += dx
		q[i][1] += dy
	}
	return q
}

// onScreen returns code as a grey image with a white margin around it,
// the app window the code is drawn in.
func onScreen(code image.Image) *image.Gray {
	b := code.Bounds()
	margin := max(b.Dx(), b.Dy()) / 12
	out := image.NewGray(image.Rect(0, 0, b.Dx()+2*margin, b.Dy()+2*margin))
	for i := range out.Pix {
		out.Pix[i] = 0xff
	}
	draw.Draw(out, b.Sub(b.Min).Add(image.Pt(margin, margin)), code, b.Min, draw.Src)
	return out
}

// film renders one picture of screen at quad in a frame of the given
// size: blurred, then warped, with the room behind it.
func film(screen *image.Gray, frame image.Point, q distort.Quad, blur float64) *image.Gray {
	src := screen
	if blur > 0 {
		// Blurring the screen before warping it costs a fifth of
		// blurring the frame; the room behind is flat, so the
		// result is the same.
		scale := float64(screen.Rect.Dx()) / math.Hypot(q[1][0]-q[0][0], q[1][1]-q[0][1])
		src = distort.Blur(screen, blur*scale)
	}
	return distort.Warp(src, frame.X, frame.Y, q, roomLevel)
}

// expose maps a filmed picture, where 0 is a dark module and 255 the
// screen's white, to the grey levels of exposure e and adds noise.
func expose(pic *image.Gray, e exposure, n *noise) *image.Gray {
	var lut [256]float64
	for v := range lut {
		lut[v] = e.dark + (e.light-e.dark)*float64(v)/255
	}
	out := image.NewGray(pic.Rect)
	for i, v := range pic.Pix {
		out.Pix[i] = clampByte(lut[v] + n.next())
	}
	return out
}

// blend returns the pixel mean of a and b.
func blend(a, b *image.Gray) *image.Gray {
	out := image.NewGray(a.Rect)
	for i := range out.Pix {
		out.Pix[i] = uint8((uint16(a.Pix[i]) + uint16(b.Pix[i]) + 1) / 2)
	}
	return out
}

func clampByte(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// noise draws Gaussian noise quickly: a table of normal values picked
// by a xorshift generator, since math/rand costs more per pixel than
// the rest of the frame.
type noise struct {
	table [1 << 12]float64
	state uint64
}

func newNoise(sigma float64, rng *rand.Rand) *noise {
	n := &noise{state: rng.Uint64() | 1}
	for i := range n.table {
		n.table[i] = rng.NormFloat64() * sigma
	}
	return n
}

func (n *noise) next() float64 {
	n.state ^= n.state << 13
	n.state ^= n.state >> 7
	n.state ^= n.state << 17
	return n.table[n.state>>52]
}
