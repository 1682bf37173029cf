package scan

import (
	"image"
	"image/jpeg"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/mispbump/mispbump/internal/codes"
)

func randomMessage(n int, seed int64) []byte {
	msg := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(msg)
	return msg
}

// writeImage stores img in dir as PNG, or as JPEG when the name ends in
// ".jpg", and returns the path.
func writeImage(t *testing.T, dir, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(name) == ".jpg" {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 90})
	} else {
		err = png.Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func staticImage(t *testing.T, msg []byte) image.Image {
	t.Helper()
	img, err := codes.RenderStatic(msg, 600)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// foreignQR renders a QR code of any text with a second, independent
// encoder.
func foreignQR(t *testing.T, text string) image.Image {
	t.Helper()
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	return q.Image(400)
}
