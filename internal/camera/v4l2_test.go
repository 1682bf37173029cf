package camera

import (
	"errors"
	"fmt"
	"syscall"
	"testing"
)

func TestFourCC(t *testing.T) {
	// V4L2_PIX_FMT_YUYV and V4L2_PIX_FMT_MJPEG from linux/videodev2.h.
	if got := fourCC("YUYV"); got != 0x56595559 {
		t.Errorf("fourCC(YUYV) = %#x", got)
	}
	if got := fourCC("MJPG"); got != 0x47504a4d {
		t.Errorf("fourCC(MJPG) = %#x", got)
	}
	if got := fourCCName(0x34363248); got != "H264" {
		t.Errorf("fourCCName = %q, want H264", got)
	}
	for code, f := range v4l2Formats {
		if back, ok := v4l2Code(f); !ok || back != code {
			t.Errorf("v4l2Code(%s) = %#x, %v; want %#x", f, back, ok, code)
		}
	}
}

func TestDeviceError(t *testing.T) {
	tests := []struct {
		err  error
		want error
	}{
		{syscall.ENOENT, ErrDeviceNotFound},
		{syscall.ENODEV, ErrDeviceNotFound},
		{syscall.EBUSY, ErrBusy},
		{fmt.Errorf("wrapped: %w", syscall.EBUSY), ErrBusy},
		{errors.New("Failed to map request buffers: " + syscall.EBUSY.Error()), ErrBusy},
		{syscall.EACCES, ErrPermission},
		{syscall.EPERM, ErrPermission},
	}
	for _, tt := range tests {
		err := deviceError("open", "/dev/video0", tt.err)
		if !errors.Is(err, tt.want) {
			t.Errorf("deviceError(%v) = %v, want it to wrap %v", tt.err, err, tt.want)
		}
	}

	err := deviceError("open", "/dev/video0", syscall.ENOTTY)
	for _, s := range []error{ErrBusy, ErrPermission, ErrDeviceNotFound} {
		if errors.Is(err, s) {
			t.Errorf("ENOTTY became %v", s)
		}
	}
	if !errors.Is(err, syscall.ENOTTY) {
		t.Errorf("deviceError lost the cause: %v", err)
	}
}
