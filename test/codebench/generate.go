package main

import (
	"fmt"
	"image"
	"math"
	"math/rand"
	"strings"

	"github.com/mispbump/mispbump/internal/codes/distort"
)

// corpusConfig sets how many images each part of the corpus gets.
type corpusConfig struct {
	sizes      []int
	intScales  []int
	fracScales []float64
	perCase    int // degraded images per code and degradation
	frames1080 int
	seed       int64
}

func fullConfig(seed int64) corpusConfig {
	return corpusConfig{
		sizes:      messageSizes,
		intScales:  []int{2, 3, 4, 5, 6, 7, 8},
		fracScales: []float64{2.3, 2.5, 2.75, 3.4, 4.6, 5.5, 7.2},
		perCase:    2,
		frames1080: 40,
		seed:       seed,
	}
}

func quickConfig(seed int64) corpusConfig {
	return corpusConfig{
		sizes:      []int{120, 1500},
		intScales:  []int{2, 3, 5},
		fracScales: []float64{2.5, 4.6},
		perCase:    1,
		frames1080: 8,
		seed:       seed,
	}
}

// generate writes the whole corpus into w.
func generate(w *writer, cfg corpusConfig) error {
	rng := rand.New(rand.NewSource(cfg.seed))
	all, err := corpusCodes(rng, cfg.sizes)
	if err != nil {
		return err
	}

	for _, c := range all {
		if err := generateClean(w, cfg, c); err != nil {
			return err
		}
	}
	for _, c := range all {
		for i := 0; i < cfg.perCase; i++ {
			for _, d := range degradations {
				img, quality := d.apply(c, rng)
				if err := w.add("degraded", d.name, c.label, img, []string{c.text}, quality); err != nil {
					return err
				}
			}
		}
	}
	for i := 0; i < cfg.frames1080; i++ {
		img, want, name, labels, quality := frame1080(all, i, rng)
		if err := w.add("1080p", name, labels, img, want, quality); err != nil {
			return err
		}
	}
	return nil
}

// generateClean writes c at every integer scale and, both ways, at
// every non-integer scale.
func generateClean(w *writer, cfg corpusConfig, c code) error {
	for _, s := range cfg.intScales {
		name := fmt.Sprintf("%d px", s)
		if err := w.add("clean", name, c.label, atScale(c, float64(s), false), []string{c.text}, 0); err != nil {
			return err
		}
	}
	for _, s := range cfg.fracScales {
		for _, down := range []bool{false, true} {
			name := fmt.Sprintf("%.2f px up", s)
			if down {
				name = fmt.Sprintf("%.2f px down", s)
			}
			if err := w.add("clean", name, c.label, atScale(c, s, down), []string{c.text}, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// degradation turns a code into a degraded image and returns the JPEG
// quality to store it at, or zero for PNG.
type degradation struct {
	name  string
	apply func(c code, rng *rand.Rand) (img *image.Gray, quality int)
}

// base renders c at 3 to 5 pixels per module, a size a screen shows.
func base(c code, rng *rand.Rand) (*image.Gray, float64) {
	s := 3 + rng.Float64()*2
	return atScale(c, s, rng.Intn(2) == 0), s
}

func uniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo + rng.Float64()*(hi-lo)
}

var degradations = []degradation{
	{"blur", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, s := base(c, rng)
		return distort.Blur(img, s*uniform(rng, 0.3, 0.5)), 0
	}},
	{"noise", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		return distort.Noise(img, uniform(rng, 25, 50), rng), 0
	}},
	{"jpeg", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		return img, 8 + rng.Intn(18)
	}},
	{"perspective", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		side := float64(img.Rect.Dx())
		out := int(side * 1.3)
		q := distort.Rotate(side, side, uniform(rng, -0.35, 0.35), (float64(out)-side)/2, (float64(out)-side)/2)
		for i := range q {
			q[i][0] += uniform(rng, -0.08, 0.08) * side
			q[i][1] += uniform(rng, -0.08, 0.08) * side
		}
		return distort.Warp(img, out, out, q, 255), 0
	}},
	{"rotation", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		side := float64(img.Rect.Dx())
		out := int(side * 1.45)
		q := distort.Rotate(side, side, uniform(rng, 0, 2*math.Pi), (float64(out)-side)/2, (float64(out)-side)/2)
		return distort.Warp(img, out, out, q, 255), 0
	}},
	{"low contrast", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		lo := uniform(rng, 90, 130)
		return distort.Contrast(img, lo, lo+uniform(rng, 25, 45)), 0
	}},
	{"uneven light", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		return distort.Lighting(img, uniform(rng, 0.15, 0.35)), 0
	}},
	{"moire", func(c code, rng *rand.Rand) (*image.Gray, int) {
		// Each screen pixel becomes 3 image pixels with a dark gap
		// pattern, then a camera samples it at a non-integer scale
		// without filtering, which aliases into moiré.
		screen := nearest(c.unit, 4+rng.Intn(3))
		grid := distort.Moire(nearest(screen, 3), 3, uniform(rng, 0.35, 0.6), uniform(rng, 0, 0.2))
		f := uniform(rng, 0.28, 0.42)
		side := int(float64(grid.Rect.Dx()) * f)
		return distort.Resize(grid, side, side), 0
	}},
	{"inverted", func(c code, rng *rand.Rand) (*image.Gray, int) {
		img, _ := base(c, rng)
		return distort.Invert(img), 0
	}},
	{"4x oversize", func(c code, rng *rand.Rand) (*image.Gray, int) {
		_, s := base(c, rng)
		return atScale(c, math.Round(4*s*10)/10, false), 0
	}},
}

// frame1080 builds one 1920×1080 frame: a screenshot of the app window
// with one or two codes, or the same seen by a camera (perspective, blur,
// noise, JPEG).
func frame1080(all []code, i int, rng *rand.Rand) (image.Image, []string, string, string, int) {
	first := all[rng.Intn(len(all))]
	placed := []code{first}
	if i%4 == 3 {
		placed = append(placed, all[rng.Intn(len(all))])
	}

	s := 2 + float64(rng.Intn(5))
	if i%3 == 1 {
		s += 0.5
	}
	// Keep every code inside the window.
	units, tallest := 0, 0
	for _, c := range placed {
		units += c.unit.Rect.Dx()
		tallest = max(tallest, c.unit.Rect.Dy())
	}
	s = math.Min(s, math.Min(float64(1920-400-40)/float64(units), float64(1080-260)/float64(tallest)))
	var parts []distort.Placement
	var want, labels []string
	x := 150 + rng.Intn(200)
	for _, c := range placed {
		img := atScale(c, s, false)
		y := 120 + rng.Intn(max(1, 1080-240-img.Rect.Dy()))
		parts = append(parts, distort.Placement{Image: img, At: image.Pt(x, y)})
		want = append(want, c.text)
		labels = append(labels, fmt.Sprintf("%s at %.1f px", c.label, s))
		x += img.Rect.Dx() + 40
	}
	screen := distort.Gray(distort.Window(1920, 1080, rng, parts...))

	name := fmt.Sprintf("screenshot, %d code(s)", len(placed))
	label := strings.Join(labels, ", ")
	if i%2 == 0 {
		return screen, want, name, label, 0
	}
	q := distort.Rotate(1920, 1080, uniform(rng, -0.08, 0.08), 0, 0)
	for k := range q {
		q[k][0] += uniform(rng, -60, 60)
		q[k][1] += uniform(rng, -40, 40)
	}
	cam := distort.Warp(screen, 1920, 1080, q, 40)
	cam = distort.Noise(distort.Blur(cam, uniform(rng, 0.5, 1.0)), uniform(rng, 4, 10), rng)
	return cam, want, fmt.Sprintf("camera, %d code(s)", len(placed)), label, 75
}
