package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// phoneWidth is the width of the phone window in device-independent
// pixels that docs/gui.md and the screenshots use.
const phoneWidth = 360

// While the connection test runs, the screen must fit a phone window.
// A label that does not wrap makes the window grow (626 pixels wide
// under Xvfb with MISPBUMP_WINDOW_SIZE=360x740), and on a phone the text
// would be cut off.
func TestBreak2VerifyingViewFitsPhone(t *testing.T) {
	test.NewTempApp(t)
	b := &bumpScreen{verifyNote: "Waiting for your partner to confirm the code."}
	if width := b.verifyingView().MinSize().Width; width > phoneWidth {
		t.Errorf("the verifying view needs %.0f pixels of width, more than a %d-pixel phone window", width, phoneWidth)
	}
}
