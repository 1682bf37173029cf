package codes

import (
	"fmt"
	"image"
	"math/rand"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"

	"github.com/mispbump/mispbump/internal/codes/distort"
)

// describeFinder prints what a finder collected, for comparison.
func describeFinder(f *detector.FinderPatternFinder, info *detector.FinderPatternInfo, err error) string {
	out := fmt.Sprintf("err=%v", err != nil)
	if info != nil {
		out += fmt.Sprintf(" tl=%v tr=%v bl=%v", info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft())
	}
	for _, c := range f.GetPossibleCenters() {
		out += fmt.Sprintf(" (%.2f,%.2f,%.3f,%d)", c.GetX(), c.GetY(), c.GetEstimatedModuleSize(), c.GetCount())
	}
	return out
}

func TestFindPatternsMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	var images []image.Image
	for _, n := range []int{120, 600, 1500} {
		msg := randomMessage(t, n, int64(n))
		code, err := RenderStatic(msg, 700)
		if err != nil {
			t.Fatal(err)
		}
		g := distort.Gray(code)
		side := float64(g.Rect.Dx())
		images = append(images,
			g,
			distort.Noise(distort.Blur(g, 1.5), 30, rng),
			distort.Warp(g, int(side*1.4), int(side*1.4), distort.Rotate(side, side, 0.4, side/5, side/5), 255),
			distort.Window(1280, 800, rng, distort.Placement{Image: distort.Scale(g, 0.6), At: image.Pt(100, 120)},
				distort.Placement{Image: distort.Scale(g, 0.5), At: image.Pt(700, 200)}),
		)
	}
	images = append(images, distort.Window(640, 480, rng))

	for i, img := range images {
		matrix, err := hybridMatrix(toGray(img))
		if err != nil {
			t.Fatal(err)
		}
		for _, tryHarder := range []bool{false, true} {
			hints := map[gozxing.DecodeHintType]interface{}{}
			if tryHarder {
				hints[gozxing.DecodeHintType_TRY_HARDER] = true
			}
			theirs := detector.NewFinderPatternFinder(matrix, nil)
			theirInfo, theirErr := theirs.Find(hints)
			ourInfo, ours, ourErr := findPatterns(matrix, tryHarder)

			want := describeFinder(theirs, theirInfo, theirErr)
			got := describeFinder(ours, ourInfo, ourErr)
			if got != want {
				t.Errorf("image %d, try harder %v:\n got %s\nwant %s", i, tryHarder, got, want)
			}
		}
	}
}
