package ui

import (
	"bytes"
	"image"
	"testing"

	"fyne.io/fyne/v2/theme"

	"github.com/mispbump/mispbump/internal/codes"
)

// testMessage is a message of the size of a handshake reply, which is the
// densest code the app shows.
var testMessage = bytes.Repeat([]byte("mispbump test message "), 70)

func TestCodeViewDrawsReadableCode(t *testing.T) {
	s := oneSide(t)
	// The dark theme must not touch the code.
	s.ui.app.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	v := newCodeView(s.ui)
	v.show(testMessage)

	for _, size := range []image.Point{{400, 400}, {640, 480}, {333, 517}} {
		img := v.generate(size.X, size.Y)
		if got := img.Bounds().Size(); got != size {
			t.Errorf("image size %v for a %v raster", got, size)
		}
		gray := img.(*image.Gray)
		var dark, light int
		for _, p := range gray.Pix {
			switch p {
			case 0:
				dark++
			case 0xff:
				light++
			default:
				t.Fatalf("%v: pixel value %d: the code is not pure dark on light", size, p)
			}
		}
		if dark == 0 || light == 0 {
			t.Fatalf("%v: %d dark and %d light pixels", size, dark, light)
		}
		syms := codes.NewReader(codes.ReaderOptions{}).Scan(img)
		if len(syms) != 1 || syms[0].Text != codes.EncodeText(testMessage) {
			t.Errorf("%v: read %d codes, want the message", size, len(syms))
		}
		// The code is centred, with the light margin on every side.
		if gray.GrayAt(0, 0).Y != 0xff || gray.GrayAt(size.X-1, size.Y-1).Y != 0xff {
			t.Errorf("%v: corners are not light", size)
		}
	}
}

func TestCodeViewTooSmallSaysSo(t *testing.T) {
	s := oneSide(t)
	v := newCodeView(s.ui)
	v.show(testMessage)
	v.generate(60, 60)
	s.waitFor("the too-small notice", func() bool { return v.problem.Visible() })
	v.generate(800, 800)
	s.waitFor("the notice to go", func() bool { return !v.problem.Visible() })
}

func TestCodeViewAnimates(t *testing.T) {
	s := oneSide(t)
	v := newCodeView(s.ui)
	v.show(testMessage)
	v.setAnimated(true)
	defer v.stopAnimation()
	s.waitFor("three animation frames", func() bool { return v.frame >= 3 })

	collector := codes.NewCollector()
	reader := codes.NewReader(codes.ReaderOptions{})
	var done bool
	for i := 0; i < 40 && !done; i++ {
		v.frame = i
		for _, sym := range reader.Scan(v.generate(480, 480)) {
			p, err := collector.Add(sym.Text)
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			if p.Complete {
				done = bytes.Equal(p.Message, testMessage)
			}
		}
	}
	if !done {
		t.Error("the animated frames do not assemble into the message")
	}

	v.setAnimated(false)
	frame := v.frame
	s.loop.drain()
	if v.stop != nil || v.frame != frame {
		t.Error("the animation goes on after switching to a single code")
	}
}
