package codes

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

func TestRenderStaticGeometry(t *testing.T) {
	for _, n := range handshakeSizes {
		msg := randomMessage(t, n, int64(n))
		for _, maxSide := range []int{400, 777, 1024} {
			img, err := RenderStatic(msg, maxSide)
			if err != nil {
				t.Fatalf("%d bytes in %d px: %v", n, maxSide, err)
			}
			g := img.(*image.Gray)
			side := g.Rect.Dx()
			qr, err := encodeSymbol(EncodeText(msg), staticLevel(len(EncodeText(msg))), 0)
			if err != nil {
				t.Fatal(err)
			}
			modules := qr.GetMatrix().GetWidth() + 2*QuietZone
			scale := maxSide / modules

			if side != g.Rect.Dy() || side != modules*scale {
				t.Fatalf("%d bytes in %d px: image %v, want square of %d modules × %d px",
					n, maxSide, g.Rect, modules, scale)
			}
			checkQuietZone(t, g, QuietZone*scale)
			checkDarkOnLight(t, g)
		}
	}
}

func checkQuietZone(t *testing.T, g *image.Gray, width int) {
	t.Helper()
	side := g.Rect.Dx()
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			inside := x >= width && y >= width && x < side-width && y < side-width
			if !inside && g.Pix[y*g.Stride+x] != 0xFF {
				t.Fatalf("pixel (%d,%d) in the quiet zone of %d px is not white", x, y, width)
			}
		}
	}
}

func checkDarkOnLight(t *testing.T, g *image.Gray) {
	t.Helper()
	dark := 0
	for _, v := range g.Pix {
		switch v {
		case 0:
			dark++
		case 0xFF:
		default:
			t.Fatalf("grey level %d in a render, want only black and white", v)
		}
	}
	if dark == 0 || dark > len(g.Pix)/2 {
		t.Errorf("%d of %d pixels dark; a code on a light background has fewer than half", dark, len(g.Pix))
	}
}

func TestRenderStaticTooSmall(t *testing.T) {
	_, err := RenderStatic(randomMessage(t, 1500, 1), 100)
	if err == nil {
		t.Fatal("rendered 1,500 bytes in 100 px")
	}
}

func TestStaticLevelBySize(t *testing.T) {
	tests := []struct {
		bytes int
		want  ECLevel
	}{
		{10, LevelH},
		{120, LevelQ},
		{1500, LevelL},
	}
	for _, tt := range tests {
		chars := len(EncodeText(make([]byte, tt.bytes)))
		if got := staticLevel(chars); got != tt.want {
			t.Errorf("%d bytes: level %v, want %v", tt.bytes, got, tt.want)
		}
	}
}

func TestSymbolsUseAlphanumericMode(t *testing.T) {
	anim, msg := newTestAnimation(t, 1260, 2)
	for _, text := range []string{EncodeText(msg), anim.FrameText(0), anim.FrameText(50)} {
		qr, err := encodeSymbol(text, LevelM, 0)
		if err != nil {
			t.Fatal(err)
		}
		if qr.GetMode() != decoder.Mode_ALPHANUMERIC {
			t.Errorf("mode %v for a text form, want alphanumeric", qr.GetMode())
		}
	}
}

func TestAlphanumericCapacity(t *testing.T) {
	// Figures from the capacity table of ISO/IEC 18004.
	tests := []struct {
		version int
		level   ECLevel
		chars   int
	}{
		{1, LevelL, 25},
		{1, LevelH, 10},
		{10, LevelM, 311},
		{25, LevelL, 1853},
		{40, LevelL, 4296},
		{40, LevelH, 1852},
	}
	for _, tt := range tests {
		if got := alphanumericCapacity(tt.version, tt.level); got != tt.chars {
			t.Errorf("version %d-%v: %d characters, want %d", tt.version, tt.level, got, tt.chars)
		}
	}
}
