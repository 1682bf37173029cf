package scan

import (
	"errors"
	"fmt"
	"image"
	"unicode/utf8"

	"github.com/mispbump/mispbump/internal/codes"

	"github.com/mispbump/mispbump/internal/secret"
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

// MaxDescribed is the most codes DescribeFile describes in one file.
// A text file can hold thousands of code texts, and a listing of all
// of them would bury the ones that matter.
const MaxDescribed = 50

// DescribeFile lists the codes in an image file (PNG, JPEG, GIF) or a
// text file holding text forms, for `mispbump decode`. It describes the
// first MaxDescribed codes and returns how many more the file holds,
// without checking those. It never returns message content.
//
// It reads only regular files, up to MaxImageFileSize bytes for images
// and MaxTextFileSize bytes for text, and rejects images of more than
// codes.MaxImagePixels before decoding them.
func DescribeFile(path string) (found []Found, more int, err error) {
	data, err := readRegularFile(path, MaxImageFileSize)
	if err != nil {
		return nil, 0, fmt.Errorf("describe codes: %w", err)
	}

	img, err := decodeImage(data)
	if err == nil {
		return describeImage(img), 0, nil
	}
	if !errors.Is(err, ErrNotImage) {
		return nil, 0, fmt.Errorf("describe codes in %s: %w", secret.Quote(path), err)
	}
	if len(data) > MaxTextFileSize {
		return nil, 0, fmt.Errorf("describe codes in %s: text of %d bytes is larger than "+
			"%d MiB, more than a code needs; pass the text that shows the code",
			secret.Quote(path), len(data), MaxTextFileSize>>20)
	}
	if !utf8.Valid(data) {
		return nil, 0, fmt.Errorf("describe codes in %s: neither a PNG, JPEG or GIF image "+
			"nor UTF-8 text", secret.Quote(path))
	}
	found, more = describeText(string(data))
	return found, more, nil
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

func describeText(text string) ([]Found, int) {
	texts := codes.SplitTexts(text)
	more := max(0, len(texts)-MaxDescribed)
	var out []Found
	for _, t := range texts[:len(texts)-more] {
		var f Found
		f.Info, f.Err = codes.Inspect(t)
		out = append(out, f)
	}
	return out, more
}
