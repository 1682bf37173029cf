// Package camera captures webcam frames for the code reader and the
// preview.
//
// # Pipeline
//
// Open starts a Driver's Stream and a capture goroutine that reads every
// frame the device delivers. Camera implements scan.Source: Next hands
// out a grey copy of the latest frame, scaled down to 960 pixels on the
// longer side, or up to 1280 on every second frame. scan.Run therefore
// decodes beside the preview, on fresh frames only. Preview delivers colour frames scaled to the preview
// size. A frame that neither side is waiting for is dropped before it is
// converted, so an unwatched preview and a busy decoder cost nothing.
//
// A frame without a code makes the reader walk its whole ladder, about
// 140 ms on one core for a 960×540 frame, and scan.Run decodes back to
// back. Next therefore holds frames back until the process's CPU use
// since the last frame has fallen to CPUShare (0.8 cores by default),
// and hands out at most 15 frames a second. Closing the camera ends
// scan.Run with an error wrapping ErrClosed.
//
// # Drivers
//
// System returns the driver of the platform:
//
//   - Linux: Video4Linux2 through github.com/blackjack/webcam v0.6.1,
//     pure Go (ioctl through golang.org/x/sys), no cgo.
//   - macOS: AVFoundation through the avfoundation package of
//     github.com/pion/mediadevices v0.9.4, which needs cgo and the macOS
//     SDK.
//   - Android, iOS and other systems: a driver that returns
//     ErrNoCameraAPI; phones read a photo instead (ScanPhoto, Photo).
//
// pion/mediadevices alone would cover both desktops, but its Linux
// camera driver has three drawbacks. It needs cgo and the kernel
// headers. It probes every /dev/video* device when the package is
// imported, so at every start of the app, even for command-line use.
// And it reads frames without a context. Using blackjack/webcam directly, which mediadevices itself uses on
// Linux, avoids all three and lets Devices and Open map errno values to
// ErrBusy, ErrPermission and ErrDeviceNotFound. blackjack/webcam has no
// macOS support, so mediadevices' AVFoundation binding covers macOS;
// only its platform files import it. Neither library supports Android.
//
// Pixel conversion uses mediadevices' frame package on every platform:
// YUYV, UYVY, NV12, I420 and MJPEG, including the MJPEG frames without
// Huffman tables that UVC webcams send. Converting a 1280×720 YUYV frame
// costs about 2 ms and decoding an MJPEG one about 18 ms (image/jpeg),
// so ChooseMode prefers uncompressed formats of at least 640×480.
//
// # Testing without hardware
//
// Everything but the files system_linux.go and system_darwin.go is
// tested with the synthetic driver in the synthetic package, which
// films the app's codes with camera damage and delivers raw YUYV or
// MJPEG frames in real time.
//
// NOTE: the V4L2 streaming path has not run against a device, because no
// webcam was attached where this package was written. Its listing, its
// error mapping and the no-camera case were tested. The macOS driver has
// not been compiled.
package camera
