package ui

import (
	"context"

	"github.com/mispbump/mispbump/internal/scan"
)

// CameraProvider is the source of live camera frames for the bump screen.
// The camera package implements it. With Options.Camera nil the bump
// screen has no Camera button and offers the other scan sources.
//
// The bump screen calls Cameras when the admin presses Camera, shows a
// picker when there are several (remembering the last choice in the app
// preferences), and calls Open with the chosen id. It shows the frames
// that the source's Next returns as the preview, at most maxPreviewFPS a
// second, and gives the same source to scan.Run, which decodes the latest
// frame only. The screen closes the source when a message is accepted, on
// Escape or Stop, when the admin leaves the Bump screen and when the
// window closes; Close must release the device.
type CameraProvider interface {
	// Cameras lists the cameras that can be opened, the preferred one
	// first. An empty list means there is none. An error, such as
	// "camera busy", is shown to the admin.
	Cameras(ctx context.Context) ([]Camera, error)
	// Open starts the camera with the given id and returns its frames
	// as a live source (a source without scan.Recorded). Frames should
	// be about the preview size, not the full sensor size.
	Open(ctx context.Context, id string) (scan.Source, error)
}

// Camera names one camera for the picker.
type Camera struct {
	// ID is the identifier Open takes. It must stay the same across
	// runs, so that the choice can be remembered.
	ID string
	// Name is shown to the admin, such as "Integrated Webcam".
	Name string
}
