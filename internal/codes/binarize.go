package codes

import (
	"github.com/makiuchi-d/gozxing"
)

// newSource wraps a luminance plane for gozxing without copying it.
func newSource(g grayImage) gozxing.LuminanceSource {
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		panic(err) // the crop is the whole plane, so it always fits
	}
	return src
}

// fixedBinarizer hands out one black matrix that the reader computed, so
// the reader can erase codes it found from the matrix and search again
// without binarizing the image a second time.
type fixedBinarizer struct {
	source gozxing.LuminanceSource
	matrix *gozxing.BitMatrix
}

func (b *fixedBinarizer) GetLuminanceSource() gozxing.LuminanceSource { return b.source }

func (b *fixedBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	return b.matrix.GetRow(y, row), nil
}

func (b *fixedBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) { return b.matrix, nil }

func (b *fixedBinarizer) CreateBinarizer(source gozxing.LuminanceSource) gozxing.Binarizer {
	return gozxing.NewHybridBinarizer(source)
}

func (b *fixedBinarizer) GetWidth() int  { return b.matrix.GetWidth() }
func (b *fixedBinarizer) GetHeight() int { return b.matrix.GetHeight() }
