package camera

import (
	"fmt"
	"image"

	"github.com/pion/mediadevices/pkg/frame"
)

// convertible reports whether Camera converts frames in format f.
func convertible(f Format) bool {
	switch f {
	case FormatYUYV, FormatUYVY, FormatNV12, FormatI420, FormatMJPEG:
		return true
	}
	return false
}

// decodeFrame turns the raw bytes of one frame into an image, usually an
// *image.YCbCr. The pixel conversions come from pion/mediadevices, whose
// MJPEG decoder also adds the Huffman tables that webcams leave out of
// their JPEG frames and image/jpeg needs.
//
// The image may share memory with raw (NV12 and I420 frames are sliced,
// not copied), so raw must not be reused while the image is in use.
func decodeFrame(m Mode, raw []byte) (image.Image, error) {
	if !convertible(m.Format) {
		return nil, fmt.Errorf("convert %s frame: pixel format %q is not supported", m, m.Format)
	}
	dec, err := frame.NewDecoder(frame.Format(m.Format))
	if err != nil {
		return nil, fmt.Errorf("convert %s frame: %w", m, err)
	}

	img, release, err := dec.Decode(raw, m.Width, m.Height)
	if release != nil {
		// The decoders of this version allocate plain Go memory, so
		// there is nothing to hand back; call it for future versions.
		defer release()
	}
	if err != nil {
		return nil, fmt.Errorf("convert %s frame of %d bytes: %w", m, len(raw), err)
	}
	return img, nil
}
