//go:build linux && !android

package camera

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestSystemWithoutCamera runs the real V4L2 driver. On a machine with
// no webcam it must report no camera, not fail.
func TestSystemWithoutCamera(t *testing.T) {
	if paths, _ := filepath.Glob("/dev/video*"); len(paths) > 0 {
		t.Skipf("this machine has video devices %v", paths)
	}
	devices, err := System().Devices()
	if err != nil || len(devices) != 0 {
		t.Fatalf("Devices() = %v, %v; want none and no error", devices, err)
	}
	if _, err := Open(System(), Options{}); !errors.Is(err, ErrNoCamera) {
		t.Errorf("Open error %v, want ErrNoCamera", err)
	}
}

func TestV4L2SkipsOtherDevices(t *testing.T) {
	// /dev/null is a character device but no V4L2 device, so it must
	// not be listed, and opening it must fail.
	d := v4l2Driver{pattern: "/dev/null"}
	devices, err := d.Devices()
	if err != nil || len(devices) != 0 {
		t.Fatalf("Devices() = %v, %v; want none", devices, err)
	}
	if _, err := d.Open("/dev/null", DefaultMode); err == nil {
		t.Error("opening /dev/null as a camera succeeded")
	}
}

func TestV4L2MissingDevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "video0")
	_, err := v4l2Driver{}.Open(path, DefaultMode)
	if !errors.Is(err, ErrDeviceNotFound) {
		t.Errorf("Open(%s) = %v, want ErrDeviceNotFound", path, err)
	}
}

func TestV4L2PermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root opens any file")
	}
	path := filepath.Join(t.TempDir(), "video0")
	if err := os.WriteFile(path, nil, 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := v4l2Driver{pattern: path}.Devices()
	if !errors.Is(err, ErrPermission) {
		t.Errorf("Devices() = %v, want ErrPermission", err)
	}
}

func TestCompareDevicePaths(t *testing.T) {
	if compareDevicePaths("/dev/video2", "/dev/video10") >= 0 {
		t.Error("video2 sorted after video10")
	}
}
