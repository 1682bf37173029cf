// Package camview shows a camera in a Fyne window: the live preview,
// a picker when there are several cameras, the decode progress of an
// animated code ("7 of 9"), and the reason when there is no camera to
// show, with the other ways to read a code named.
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
