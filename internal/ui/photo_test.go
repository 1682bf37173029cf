package ui

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/codes/distort"
	"github.com/mispbump/mispbump/internal/scan"
)

// phonePhoto returns a 4000×3000 JPEG, as a 12-megapixel phone camera
// saves it, of msg's code on a screen: tilted, blurred and noisy, across
// about a third of the photo's height.
func phonePhoto(t testing.TB, msg []byte) []byte {
	t.Helper()
	code, err := codes.RenderStatic(msg, 1000)
	if err != nil {
		t.Fatal(err)
	}
	side := float64(code.Bounds().Dx())
	quad := distort.Rotate(side, side, 0.15, 2000, 1500)
	pic := distort.Warp(distort.Blur(distort.Gray(code), 1.5), 4000, 3000, quad, 60)
	pic = distort.Noise(distort.Contrast(pic, 25, 225), 5, rand.New(rand.NewSource(5)))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, pic, &jpeg.Options{Quality: 88}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeBytes(t *testing.T, name string, data []byte) fyne.URI {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(path)
}

func TestImageSourceScalesPhotos(t *testing.T) {
	src := &imageSource{images: []image.Image{
		image.NewGray(image.Rect(0, 0, 4000, 3000)),
		image.NewGray(image.Rect(0, 0, 800, 600)),
	}}
	var widths []int
	for {
		img, err := src.Next(context.Background())
		if err != nil {
			break
		}
		widths = append(widths, img.Bounds().Dx())
	}
	// camera.PhotoSides for the photo, then the small image unscaled.
	if want := []int{1600, 2400, 1200, 800}; !slices.Equal(widths, want) {
		t.Errorf("image source widths %v, want %v", widths, want)
	}
}

func TestTwelveMegapixelPhotoIsRead(t *testing.T) {
	a, b := startPair(t)
	uri := writeBytes(t, "IMG_0001.jpg", phonePhoto(t, b.ui.bump.state.outgoing))
	a.ui.bump.dropped(fyne.Position{}, []fyne.URI{uri})
	a.waitStage(string(bump.StageReview))
	if text, _ := a.notice(); text != "Received the partner's reply (2 of 4)." {
		t.Errorf("notice after the photo: %q", text)
	}
}

func TestHugeImageIsRejected(t *testing.T) {
	a, _ := startPair(t)

	// A PNG whose header claims 20000×20000 pixels: decoding it would
	// allocate 400 MB before finding that the pixel data is missing.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// IHDR: length at byte 8, type at 12, width and height at 16 and
	// 20, and the CRC of type and data at 29.
	binary.BigEndian.PutUint32(data[16:], 20000)
	binary.BigEndian.PutUint32(data[20:], 20000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))

	a.ui.bump.dropped(fyne.Position{}, []fyne.URI{writeBytes(t, "huge.png", data)})
	a.idle()
	text, isErr := a.notice()
	if !isErr {
		t.Errorf("notice %q is not an error", text)
	}
	for _, want := range []string{"huge.png", "20000×20000 pixels", "64 million", "lower resolution"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice %q lacks %q", text, want)
		}
	}
	if a.ui.bump.state.stage != bump.StageShowHello {
		t.Errorf("the huge image moved the initiator to %s", a.ui.bump.state.stage)
	}
}

// wholeImages is a recorded scan.Source that hands out images unscaled,
// as "Open image" did before photos went through camera.Photo; the
// benchmark compares the two.
type wholeImages struct{ images []image.Image }

func (s *wholeImages) Next(ctx context.Context) (image.Image, error) {
	if len(s.images) == 0 {
		return nil, io.EOF
	}
	img := s.images[0]
	s.images = s.images[1:]
	return img, nil
}

func (s *wholeImages) Close() error   { return nil }
func (s *wholeImages) Recorded() bool { return true }

// BenchmarkPhotoScan scans a decoded 12-megapixel photo with and without
// a code, through imageSource ("photo") and unscaled ("whole").
func BenchmarkPhotoScan(b *testing.B) {
	msg := bytes.Repeat([]byte("mispbump offer "), 40)
	withCode, err := jpeg.Decode(bytes.NewReader(phonePhoto(b, msg)))
	if err != nil {
		b.Fatal(err)
	}
	// A photo without a code makes the reader try everything.
	grey := image.NewGray(image.Rect(0, 0, 4000, 3000))
	for i := range grey.Pix {
		grey.Pix[i] = 0x80
	}
	blank := distort.Noise(grey, 40, rand.New(rand.NewSource(7)))
	accept := func([]byte) error { return nil }
	for _, photo := range []struct {
		name string
		img  image.Image
	}{{"code", withCode}, {"blank", blank}} {
		for _, path := range []struct {
			name   string
			source func() scan.Source
		}{
			{"photo", func() scan.Source { return &imageSource{images: []image.Image{photo.img}} }},
			{"whole", func() scan.Source { return &wholeImages{images: []image.Image{photo.img}} }},
		} {
			b.Run(photo.name+"/"+path.name, func(b *testing.B) {
				reader := codes.NewReader(codes.ReaderOptions{})
				for b.Loop() {
					_, err := scan.Run(context.Background(), path.source(), reader, codes.NewCollector(), accept, nil)
					if photo.name == "code" && err != nil {
						b.Fatalf("scan: %v", err)
					}
				}
			})
		}
	}
}
