// Package camview shows a camera in a Fyne window. The view has the live
// preview, a picker when there are several cameras and the decode
// progress of an animated code ("7 of 9"). When there is no camera to
// show, it gives the reason and names the other ways to read a code.
//
// A Viewer opens the camera through a camera.Driver (camera.System on
// the desktop) and remembers the chosen camera in the app preferences.
// Its Scan method runs scan.Run on the open camera and reports progress
// in the view. Preview frames arrive as new images, each replacing the
// last, so Fyne never draws an image that is being written.
//
// Phones have no live camera here: PickPhoto opens the system's image
// picker, where the admin chooses a photo taken with the phone's camera
// app, and reads the codes in it.
package camview
