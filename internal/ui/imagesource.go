package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for opened and dropped images
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/mispbump/mispbump/internal/camera"
)

// maxTextFile bounds a dropped or opened text file; a text-form message
// is a few kilobytes.
const maxTextFile = 1 << 20

// imageSource is a recorded scan.Source over images already decoded,
// so images from Fyne's file dialog and drops (content URIs on Android,
// where there is no file path to open) reach scan.Run like files. Each
// image goes through camera.Photo, the photo path of the camera package,
// which hands out grey copies at each of camera.PhotoSides, because the
// reader misses some tilted codes in a phone photo at one size and
// finds them at another.
type imageSource struct {
	images []image.Image
	next   int
	// photo is the source of the image before next; nil before the
	// first image.
	photo *camera.PhotoSource
}

// Next implements scan.Source: the sizes of each image in turn.
func (s *imageSource) Next(ctx context.Context) (image.Image, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.photo != nil {
			img, err := s.photo.Next(ctx)
			if !errors.Is(err, io.EOF) {
				return img, err
			}
			s.photo = nil
		}
		if s.next >= len(s.images) {
			return nil, io.EOF
		}
		s.photo = camera.Photo(s.images[s.next])
		// The grey copies replace the image, which can be dropped.
		s.images[s.next] = nil
		s.next++
	}
}

// Close implements scan.Source.
func (s *imageSource) Close() error { return nil }

// Recorded implements scan.Recorded: every image is decoded.
func (s *imageSource) Recorded() bool { return true }

// openedFiles is what a set of opened or dropped files holds: images to
// scan and the text of text files, in the order given.
type openedFiles struct {
	images []image.Image
	texts  []string
}

// readURIs reads every URI through Fyne's storage, never by path.
// A file that is neither an image nor a text file is an error that
// names it.
func readURIs(uris []fyne.URI) (openedFiles, error) {
	var out openedFiles
	var errs []error
	for _, uri := range uris {
		r, err := storage.Reader(uri)
		if err != nil {
			errs = append(errs, fmt.Errorf("open %s: %w", uri.Name(), err))
			continue
		}
		err = out.read(r)
		_ = r.Close()
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// read adds the content of one opened file.
func (o *openedFiles) read(r fyne.URIReadCloser) error {
	name := r.URI().Name()
	if isTextFile(r.URI()) {
		data, err := io.ReadAll(io.LimitReader(r, maxTextFile+1))
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if len(data) > maxTextFile {
			return fmt.Errorf("read %s: the file is larger than %d bytes, too large for a code", name, maxTextFile)
		}
		o.texts = append(o.texts, string(data))
		return nil
	}
	img, err := decodeImage(r, name)
	if err != nil {
		return err
	}
	o.images = append(o.images, img)
	return nil
}

// decodeImage decodes a PNG, JPEG or GIF image after checking its size
// in the header: an image of more than camera.MaxPhotoPixels, or a small
// file that claims such a size, is rejected before decoding allocates
// memory for its pixels.
func decodeImage(r io.Reader, name string) (image.Image, error) {
	// DecodeConfig reads the header only. The bytes it read are kept
	// and read again by Decode.
	var header bytes.Buffer
	cfg, _, err := image.DecodeConfig(io.TeeReader(r, &header))
	if err != nil {
		return nil, fmt.Errorf("read %s: not a PNG, JPEG or GIF image (%w): "+
			"open an image of the code or a .txt file with its text", name, err)
	}
	if pixels := int64(cfg.Width) * int64(cfg.Height); pixels > camera.MaxPhotoPixels {
		return nil, fmt.Errorf("read %s: the image is %d×%d pixels, more than the %d million this app reads: "+
			"take the photo at a lower resolution or crop it to the code",
			name, cfg.Width, cfg.Height, camera.MaxPhotoPixels/1_000_000)
	}
	img, _, err := image.Decode(io.MultiReader(&header, r))
	if err != nil {
		return nil, fmt.Errorf("read %s: invalid %d×%d image (%w): "+
			"open another image of the code or a .txt file with its text", name, cfg.Width, cfg.Height, err)
	}
	return img, nil
}

func isTextFile(uri fyne.URI) bool {
	ext := strings.ToLower(uri.Extension())
	return ext == ".txt" || strings.HasPrefix(uri.MimeType(), "text/")
}
