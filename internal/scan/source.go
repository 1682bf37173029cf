package scan

import (
	"context"
	"image"
	_ "image/gif" // image formats that Files and DescribeFile read
	_ "image/jpeg"
	_ "image/png"
	"io"
)

// Source hands out frames: camera frames, screen captures or images
// from files.
type Source interface {
	// Next returns the next frame. It returns io.EOF when a finite
	// source has no more frames, and must return promptly with
	// ctx.Err() once ctx is done.
	Next(ctx context.Context) (image.Image, error)
	// Close releases the device or files.
	Close() error
}

// Recorded is implemented by sources whose frames are stored rather than
// live. Run decodes every frame of a source whose Recorded returns true.
// It treats other sources as live and drops frames that arrive while a
// decode runs.
type Recorded interface {
	Recorded() bool
}

// Files returns a finite source of the images in paths (PNG, JPEG or
// GIF), in order. Each file is read with ReadImageFile and its limits.
func Files(paths ...string) Source {
	return &fileSource{paths: paths}
}

type fileSource struct {
	paths []string
	next  int
}

func (s *fileSource) Next(ctx context.Context) (image.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next >= len(s.paths) {
		return nil, io.EOF
	}
	path := s.paths[s.next]
	s.next++
	return ReadImageFile(path)
}

func (s *fileSource) Close() error { return nil }

func (s *fileSource) Recorded() bool { return true }
