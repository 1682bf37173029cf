package codes

import (
	"image"
	"math/rand"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/codes/distort"
)

// BenchmarkScanWindow1080 reads a 1920×1080 screenshot of a window with
// one static code at 3 pixels per module. The code benchmark in
// test/codebench compares such frames with other readers.
func BenchmarkScanWindow1080(b *testing.B) {
	msg := randomMessage(b, 1260, 1)
	code, err := RenderStatic(msg, 3*160)
	if err != nil {
		b.Fatal(err)
	}
	shot := distort.Window(1920, 1080, rand.New(rand.NewSource(1)),
		distort.Placement{Image: code, At: image.Pt(400, 200)})
	r := NewReader(ReaderOptions{})
	if len(r.Scan(shot)) != 1 {
		b.Fatal("the benchmark frame does not decode")
	}

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Scan(shot)
	}
}

// BenchmarkCollectFrames assembles a 1,500-byte message from parity
// frames only, the slowest case for the erasure decoder.
func BenchmarkCollectFrames(b *testing.B) {
	anim, err := NewAnimation(randomMessage(b, 1500, 2), AnimationOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for i := anim.Frames(); i < 2*anim.Frames(); i++ {
		texts = append(texts, anim.FrameText(i))
	}

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := NewCollector()
		for _, text := range texts {
			if _, err := c.Add(text); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkScanLargeFrame reads a blank 8000×8000 frame, the size of
// the largest image file the readers accept (MaxImagePixels). Scan
// shrinks it to maxScanPixels first, so time and bytes per operation
// show what such a frame costs.
func BenchmarkScanLargeFrame(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 8000, 8000))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	r := NewReader(ReaderOptions{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Scan(img)
	}
}

// BenchmarkDecodeTextCrafted decodes a 190 KB text of one long line
// followed by 200 one-character lines, which makes every join valid
// until the checksum.
func BenchmarkDecodeTextCrafted(b *testing.B) {
	text := TextPrefix + strings.Repeat("0", 190000) + strings.Repeat("\n0", 200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeText(text); err == nil {
			b.Fatal("crafted text decoded")
		}
	}
}
