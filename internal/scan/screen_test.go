//go:build linux && !android

package scan

import (
	"context"
	"image"
	"os"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/mispbump/mispbump/internal/codes"
)

// showOnX11 opens a borderless window at (x, y) on the X display and
// draws img into it, so a screen capture finds the code the way it would
// in a video call. The window closes with the returned function.
func showOnX11(t *testing.T, img *image.Gray, x, y int) func() {
	t.Helper()
	conn, err := xgb.NewConn()
	if err != nil {
		t.Skipf("no X11 connection: %v", err)
	}
	screen := xproto.Setup(conn).DefaultScreen(conn)
	if screen.RootDepth != 24 {
		conn.Close()
		t.Skipf("X11 root depth %d, the test draws 24-bit pixels", screen.RootDepth)
	}

	wid, err := xproto.NewWindowId(conn)
	if err != nil {
		t.Fatal(err)
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	err = xproto.CreateWindowChecked(conn, screen.RootDepth, wid, screen.Root, int16(x), int16(y),
		uint16(w), uint16(h), 0, xproto.WindowClassInputOutput, screen.RootVisual,
		xproto.CwBackPixel|xproto.CwOverrideRedirect, []uint32{screen.WhitePixel, 1}).Check()
	if err != nil {
		t.Fatalf("create window: %v", err)
	}
	if err := xproto.MapWindowChecked(conn, wid).Check(); err != nil {
		t.Fatalf("map window: %v", err)
	}
	gc, err := xproto.NewGcontextId(conn)
	if err != nil {
		t.Fatal(err)
	}
	if err := xproto.CreateGCChecked(conn, gc, xproto.Drawable(wid), 0, nil).Check(); err != nil {
		t.Fatalf("create graphics context: %v", err)
	}

	// Send the pixels in strips that stay under the request size limit.
	rows := max(1, 60000/w)
	for top := 0; top < h; top += rows {
		n := min(rows, h-top)
		data := make([]byte, 0, 4*w*n)
		for yy := top; yy < top+n; yy++ {
			for _, v := range img.Pix[yy*img.Stride : yy*img.Stride+w] {
				data = append(data, v, v, v, 0)
			}
		}
		err := xproto.PutImageChecked(conn, xproto.ImageFormatZPixmap, xproto.Drawable(wid), gc,
			uint16(w), uint16(n), 0, int16(top), 0, 24, data).Check()
		if err != nil {
			t.Fatalf("draw image: %v", err)
		}
	}
	return func() {
		xproto.DestroyWindow(conn, wid)
		conn.Close()
	}
}

func TestScreenCapturesCode(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("DISPLAY is not set; run under an X server such as Xvfb to test screen capture")
	}
	msg := randomMessage(1260, 1)
	img, err := codes.RenderStatic(msg, 500)
	if err != nil {
		t.Fatal(err)
	}
	closeWindow := showOnX11(t, img.(*image.Gray), 60, 40)
	defer closeWindow()

	src, err := Screen(ScreenOptions{Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := Run(ctx, src, codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		func([]byte) error { return nil }, nil)
	if err != nil {
		t.Fatalf("scan the screen: %v", err)
	}
	if string(got) != string(msg) {
		t.Fatal("message read from the screen differs")
	}
}

func TestScreenRejectsUnknownDisplay(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("DISPLAY is not set")
	}
	if _, err := Screen(ScreenOptions{Displays: []int{99}}); err == nil {
		t.Error("display 99 accepted")
	}
}
