//go:build !android && !ios

package scan

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/kbinani/screenshot"
)

// Screen returns a live source of screen captures, so a code shown in a
// video call or another window on this computer can be read. On Linux it
// needs an X11 display (the DISPLAY variable).
func Screen(opts ScreenOptions) (Source, error) {
	s := &screenSource{interval: opts.interval()}
	if !opts.Region.Empty() {
		s.rects = []image.Rectangle{opts.Region}
		return s, nil
	}

	n := screenshot.NumActiveDisplays()
	if n == 0 {
		return nil, fmt.Errorf("%w: no active display found; start a desktop session "+
			"or set DISPLAY", ErrScreenUnavailable)
	}
	displays := opts.Displays
	if len(displays) == 0 {
		for i := 0; i < n; i++ {
			displays = append(displays, i)
		}
	}
	for _, d := range displays {
		if d < 0 || d >= n {
			return nil, fmt.Errorf("display %d does not exist, this desktop has displays 0 to %d", d, n-1)
		}
		s.rects = append(s.rects, screenshot.GetDisplayBounds(d))
	}
	return s, nil
}

type screenSource struct {
	rects    []image.Rectangle
	next     int
	interval time.Duration
	last     time.Time
}

func (s *screenSource) Next(ctx context.Context) (image.Image, error) {
	if wait := s.interval - time.Since(s.last); wait > 0 && !s.last.IsZero() {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	r := s.rects[s.next%len(s.rects)]
	s.next++
	s.last = time.Now()
	img, err := screenshot.CaptureRect(r)
	if err != nil {
		return nil, fmt.Errorf("capture screen area %v: %w", r, err)
	}
	return img, nil
}

func (s *screenSource) Close() error { return nil }
