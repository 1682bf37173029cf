package scan

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"unicode/utf8"

	"github.com/mispbump/mispbump/internal/codes"
)

// Found describes one code in a file, without its content.
type Found struct {
	codes.Info
	// Err is set for a QR code or text that is not a readable mispbump
	// code: another kind of QR code, a damaged one, or another format
	// version. Info is empty then.
	Err error
	// Version, Level and Bounds describe the QR symbol; they are empty
	// for codes read from text files.
	Version int
	Level   string
	Bounds  image.Rectangle
}

// maxDescribeSize bounds the files DescribeFile reads.
const maxDescribeSize = 64 << 20

// DescribeFile lists the codes in an image file (PNG, JPEG, GIF) or a
// text file holding text forms, for `mispbump decode`. It never returns
// message content.
func DescribeFile(path string) ([]Found, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("describe codes: %w", err)
	}
	if st.Size() > maxDescribeSize {
		return nil, fmt.Errorf("describe codes in %q: file of %d bytes is larger than %d",
			path, st.Size(), maxDescribeSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("describe codes: %w", err)
	}

	img, _, imgErr := image.Decode(bytes.NewReader(data))
	if imgErr == nil {
		return describeImage(img), nil
	}
	if !errors.Is(imgErr, image.ErrFormat) {
		return nil, fmt.Errorf("describe codes in %q: read image: %w", path, imgErr)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("describe codes in %q: neither a PNG, JPEG or GIF image "+
			"nor UTF-8 text", path)
	}
	return describeText(string(data)), nil
}

func describeImage(img image.Image) []Found {
	r := codes.NewReader(codes.ReaderOptions{MaxCodes: 16})
	var out []Found
	for _, sym := range r.Scan(img) {
		f := Found{Version: sym.Version, Level: sym.Level, Bounds: sym.Bounds}
		f.Info, f.Err = codes.Inspect(sym.Text)
		out = append(out, f)
	}
	return out
}

func describeText(text string) []Found {
	var out []Found
	for _, t := range codes.SplitTexts(text) {
		var f Found
		f.Info, f.Err = codes.Inspect(t)
		out = append(out, f)
	}
	return out
}
