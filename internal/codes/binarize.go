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

// Block sizes of the local threshold, as in ZXing's hybrid binarizer.
const (
	blockPower      = 3
	blockSize       = 1 << blockPower
	minDynamicRange = 24
	minHybridSide   = 5 * blockSize
)

// hybridMatrix binarizes g with the algorithm of ZXing's hybrid
// binarizer: a threshold per 8×8 block from the mean black point of the
// 5×5 blocks around it. It works over flat slices because gozxing's
// version spends most of a large frame's time in per-pixel calls, and it
// returns the same matrix. Images too small for blocks use the global
// histogram binarizer.
func hybridMatrix(g grayImage) (*gozxing.BitMatrix, error) {
	if g.w < minHybridSide || g.h < minHybridSide {
		return gozxing.NewGlobalHistgramBinarizer(newSource(g)).GetBlackMatrix()
	}

	subW := (g.w + blockSize - 1) >> blockPower
	subH := (g.h + blockSize - 1) >> blockPower
	points := blackPoints(g, subW, subH)

	rowWords := (g.w + 31) / 32
	bits := make([]uint32, rowWords*g.h)
	for by := 0; by < subH; by++ {
		yoff := min(by<<blockPower, g.h-blockSize)
		top := min(max(by, 2), subH-3)
		for bx := 0; bx < subW; bx++ {
			xoff := min(bx<<blockPower, g.w-blockSize)
			left := min(max(bx, 2), subW-3)
			sum := 0
			for z := -2; z <= 2; z++ {
				row := points[(top+z)*subW:]
				sum += row[left-2] + row[left-1] + row[left] + row[left+1] + row[left+2]
			}
			threshold := byte(min(sum/25, 255))
			word, shift := xoff>>5, uint(xoff&31)
			for y := yoff; y < yoff+blockSize; y++ {
				mask := darkMask(g.pix[y*g.w+xoff:y*g.w+xoff+blockSize], threshold)
				// The clamped last block may straddle two words.
				words := bits[y*rowWords : (y+1)*rowWords]
				words[word] |= mask << shift
				if shift > 32-blockSize && mask>>(32-shift) != 0 {
					words[word+1] |= mask >> (32 - shift)
				}
			}
		}
	}

	matrix, err := gozxing.NewBitMatrix(g.w, g.h)
	if err != nil {
		return nil, err
	}
	row := gozxing.NewBitArray(g.w)
	for y := 0; y < g.h; y++ {
		for i, word := range bits[y*rowWords : (y+1)*rowWords] {
			row.SetBulk(i*32, word)
		}
		matrix.SetRow(y, row)
	}
	return matrix, nil
}

// blackPoints returns the black point of every 8×8 block: its mean, or
// for a flat block half its minimum, raised to the neighbours' level so
// flat areas inside a symbol follow the symbol.
func blackPoints(g grayImage, subW, subH int) []int {
	points := make([]int, subW*subH)
	for by := 0; by < subH; by++ {
		yoff := min(by<<blockPower, g.h-blockSize)
		for bx := 0; bx < subW; bx++ {
			xoff := min(bx<<blockPower, g.w-blockSize)
			sum, lo, hi := 0, byte(255), byte(0)
			for y := yoff; y < yoff+blockSize; y++ {
				row := g.pix[y*g.w+xoff : y*g.w+xoff+blockSize : y*g.w+xoff+blockSize]
				for _, v := range row {
					sum += int(v)
					lo = min(lo, v)
					hi = max(hi, v)
				}
			}

			average := sum >> (2 * blockPower)
			if int(hi)-int(lo) <= minDynamicRange {
				average = int(lo) / 2
				if by > 0 && bx > 0 {
					neighbours := (points[(by-1)*subW+bx] + 2*points[by*subW+bx-1] +
						points[(by-1)*subW+bx-1]) / 4
					if int(lo) < neighbours {
						average = neighbours
					}
				}
			}
			points[by*subW+bx] = average
		}
	}
	return points
}

// darkMask returns a bit for each of the 8 pixels at or below threshold,
// the first pixel in the lowest bit.
func darkMask(pix []byte, threshold byte) uint32 {
	pix = pix[:blockSize:blockSize]
	var mask uint32
	for x := 0; x < blockSize; x++ {
		// Branch-free: the sign bit of threshold-pixel is set when the
		// pixel is darker than or equal to the threshold.
		dark := (uint32(pix[x]) - uint32(threshold) - 1) >> 31
		mask |= dark << x
	}
	return mask
}
