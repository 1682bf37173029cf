package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

func TestDecodeYUYV(t *testing.T) {
	// Two pixels share one colour pair: Y0 U Y1 V.
	raw := []byte{10, 128, 20, 128, 30, 100, 40, 150}
	img, err := decodeFrame(Mode{Format: FormatYUYV, Width: 4, Height: 1}, raw)
	if err != nil {
		t.Fatal(err)
	}
	ycc, ok := img.(*image.YCbCr)
	if !ok {
		t.Fatalf("decoded %T, want *image.YCbCr", img)
	}
	for x, want := range []uint8{10, 20, 30, 40} {
		if got := ycc.YCbCrAt(x, 0).Y; got != want {
			t.Errorf("Y at %d = %d, want %d", x, got, want)
		}
	}
	if c := ycc.YCbCrAt(3, 0); c.Cb != 100 || c.Cr != 150 {
		t.Errorf("colour at 3 = %d, %d; want 100, 150", c.Cb, c.Cr)
	}
}

func TestDecodeTruncatedFrame(t *testing.T) {
	_, err := decodeFrame(Mode{Format: FormatYUYV, Width: 640, Height: 480}, make([]byte, 1000))
	if err == nil {
		t.Fatal("a frame of 1000 bytes decoded as 640×480 YUYV")
	}
}

func TestDecodeUnknownFormat(t *testing.T) {
	if _, err := decodeFrame(Mode{Format: "H264", Width: 2, Height: 2}, make([]byte, 8)); err == nil {
		t.Fatal("an H264 frame was accepted")
	}
}

// TestDecodeMJPEGWithoutHuffmanTables decodes a JPEG whose DHT segments
// were cut out, as UVC webcams send MJPEG frames.
func TestDecodeMJPEGWithoutHuffmanTables(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 64 * 4)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	raw := withoutSegments(buf.Bytes(), 0xc4)
	if len(raw) == buf.Len() {
		t.Fatal("the encoded JPEG had no DHT segment to remove")
	}
	if _, err := jpeg.Decode(bytes.NewReader(raw)); err == nil {
		t.Fatal("image/jpeg decoded a JPEG without Huffman tables; the test proves nothing")
	}

	img, err := decodeFrame(Mode{Format: FormatMJPEG, Width: 64, Height: 48}, raw)
	if err != nil {
		t.Fatalf("decode MJPEG frame: %v", err)
	}
	if img.Bounds().Size() != image.Pt(64, 48) {
		t.Errorf("size %v, want 64×48", img.Bounds().Size())
	}
	if got := luma(img).GrayAt(10, 0).Y; got < 35 || got > 45 {
		t.Errorf("pixel (10, 0) = %d, want about 40", got)
	}
}

// withoutSegments returns a JPEG stream with every segment of the given
// marker removed. It walks the segments up to the start of scan.
func withoutSegments(b []byte, marker byte) []byte {
	out := append([]byte(nil), b[:2]...) // SOI
	i := 2
	for i+4 <= len(b) && b[i] == 0xff {
		m := b[i+1]
		n := int(b[i+2])<<8 | int(b[i+3])
		if m == 0xda { // SOS: the rest is entropy-coded data
			return append(out, b[i:]...)
		}
		if m != marker {
			out = append(out, b[i:i+2+n]...)
		}
		i += 2 + n
	}
	return append(out, b[i:]...)
}

func TestOwnBytesCopiesSlicedFormats(t *testing.T) {
	raw := []byte{1, 2, 3}
	if got := ownBytes(FormatI420, raw); &got[0] == &raw[0] {
		t.Error("I420 frame bytes were not copied")
	}
	if got := ownBytes(FormatYUYV, raw); &got[0] != &raw[0] {
		t.Error("YUYV frame bytes were copied although the converter copies them")
	}
}
