package codes

import (
	"math/rand"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

func TestHybridMatrixMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	// Sizes below the block minimum, at it, and with partial last blocks
	// and rows that end inside a 32-bit word.
	for _, size := range [][2]int{{30, 50}, {40, 40}, {41, 57}, {100, 77}, {333, 250}} {
		g := grayImage{pix: make([]byte, size[0]*size[1]), w: size[0], h: size[1]}
		for i := range g.pix {
			switch {
			case i%97 < 40:
				g.pix[i] = 200 // flat areas take the neighbour rule
			default:
				g.pix[i] = byte(rng.Intn(256))
			}
		}
		ours, err := hybridMatrix(g)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := gozxing.NewHybridBinarizer(newSource(g)).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		if ours.String() != theirs.String() {
			t.Errorf("%dx%d: matrices differ", size[0], size[1])
		}
	}
}
