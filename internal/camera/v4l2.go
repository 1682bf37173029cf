package camera

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// fourCC returns the V4L2 code of a four-letter pixel format name.
func fourCC(name string) uint32 {
	return uint32(name[0]) | uint32(name[1])<<8 | uint32(name[2])<<16 | uint32(name[3])<<24
}

// v4l2Formats maps the V4L2 pixel format codes that Camera converts to
// its formats. V4L2 calls I420 "YU12".
var v4l2Formats = map[uint32]Format{
	fourCC("YUYV"): FormatYUYV,
	fourCC("UYVY"): FormatUYVY,
	fourCC("NV12"): FormatNV12,
	fourCC("YU12"): FormatI420,
	fourCC("MJPG"): FormatMJPEG,
}

// v4l2Code returns the V4L2 code of f.
func v4l2Code(f Format) (uint32, bool) {
	for code, g := range v4l2Formats {
		if g == f {
			return code, true
		}
	}
	return 0, false
}

// fourCCName returns the four letters of a V4L2 pixel format code, for
// messages about formats Camera does not convert.
func fourCCName(code uint32) string {
	return string([]byte{byte(code), byte(code >> 8), byte(code >> 16), byte(code >> 24)})
}

// deviceError wraps an error from opening or starting a V4L2 device with
// the sentinel that explains it to people.
func deviceError(step, path string, err error) error {
	var sentinel error
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENODEV),
		errors.Is(err, syscall.ENXIO):
		sentinel = ErrDeviceNotFound
	case errors.Is(err, syscall.EBUSY):
		sentinel = ErrBusy
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		sentinel = ErrPermission
	case err != nil && containsBusy(err.Error()):
		// github.com/blackjack/webcam v0.6.1 turns the errors of
		// StartStreaming into plain strings.
		sentinel = ErrBusy
	}
	if sentinel == nil {
		return fmt.Errorf("%s %s: %w", step, path, err)
	}
	return fmt.Errorf("%s %s: %w (%v)", step, path, sentinel, err)
}

// containsBusy reports whether an error text carries the EBUSY message.
func containsBusy(text string) bool {
	return strings.Contains(text, syscall.EBUSY.Error())
}
