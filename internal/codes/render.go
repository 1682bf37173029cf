package codes

import (
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

// QuietZone is the light margin around every rendered code, in modules.
// ISO/IEC 18004 requires 4.
const QuietZone = 4

// comfortableVersion is the largest version that webcams and phones
// read quickly from a screen, an estimate with margin below the version
// 15 or so where phone readers were seen to slow down. Static codes that
// fit it get the strongest error correction that keeps them this small.
const comfortableVersion = 10

// staticLevel picks the error-correction level of a static code holding
// chars characters. It is the highest level that keeps the symbol within
// comfortableVersion, or L when even L needs a larger symbol, because
// then smaller modules hurt more than extra redundancy helps.
func staticLevel(chars int) ECLevel {
	limit := max(comfortableVersion, minVersion(chars, LevelL))
	for _, level := range []ECLevel{LevelH, LevelQ, LevelM} {
		if v := minVersion(chars, level); v != 0 && v <= limit {
			return level
		}
	}
	return LevelL
}

// RenderStatic draws msg as one QR code holding its text form: dark
// modules on a light background, an integer number of pixels per module
// and a quiet zone of QuietZone modules, as large as fits in maxSide
// pixels. The image is square and at most maxSide wide.
func RenderStatic(msg []byte, maxSide int) (image.Image, error) {
	text := EncodeText(msg)
	qr, err := encodeSymbol(text, staticLevel(len(text)), 0)
	if err != nil {
		return nil, fmt.Errorf("encode message of %d bytes as a QR code: %w", len(msg), err)
	}
	return renderSymbol(qr, maxSide)
}

// encodeSymbol encodes text, which must use only the alphanumeric
// character set, in alphanumeric mode at level. A version of 0 picks the
// smallest that fits.
func encodeSymbol(text string, level ECLevel, version int) (*encoder.QRCode, error) {
	hints := map[gozxing.EncodeHintType]interface{}{}
	if version > 0 {
		hints[gozxing.EncodeHintType_QR_VERSION] = version
	}

	qr, err := encoder.Encoder_encode(text, level.zxing(), hints)
	if err != nil {
		return nil, fmt.Errorf("%d characters at level %v: %w", len(text), level, err)
	}
	if qr.GetMode() != decoder.Mode_ALPHANUMERIC {
		return nil, fmt.Errorf("encoder chose mode %v, want alphanumeric", qr.GetMode())
	}
	return qr, nil
}

// renderSymbol draws qr at the largest integer scale that fits maxSide.
func renderSymbol(qr *encoder.QRCode, maxSide int) (*image.Gray, error) {
	matrix := qr.GetMatrix()
	dim := matrix.GetWidth()
	total := dim + 2*QuietZone
	scale := maxSide / total
	if scale < 1 {
		return nil, fmt.Errorf("version %d code needs at least %d pixels a side, have %d",
			qr.GetVersion().GetVersionNumber(), total, maxSide)
	}

	side := total * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}

	for y := 0; y < dim; y++ {
		for x := 0; x < dim; x++ {
			if matrix.Get(x, y) != 1 {
				continue
			}
			fillModule(img, (x+QuietZone)*scale, (y+QuietZone)*scale, scale)
		}
	}
	return img, nil
}

func fillModule(img *image.Gray, x0, y0, scale int) {
	for y := y0; y < y0+scale; y++ {
		row := img.Pix[y*img.Stride+x0 : y*img.Stride+x0+scale]
		for i := range row {
			row[i] = 0
		}
	}
}
