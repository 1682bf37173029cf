package ui

import (
	"context"

	"github.com/mispbump/mispbump/internal/scan"
)

// CameraProvider is where the bump screen gets live camera frames. The
// camera package implements it; with Options.Camera nil the bump screen
// has no Camera button and offers the other scan sources.
//
// The bump screen calls Cameras when the admin presses Camera, shows a
// picker when there are several (remembering the last choice in the app
// preferences), and calls Open with the chosen id. It shows every frame
// that the source's Next returns as the preview and gives the same
// source to scan.Run, which decodes the latest frame only. Closing the
// source, on a completed scan, Escape or leaving the screen, must release
// the device.
type CameraProvider interface {
	// Cameras lists the cameras that can be opened, the preferred one
	// first. An empty list means there is none; the error says why
	// (for example "camera busy") and is shown to the admin.
	Cameras(ctx context.Context) ([]Camera, error)
	// Open starts the camera with the given id and returns its frames
	// as a live source (a source without scan.Recorded). Frames should
	// be about the preview size, not the full sensor size.
	Open(ctx context.Context, id string) (scan.Source, error)
}

// Camera names one camera for the picker.
type Camera struct {
	// ID is what Open takes, stable across runs so the choice can be
	// remembered.
	ID string
	// Name is shown to the admin, such as "Integrated Webcam".
	Name string
}
