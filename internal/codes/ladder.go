package codes

import (
	"fmt"
	"math"

	"github.com/makiuchi-d/gozxing"
)

// step is one rung of the reader's ladder.
type step struct {
	name string
	// scale resizes the image before binarizing: 0.5 halves it.
	scale  float64
	invert bool
	// global uses the global-histogram binarizer instead of the hybrid
	// one, which suits small or low-contrast images.
	global bool
	// pure reads the image as one upright code with nothing else.
	pure bool
	// sharpen applies an unsharp mask, for blurred images.
	sharpen bool
	// stretch spreads the grey levels over the full range, for faint
	// images.
	stretch bool
}

// ladder returns the steps for an image, cheapest first.
func (r *Reader) ladder(g grayImage) []step {
	long := max(g.w, g.h)
	var steps []step
	if r.downscaleAbove > 0 && long > r.downscaleAbove {
		steps = append(steps, step{name: "hybrid at half size", scale: 0.5})
	}
	steps = append(steps,
		step{name: "hybrid", scale: 1},
		step{name: "pure", scale: 1, pure: true},
		step{name: "global histogram", scale: 1, global: true},
		step{name: "inverted", scale: 1, invert: true},
		step{name: "contrast stretched", scale: 1, stretch: true},
		step{name: "sharpened", scale: 1, sharpen: true},
	)
	return append(steps, upscaleSteps(g)...)
}

// upscaleSteps returns the steps that enlarge g, for codes with modules
// of one or two pixels. An enlarged copy may have at most maxScanPixels,
// so large frames get a smaller factor or no such step.
func upscaleSteps(g grayImage) []step {
	largest := math.Sqrt(float64(maxScanPixels) / float64(g.w*g.h))
	var steps []step
	for _, factor := range []float64{2, 1.5} {
		scale := math.Floor(min(factor, largest)*100) / 100
		// Below 1.25 an enlarged copy adds little over the full size.
		if scale < 1.25 || len(steps) > 0 && steps[len(steps)-1].scale == scale {
			continue
		}
		steps = append(steps, step{name: fmt.Sprintf("upscaled %gx", scale), scale: scale})
	}
	return steps
}

// runStep applies one step to g and returns the symbols found, in the
// coordinates of g. Symbols in known, found by an earlier step, are
// erased first so the step spends its time on the others.
func (r *Reader) runStep(s step, g grayImage, known []Symbol) []Symbol {
	img := g
	if s.scale != 1 {
		img = g.resized(int(math.Round(float64(g.w)*s.scale)), int(math.Round(float64(g.h)*s.scale)))
	}
	if s.invert {
		img = img.inverted()
	}
	if s.stretch {
		img = img.stretched()
	}
	if s.sharpen {
		img = img.sharpened()
	}

	source := newSource(img)
	var matrix *gozxing.BitMatrix
	var err error
	if s.global {
		matrix, err = gozxing.NewGlobalHistgramBinarizer(source).GetBlackMatrix()
	} else {
		matrix, err = hybridMatrix(img)
	}
	if err != nil {
		return nil
	}

	for _, sym := range known {
		eraseRect(matrix, sym.Bounds, sym.moduleSize()*QuietZone, s.scale)
	}

	var results []result
	if s.pure {
		results = pureDecode(source, matrix)
	} else {
		results = decodeMatrix(matrix, r.maxCodes)
	}

	symbols := make([]Symbol, 0, len(results))
	for _, res := range results {
		sym := Symbol{Text: res.text, Version: res.version, Level: res.level, Step: s.name}
		if res.corners != nil {
			sym.Bounds = quadRect(res.corners, s.scale)
		}
		symbols = append(symbols, sym)
	}
	return symbols
}
