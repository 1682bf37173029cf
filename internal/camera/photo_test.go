package camera_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/codes/distort"
	"github.com/mispbump/mispbump/internal/scan"
)

// phonePhoto returns a 4000×3000 JPEG, as a 12-megapixel phone camera
// saves it, of code on a screen at quad: blurred, tilted and noisy.
func phonePhoto(t *testing.T, code image.Image, quad distort.Quad) []byte {
	t.Helper()
	rng := rand.New(rand.NewSource(3))
	src := distort.Blur(distort.Gray(code), 1.5)
	pic := distort.Warp(src, 4000, 3000, quad, 60)
	pic = distort.Noise(distort.Contrast(pic, 25, 225), 5, rng)

	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, pic, &jpeg.Options{Quality: 88}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadPhotoTwelveMegapixels(t *testing.T) {
	hs := newHandshake(t)
	// The offer as a static code, photographed at a slant, across a
	// third of the photo's height.
	msg := hs.messages[2]
	code, err := codes.RenderStatic(msg, 1000)
	if err != nil {
		t.Fatal(err)
	}
	side := float64(code.Bounds().Dx())
	quad := distort.Rotate(side, side, 0.2, 1700, 900)
	for i := range quad {
		quad[i][0], quad[i][1] = 1700+(quad[i][0]-1700)*1.1, 900+(quad[i][1]-900)*1.1
	}
	quad[1][1] += 80
	quad[2][1] -= 80
	photo := phonePhoto(t, code, quad)

	found, err := camera.ReadPhoto(bytes.NewReader(photo), codes.NewReader(codes.ReaderOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("found %d codes in the photo, want 1", len(found))
	}
	got, err := codes.DecodeText(found[0].Text)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("code text decodes to %d bytes, %v; want the %d-byte offer", len(got), err, len(msg))
	}

	// Bounds come back in the photo's coordinates: around the middle
	// of the quad, not of a 1600-pixel copy.
	centre := image.Pt(int(quad[0][0]+quad[2][0])/2, int(quad[0][1]+quad[2][1])/2)
	b := found[0].Bounds
	if !centre.In(b) || b.Dx() < 800 {
		t.Errorf("bounds %v, want a box of at least 800 px around %v", b, centre)
	}
}

func TestReadPhotoRejectsOtherFiles(t *testing.T) {
	_, err := camera.ReadPhoto(bytes.NewReader([]byte("%PDF-1.7 not a photo")), codes.NewReader(codes.ReaderOptions{}))
	if err == nil {
		t.Fatal("a PDF was read as a photo")
	}
}

func TestReadPhotoRejectsHugeImages(t *testing.T) {
	// A PNG header that claims 20000×20000 pixels: decoding it would
	// allocate 400 MB or more.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// The IHDR chunk starts at byte 8 with its length, then its type
	// at 12, its 13 bytes of data (width and height first) at 16 and
	// its CRC of type and data at 29.
	binary.BigEndian.PutUint32(data[16:], 20000)
	binary.BigEndian.PutUint32(data[20:], 20000)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))

	_, err := camera.ReadPhoto(bytes.NewReader(data), codes.NewReader(codes.ReaderOptions{}))
	if err == nil || !strings.Contains(err.Error(), "20000×20000") {
		t.Errorf("ReadPhoto of a 400-megapixel header = %v, want an error naming the size", err)
	}
}

func TestPhotoSourceThroughScanRun(t *testing.T) {
	hs := newHandshake(t)
	msg := hs.messages[3]
	code, err := codes.RenderStatic(msg, 600)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := jpeg.Decode(bytes.NewReader(phonePhoto(t, code, distort.Rotate(600, 600, -0.3, 2200, 1400))))
	if err != nil {
		t.Fatal(err)
	}

	src := camera.Photo(photo)
	got, err := scan.Run(context.Background(), src, codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		acceptStep(hs.steps[3]), nil)
	if err != nil {
		t.Fatalf("scan photo: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Error("scanned message differs from the key message")
	}
}

func TestPhotoSourceSizes(t *testing.T) {
	for _, tt := range []struct {
		photo image.Point
		sides []int
	}{
		{image.Pt(4000, 3000), []int{1600, 2400, 1200}},
		{image.Pt(2000, 1500), []int{1600, 2000, 1200}},
		{image.Pt(800, 600), []int{800}},
	} {
		src := camera.Photo(image.NewGray(image.Rectangle{Max: tt.photo}))
		var sides []int
		for {
			img, err := src.Next(context.Background())
			if err != nil {
				break
			}
			sides = append(sides, img.Bounds().Dx())
		}
		if !slices.Equal(sides, tt.sides) {
			t.Errorf("photo of %v gave widths %v, want %v", tt.photo, sides, tt.sides)
		}
	}
}
