package ui

import (
	"testing"

	"github.com/mispbump/mispbump/internal/codes"
)

// BenchmarkRenderStaticReply measures one static rendering of a message
// of the size of the handshake reply, which the code view does on the UI
// goroutine whenever its pixel size changes.
func BenchmarkRenderStaticReply(b *testing.B) {
	for b.Loop() {
		if _, err := codes.RenderStatic(testMessage, 700); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodeViewFrame measures one animated frame as the code view
// draws it, eight times a second, at a desktop size.
func BenchmarkCodeViewFrame(b *testing.B) {
	anim, err := codes.NewAnimation(testMessage, codes.AnimationOptions{})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := anim.FrameImage(i, 700); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
