package camera

import (
	"cmp"
	"math"
	"slices"
)

// DefaultMode is the capture mode Open requests when Options.Mode is
// zero: enough pixels for a code across a third of the picture, at a
// frame rate that keeps the preview smooth.
var DefaultMode = Mode{Width: 1280, Height: 720, FPS: 30}

// minSmoothFPS is the frame rate below which the preview stutters.
const minSmoothFPS = 15

// minUncompressedArea is the frame area, VGA, from which an
// uncompressed format beats MJPEG at any size. Decoding a 1280×720
// MJPEG frame with image/jpeg costs about 18 ms against 2 ms for YUYV,
// and a code across two thirds of a 480-line frame still has 4 pixels
// per module.
const minUncompressedArea = 640 * 480

// ChooseMode returns the offer nearest to want. Its preferences, in
// order, are:
//
//   - a smooth frame rate: at least 15 fps, or want.FPS if lower;
//   - an uncompressed format of at least 640×480;
//   - a frame size close to want, where a larger size beats a smaller
//     one at the same distance because codes need pixels;
//   - an uncompressed format;
//   - the higher frame rate.
//
// Offers in formats that Camera cannot convert are skipped. It returns
// false when no offer is usable.
func ChooseMode(offers []Mode, want Mode) (Mode, bool) {
	if want.Width <= 0 || want.Height <= 0 {
		want.Width, want.Height = DefaultMode.Width, DefaultMode.Height
	}
	if want.FPS <= 0 {
		want.FPS = DefaultMode.FPS
	}
	smooth := math.Min(want.FPS, minSmoothFPS)

	var usable []Mode
	for _, m := range offers {
		if convertible(m.Format) && m.Width > 0 && m.Height > 0 {
			usable = append(usable, m)
		}
	}
	if len(usable) == 0 {
		return Mode{}, false
	}

	best := slices.MinFunc(usable, func(a, b Mode) int {
		return compareOffers(a, b, want, smooth)
	})
	return best, true
}

// compareOffers orders two offers by the preferences of ChooseMode:
// negative when a is better.
func compareOffers(a, b, want Mode, smooth float64) int {
	if c := compareBool(isSmooth(a, smooth), isSmooth(b, smooth)); c != 0 {
		return c
	}
	if c := compareBool(cheapEnough(a), cheapEnough(b)); c != 0 {
		return c
	}
	if c := cmp.Compare(sizeCost(a, want), sizeCost(b, want)); c != 0 {
		return c
	}
	if c := compareBool(a.Format != FormatMJPEG, b.Format != FormatMJPEG); c != 0 {
		return c
	}
	return cmp.Compare(b.FPS, a.FPS)
}

// isSmooth reports whether m delivers at least smooth frames per second.
// An unknown rate counts as smooth, since drivers that report none
// usually stream at their normal rate.
func isSmooth(m Mode, smooth float64) bool {
	return m.FPS == 0 || m.FPS >= smooth
}

// cheapEnough reports whether m is uncompressed and large enough for
// codes.
func cheapEnough(m Mode) bool {
	return m.Format != FormatMJPEG && m.Width*m.Height >= minUncompressedArea
}

// sizeCost is the distance between the frame areas of m and want on a
// log scale, doubled for sizes below want.
func sizeCost(m, want Mode) float64 {
	ratio := math.Log(float64(m.Width*m.Height) / float64(want.Width*want.Height))
	if ratio < 0 {
		return -2 * ratio
	}
	return ratio
}

// compareBool orders true before false.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	default:
		return 1
	}
}
