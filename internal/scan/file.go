package scan

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/mispbump/mispbump/internal/codes"

	"github.com/mispbump/mispbump/internal/secret"
)

// Limits on the files that Files, DescribeFile, ReadImageFile and
// ReadTextFile read. The files come from the partner, so each read
// stops at its limit whatever size the file system reports.
const (
	// MaxImageFileSize is the largest image file read, in bytes. A
	// 50-megapixel phone photo as JPEG is under about 30 MB.
	MaxImageFileSize = 64 << 20

	// MaxTextFileSize is the largest text file read, in bytes. The text
	// form of a handshake message is under 3 KB, so this leaves room for
	// a whole mail thread around it.
	MaxTextFileSize = 1 << 20
)

// ErrNotImage marks a file that is not a PNG, JPEG or GIF image.
var ErrNotImage = errors.New("not a PNG, JPEG or GIF image")

// ReadImageFile decodes the PNG, JPEG or GIF file at path. It reads only
// regular files (after following symbolic links) of at most
// MaxImageFileSize bytes, and rejects images of more than
// codes.MaxImagePixels before decoding their pixels.
func ReadImageFile(path string) (image.Image, error) {
	data, err := readRegularFile(path, MaxImageFileSize)
	if err != nil {
		return nil, err
	}
	img, err := decodeImage(data)
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", secret.Quote(path), err)
	}
	return img, nil
}

// ReadTextFile returns the content of the text file at path. It reads
// only regular files (after following symbolic links) of at most
// MaxTextFileSize bytes.
func ReadTextFile(path string) (string, error) {
	data, err := readRegularFile(path, MaxTextFileSize)
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// readRegularFile returns the content of the regular file at path, or
// an error when the file is of another type or longer than limit bytes.
// It reads through an io.LimitReader because the size from Stat can be
// 0 (devices) or grow while the file is read.
func readRegularFile(path string, limit int64) ([]byte, error) {
	// Check the type before opening: opening a named pipe for reading
	// blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read file %s: %w", secret.Quote(path), withoutPath(err))
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}

	// O_NONBLOCK keeps the open from blocking if the path was replaced
	// by a named pipe after the check, and the check after opening then
	// rejects it. Regular files ignore the flag.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read file %s: %w", secret.Quote(path), withoutPath(err))
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("read file %s: %w", secret.Quote(path), err)
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(path, st.Mode())
	}
	if st.Size() > limit {
		return nil, tooLarge(path, limit)
	}

	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read file %s: %w", secret.Quote(path), err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path, limit)
	}
	return data, nil
}

func notRegular(path string, mode fs.FileMode) error {
	kind := "special file"
	switch {
	case mode.IsDir():
		kind = "directory"
	case mode&fs.ModeNamedPipe != 0:
		kind = "named pipe"
	case mode&fs.ModeSocket != 0:
		kind = "socket"
	case mode&fs.ModeDevice != 0:
		kind = "device"
	}
	return fmt.Errorf("read file %s: a %s, not a regular file; pass an image or text file",
		secret.Quote(path), kind)
}

func tooLarge(path string, limit int64) error {
	return fmt.Errorf("read file %s: larger than %d MiB, more than a code needs; "+
		"pass the image or text that shows the code", secret.Quote(path), limit>>20)
}

// decodeImage checks the size that the image header claims and decodes
// the image. Errors wrap ErrNotImage when data is in no known format.
func decodeImage(data []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, image.ErrFormat) {
		return nil, ErrNotImage
	}
	if err != nil {
		return nil, fmt.Errorf("read image header: %w", err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > codes.MaxImagePixels {
		return nil, fmt.Errorf("%d×%d pixels is more than the %d megapixels this app reads; "+
			"save the image at a lower resolution or crop it to the code",
			cfg.Width, cfg.Height, codes.MaxImagePixels/1_000_000)
	}

	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	return img, nil
}

// withoutPath drops the path from an *os.PathError, because the caller
// prints the path itself through secret.Quote.
func withoutPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
