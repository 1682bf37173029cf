package scan

import (
	"errors"
	"image"
	"time"
)

// ErrScreenUnavailable is returned by Screen where the platform has no
// screen capture, such as Android and iOS.
var ErrScreenUnavailable = errors.New("screen capture is not available on this device")

// ScreenOptions configures Screen. The zero value captures every display
// in turn, at most five times a second.
type ScreenOptions struct {
	// Displays lists the display indexes to capture, each in turn; empty
	// means all active displays.
	Displays []int
	// Region, when not empty, captures only this rectangle of the
	// desktop (the coordinates that span all displays), such as the
	// window of a video call. It overrides Displays.
	Region image.Rectangle
	// Interval is the least time between two captures. Zero means 200
	// milliseconds.
	Interval time.Duration
}

func (o ScreenOptions) interval() time.Duration {
	if o.Interval <= 0 {
		return 200 * time.Millisecond
	}
	return o.Interval
}
