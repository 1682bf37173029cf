package codes

import (
	"image"
	"math/rand"
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
