package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand"
	"testing"
)

// benchFrame returns a 1280×720 YUYV frame, the size a webcam sends:
// a brightness ramp with sensor noise and nearly neutral colour, like a
// picture of a screen.
func benchFrame() []byte {
	rng := rand.New(rand.NewSource(1))
	raw := make([]byte, 0, 1280*720*2)
	for y := 0; y < 720; y++ {
		for x := 0; x < 1280; x += 2 {
			base := 40 + x*180/1280
			raw = append(raw,
				uint8(base+rng.Intn(12)), uint8(124+rng.Intn(8)),
				uint8(base+rng.Intn(12)), uint8(124+rng.Intn(8)))
		}
	}
	return raw
}

func BenchmarkConvertYUYV(b *testing.B) {
	raw := benchFrame()
	m := Mode{Format: FormatYUYV, Width: 1280, Height: 720}
	for b.Loop() {
		if _, err := decodeFrame(m, raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConvertMJPEG(b *testing.B) {
	img, _ := decodeFrame(Mode{Format: FormatYUYV, Width: 1280, Height: 720}, benchFrame())
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	m := Mode{Format: FormatMJPEG, Width: 1280, Height: 720}
	for b.Loop() {
		if _, err := decodeFrame(m, buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreviewScale(b *testing.B) {
	img, _ := decodeFrame(Mode{Format: FormatYUYV, Width: 1280, Height: 720}, benchFrame())
	for b.Loop() {
		fitRGBA(img, image.Pt(640, 480))
	}
}

func BenchmarkDecodeCopy(b *testing.B) {
	img, _ := decodeFrame(Mode{Format: FormatYUYV, Width: 1280, Height: 720}, benchFrame())
	for b.Loop() {
		shrinkGray(luma(img), DefaultDecodeSides[0])
	}
}
