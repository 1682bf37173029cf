package camera

import (
	"context"
	"errors"
	"fmt"
)

// Errors that Driver methods and Open wrap, for errors.Is. Their texts
// are written to be shown to people as they are.
var (
	// ErrNoCamera means the system lists no camera.
	ErrNoCamera = errors.New("no camera found: connect a camera, or read the code " +
		"from the screen, a photo or pasted text")

	// ErrBusy means another program is using the camera.
	ErrBusy = errors.New("camera busy: close the other program that uses it, or read the " +
		"code from the screen, a photo or pasted text")

	// ErrPermission means the system denied access to the camera.
	ErrPermission = errors.New("no permission to use the camera: allow camera access for " +
		"mispbump (on Linux, join the video group)")

	// ErrNoCameraAPI means this build has no live camera access, as on
	// Android and iOS, where the photo path reads codes instead.
	ErrNoCameraAPI = errors.New("no camera API on this platform: take a photo of the code " +
		"and open it")

	// ErrDeviceNotFound means the requested camera is not connected.
	ErrDeviceNotFound = errors.New("camera not found")

	// ErrClosed is returned by Camera.Next after Close.
	ErrClosed = errors.New("camera closed")
)

// Device is one camera the system offers.
type Device struct {
	// ID names the device for Open and for remembering the choice, such
	// as "/dev/video0" on Linux or the AVFoundation unique ID on macOS.
	ID string
	// Name is the label to show people, such as "Integrated Camera".
	Name string
}

// String returns the name and the ID, for pickers that must tell two
// cameras of the same model apart.
func (d Device) String() string {
	if d.Name == "" || d.Name == d.ID {
		return d.ID
	}
	return d.Name + " (" + d.ID + ")"
}

// Format is the pixel layout of raw frames, named as V4L2 names it.
type Format string

// Pixel formats that Camera converts. Webcams deliver YUYV or MJPEG over
// USB; NV12, I420 and UYVY come from built-in cameras and AVFoundation.
const (
	FormatYUYV  Format = "YUYV"
	FormatUYVY  Format = "UYVY"
	FormatNV12  Format = "NV12"
	FormatI420  Format = "I420"
	FormatMJPEG Format = "MJPEG"
)

// Mode is a capture mode: pixel format, frame size and frame rate.
type Mode struct {
	Format        Format
	Width, Height int
	// FPS is frames per second; 0 means unknown.
	FPS float64
}

// String returns the mode as "1280×720 YUYV 30 fps".
func (m Mode) String() string {
	s := fmt.Sprintf("%d×%d %s", m.Width, m.Height, m.Format)
	if m.FPS > 0 {
		s += fmt.Sprintf(" %.4g fps", m.FPS)
	}
	return s
}

// Driver is the boundary to camera hardware. System returns the one of
// this platform; tests and demos use a synthetic one.
type Driver interface {
	// Devices lists the cameras. It returns an error wrapping
	// ErrNoCameraAPI where the platform has no camera access, and an
	// empty list, not an error, when there is simply no camera.
	Devices() ([]Device, error)
	// Open starts capturing from the device with the offered mode
	// nearest to want (see ChooseMode). Errors wrap ErrDeviceNotFound,
	// ErrBusy or ErrPermission where those are the cause.
	Open(id string, want Mode) (Stream, error)
}

// Stream is an open camera delivering raw frames.
type Stream interface {
	// Mode returns the mode the device actually delivers.
	Mode() Mode
	// ReadFrame waits for the next frame and returns its bytes, which
	// stay valid until the next call. It returns within about a second
	// once ctx is done, with ctx.Err().
	ReadFrame(ctx context.Context) ([]byte, error)
	// Close stops capturing and releases the device. Camera calls it
	// only after the last ReadFrame has returned.
	Close() error
}

// PickDevice returns the device with ID last when it is still connected,
// and otherwise the first device, so the app reopens the camera the
// person chose before. It returns false when devices is empty.
func PickDevice(devices []Device, last string) (Device, bool) {
	if len(devices) == 0 {
		return Device{}, false
	}
	for _, d := range devices {
		if d.ID == last {
			return d, true
		}
	}
	return devices[0], true
}
