package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // phone cameras save JPEG, screenshots PNG
	_ "image/png"
	"io"

	"github.com/mispbump/mispbump/internal/codes"
)

// PhotoSides are the longest sides, in pixels, that ScanPhoto scales a
// photo to, one after the other until a code is found. A 12-megapixel
// photo (4000×3000) holds far more pixels than a code needs, and the
// reader's time grows with the pixel count: at 1600 a code across a
// third of the photo still has 5 pixels per module. The larger size
// catches small or dense codes. The smaller one is a last try because
// the reader misses some tilted codes at one size and finds them at
// another.
var PhotoSides = []int{1600, 2400, 1200}

// ScanPhoto finds the QR codes in a photo, such as one taken with the
// phone's camera app, and returns them with bounds in the photo's
// coordinates. It reads the brightness only and tries each of
// PhotoSides in turn, stopping at the first that finds a code.
func ScanPhoto(photo image.Image, r *codes.Reader) []codes.Symbol {
	for _, img := range photoFrames(photo) {
		if found := r.Scan(img); len(found) > 0 {
			return toPhoto(found, img.Bounds(), photo.Bounds())
		}
	}
	return nil
}

// MaxPhotoPixels is the largest photo ReadPhoto decodes, in pixels: a
// 50-megapixel phone camera fits, while a small PNG that claims a huge
// size cannot make it allocate gigabytes.
const MaxPhotoPixels = 64_000_000

// ReadPhoto decodes a JPEG or PNG photo from src and scans it with
// ScanPhoto. It reads all of src into memory first, so callers bound
// untrusted input with io.LimitReader.
func ReadPhoto(src io.Reader, r *codes.Reader) ([]codes.Symbol, error) {
	data, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("read photo: %w", err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, image.ErrFormat) {
		return nil, fmt.Errorf("read photo: not a JPEG or PNG image: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("read photo header: %w", err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPhotoPixels {
		return nil, fmt.Errorf("read photo: %d×%d pixels is more than the %d million this app "+
			"reads; take a photo at a lower resolution", cfg.Width, cfg.Height, MaxPhotoPixels/1_000_000)
	}

	photo, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read photo: %w", err)
	}
	return ScanPhoto(photo, r), nil
}

// Photo returns a recorded scan.Source of one photo: the grey copies
// ScanPhoto reads, one per size, so scan.Run assembles the codes of a
// photo the way it does those of camera frames.
func Photo(photo image.Image) *PhotoSource {
	return &PhotoSource{frames: photoFrames(photo)}
}

// PhotoSource is the source Photo returns.
type PhotoSource struct {
	frames []*image.Gray
	next   int
}

// Next returns the photo at the next size of PhotoSides, and io.EOF
// after the last.
func (s *PhotoSource) Next(ctx context.Context) (image.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next >= len(s.frames) {
		return nil, io.EOF
	}
	s.next++
	return s.frames[s.next-1], nil
}

// Close does nothing: the photo is in memory.
func (s *PhotoSource) Close() error { return nil }

// Recorded returns true, so scan.Run decodes every size.
func (s *PhotoSource) Recorded() bool { return true }

// photoFrames returns the grey copies of photo at each of PhotoSides,
// with the photo itself, unscaled, in place of the sides it does not
// exceed, once.
func photoFrames(photo image.Image) []*image.Gray {
	y := luma(photo)
	long := max(y.Rect.Dx(), y.Rect.Dy())
	var out []*image.Gray
	whole := false
	for _, side := range PhotoSides {
		switch {
		case side < long:
			out = append(out, shrinkGray(y, side))
		case !whole:
			out = append(out, y)
			whole = true
		}
	}
	return out
}

// toPhoto maps symbol bounds from a scaled copy with the given bounds
// back to the photo's bounds.
func toPhoto(found []codes.Symbol, scaled, photo image.Rectangle) []codes.Symbol {
	fx := float64(photo.Dx()) / float64(scaled.Dx())
	fy := float64(photo.Dy()) / float64(scaled.Dy())
	for i := range found {
		b := found[i].Bounds.Sub(scaled.Min)
		found[i].Bounds = image.Rect(
			photo.Min.X+int(float64(b.Min.X)*fx), photo.Min.Y+int(float64(b.Min.Y)*fy),
			photo.Min.X+int(float64(b.Max.X)*fx+0.5), photo.Min.Y+int(float64(b.Max.Y)*fy+0.5))
	}
	return found
}
