package scan

import (
	"testing"

	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
)

// TestScreenshotOfAppWindows reads a screenshot of two real mispbump
// windows side by side under Xvfb, taken by the end-to-end GUI test: the
// initiator shows its hello, the responder its reply. Both codes must be
// found in the one image.
func TestScreenshotOfAppWindows(t *testing.T) {
	found, _, err := DescribeFile("testdata/app-windows.png")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("found %d codes in the screenshot, want 2", len(found))
	}

	src := Files("testdata/app-windows.png")
	defer src.Close()
	img, err := src.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	steps := map[exchange.Step]bool{}
	for _, s := range codes.NewReader(codes.ReaderOptions{}).Scan(img) {
		msg, err := codes.DecodeText(s.Text)
		if err != nil {
			t.Fatalf("code at %v: %v", s.Bounds, err)
		}
		h, err := exchange.Inspect(msg)
		if err != nil {
			t.Fatalf("code at %v is no handshake message: %v", s.Bounds, err)
		}
		steps[h.Step] = true
	}
	if !steps[exchange.StepHello] || !steps[exchange.StepReply] {
		t.Errorf("steps found %v, want the hello and the reply", steps)
	}
}
