package cli

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/codes"
)

func TestModuleGridRoundTrip(t *testing.T) {
	msg := bytes.Repeat([]byte("mispbump key message "), 4)
	img, err := codes.RenderStatic(msg, 4096)
	if err != nil {
		t.Fatal(err)
	}
	grid := moduleGrid(img)
	if len(grid) == 0 {
		t.Fatal("no modules recovered")
	}

	// Redraw the recovered modules at 4 pixels each and read them back.
	const scale = 4
	redrawn := image.NewGray(image.Rect(0, 0, len(grid)*scale, len(grid)*scale))
	for y, row := range grid {
		for x, dark := range row {
			c := color.Gray{Y: 255}
			if dark {
				c = color.Gray{Y: 0}
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					redrawn.SetGray(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	symbols := codes.NewReader(codes.ReaderOptions{}).Scan(redrawn)
	if len(symbols) != 1 {
		t.Fatalf("found %d codes in the redrawn grid, want 1", len(symbols))
	}
	got, err := codes.DecodeText(symbols[0].Text)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("redrawn grid decodes to a different message (%v)", err)
	}
}

func TestDrawTerminalUsesHalfBlocks(t *testing.T) {
	var out bytes.Buffer
	drawTerminal(&out, []byte("short message"))
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	grid := moduleGrid(mustRender(t, []byte("short message")))
	if want := (len(grid) + 1) / 2; len(lines) != want {
		t.Errorf("%d lines, want %d (two modules per line)", len(lines), want)
	}
	if !strings.Contains(out.String(), "▀") || !strings.Contains(out.String(), "\x1b[30;47m") {
		t.Error("output lacks half blocks or the black-on-white colours")
	}
}

func mustRender(t *testing.T, msg []byte) image.Image {
	t.Helper()
	img, err := codes.RenderStatic(msg, 4096)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
