package camview

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/codes"
)

// maxPhotoBytes bounds how much of a picked file is read. A 12-megapixel
// JPEG from a phone is 3 to 8 MB; a 50-megapixel one stays under 30 MB.
const maxPhotoBytes = 40 << 20

// PickPhoto opens the system's image picker over parent (on Android the
// document picker, where photos taken with the camera app are listed),
// reads the codes in the chosen photo with camera.ReadPhoto and calls
// done with them on the Fyne goroutine. done gets nil and no error when
// the admin cancels.
func PickPhoto(parent fyne.Window, r *codes.Reader, done func([]codes.Symbol, error)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			done(nil, err)
			return
		}
		// Decoding and scaling a large photo takes a second or two:
		// keep the window responsive meanwhile.
		go func() {
			found, err := ReadPhotoURI(rc, r)
			fyne.Do(func() { done(found, err) })
		}()
	}, parent)
	d.SetFilter(storage.NewMimeTypeFileFilter([]string{"image/jpeg", "image/png"}))
	d.Show()
}

// ReadPhotoURI reads the photo behind rc, closes it and returns the codes
// found in it.
func ReadPhotoURI(rc fyne.URIReadCloser, r *codes.Reader) ([]codes.Symbol, error) {
	defer rc.Close()
	name := rc.URI().Name()
	found, err := camera.ReadPhoto(io.LimitReader(rc, maxPhotoBytes), r)
	if err != nil {
		return nil, fmt.Errorf("photo %q: %w; choose a JPEG or PNG photo of the code", name, err)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("photo %q: no QR code found; take the photo again with the "+
			"whole code sharp and inside the picture", name)
	}
	return found, nil
}
