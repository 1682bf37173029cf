// Package synthetic is a camera.Driver that films codes on a simulated
// screen, for tests, benchmarks and demos on machines without a webcam.
//
// Each device plays one Scene: the app's static code, or the loop of an
// animated code, as a phone or laptop screen held in front of a webcam.
// Frames carry the damage cameras add: blur, noise, exposure changes,
// perspective and shake, lost frames, and frames caught while the screen
// switches codes. They arrive in real time as raw YUYV or MJPEG bytes.
// Everything after the hardware, from pixel conversion to the code
// reader, therefore runs as it does with a real camera.
package synthetic

import (
	"fmt"
	"image"

	"github.com/mispbump/mispbump/internal/codes"
)

// DefaultShowFPS is the rate at which scenes switch between the frames
// of an animated code, like the app's Bump screen.
const DefaultShowFPS = 8

// Scene is the subject of one synthetic camera: a screen showing a loop
// of code images.
type Scene struct {
	// Name labels the device, such as "hello (animated)".
	Name string
	// Codes are shown in turn, ShowFPS a second; a static code is one
	// image.
	Codes []image.Image
	// ShowFPS is how many codes a second the screen shows. Zero means
	// DefaultShowFPS.
	ShowFPS float64
	// Busy makes Open fail with camera.ErrBusy, like a camera that
	// another program uses.
	Busy bool
}

// renderSide is the size the codes are drawn at before the camera
// scales them into its frame, like a code on a laptop screen.
const renderSide = 600

// StaticScene returns a scene of msg as one static code, drawn by
// codes.RenderStatic.
func StaticScene(name string, msg []byte) (Scene, error) {
	img, err := codes.RenderStatic(msg, renderSide)
	if err != nil {
		return Scene{}, fmt.Errorf("render static code for scene %q: %w", name, err)
	}
	return Scene{Name: name, Codes: []image.Image{img}}, nil
}

// AnimatedScene returns a scene of msg as an animated code with the
// default options: the K frames with the message's blocks followed by K
// parity frames, in a loop.
func AnimatedScene(name string, msg []byte) (Scene, error) {
	anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
	if err != nil {
		return Scene{}, fmt.Errorf("split message for scene %q: %w", name, err)
	}
	loop := 2 * anim.Frames()
	imgs := make([]image.Image, loop)
	for i := range imgs {
		if imgs[i], err = anim.FrameImage(i, renderSide); err != nil {
			return Scene{}, fmt.Errorf("render frame %d for scene %q: %w", i, name, err)
		}
	}
	return Scene{Name: name, Codes: imgs}, nil
}
