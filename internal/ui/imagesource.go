package ui

import (
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
)

// maxTextFile bounds a dropped or opened text file; a text-form message
// is a few kilobytes.
const maxTextFile = 1 << 20

// imageSource is a recorded scan.Source over images already decoded,
// so images from Fyne's file dialog and drops (content URIs on Android,
// where there is no file path to open) reach scan.Run like files.
type imageSource struct {
	images []image.Image
	next   int
}

// Next implements scan.Source.
func (s *imageSource) Next(ctx context.Context) (image.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next >= len(s.images) {
		return nil, io.EOF
	}
	s.next++
	return s.images[s.next-1], nil
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
	img, _, err := image.Decode(r)
	if err != nil {
		return fmt.Errorf("read %s: not a PNG, JPEG or GIF image (%v): open an image of the code or a .txt file with its text", name, err)
	}
	o.images = append(o.images, img)
	return nil
}

func isTextFile(uri fyne.URI) bool {
	ext := strings.ToLower(uri.Extension())
	return ext == ".txt" || strings.HasPrefix(uri.MimeType(), "text/")
}
