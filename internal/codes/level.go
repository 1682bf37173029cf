package codes

import (
	"fmt"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// ECLevel is a QR error-correction level.
type ECLevel int

// The four QR error-correction levels, from the least to the most
// redundancy: about 7, 15, 25 and 30 percent of the codewords can be
// restored. The zero ECLevel selects the default of the function or
// option that takes it.
const (
	LevelL ECLevel = iota + 1
	LevelM
	LevelQ
	LevelH
)

// String returns the level's letter.
func (l ECLevel) String() string {
	switch l {
	case LevelL:
		return "L"
	case LevelM:
		return "M"
	case LevelQ:
		return "Q"
	case LevelH:
		return "H"
	}
	return fmt.Sprintf("ECLevel(%d)", int(l))
}

func (l ECLevel) zxing() decoder.ErrorCorrectionLevel {
	switch l {
	case LevelM:
		return decoder.ErrorCorrectionLevel_M
	case LevelQ:
		return decoder.ErrorCorrectionLevel_Q
	case LevelH:
		return decoder.ErrorCorrectionLevel_H
	}
	return decoder.ErrorCorrectionLevel_L
}

// alphanumericCapacity returns how many alphanumeric characters fit in a
// symbol of the given version and level: the data codewords less the
// mode indicator and the character count, at 11 bits per two characters
// and 6 for a last single one.
func alphanumericCapacity(version int, level ECLevel) int {
	v, err := decoder.Version_GetVersionForNumber(version)
	if err != nil {
		return 0
	}

	dataBytes := v.GetTotalCodewords() - v.GetECBlocksForLevel(level.zxing()).GetTotalECCodewords()
	countBits := decoder.Mode_ALPHANUMERIC.GetCharacterCountBits(v)
	bits := dataBytes*8 - 4 - countBits

	chars := bits / 11 * 2
	if bits%11 >= 6 {
		chars++
	}
	return chars
}

// minVersion returns the smallest version that holds chars alphanumeric
// characters at level, or 0 when none does.
func minVersion(chars int, level ECLevel) int {
	for v := 1; v <= 40; v++ {
		if alphanumericCapacity(v, level) >= chars {
			return v
		}
	}
	return 0
}
