//go:build android || ios

package camview

// LiveCamera reports whether this build shows a live camera preview.
// Fyne v2.7.1 has no camera API on phones, so the app offers PickPhoto:
// the admin takes a photo with the camera app and picks it.
//
// TODO: open the camera app directly from the Bump screen through
// driver.RunNative (the MediaStore.ACTION_IMAGE_CAPTURE intent, as
// docs/android.md describes), which needs the Android NDK to build.
const LiveCamera = false
