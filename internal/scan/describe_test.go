package scan

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/codes"
)

func writeText(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDescribeImage(t *testing.T) {
	dir := t.TempDir()
	msg := randomMessage(600, 1)
	anim, err := codes.NewAnimation(randomMessage(1500, 2), codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	frame, err := anim.FrameImage(anim.Frames()+1, 400)
	if err != nil {
		t.Fatal(err)
	}

	img := image.NewGray(image.Rect(0, 0, 1500, 700))
	draw.Draw(img, img.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(20, 20, 620, 620), staticImage(t, msg), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(650, 50, 1050, 450), frame, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(1080, 50, 1480, 450), foreignQR(t, "https://example.org/"), image.Point{}, draw.Src)
	path := writeImage(t, dir, "codes.png", img)

	found, _, err := DescribeFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Fatalf("found %d codes, want 3", len(found))
	}
	var static, parity, foreign int
	for _, f := range found {
		switch {
		case errors.Is(f.Err, codes.ErrNotCode):
			foreign++
		case f.Kind == codes.KindStatic && f.MessageSize == len(msg) && f.MessageID == codes.IDOf(msg):
			static++
		case f.Kind == codes.KindFrame && f.Parity() && f.Frame == anim.Frames()+1 && f.Frames == anim.Frames():
			parity++
		}
		if f.Err == nil && (f.Version == 0 || f.Bounds.Empty()) {
			t.Errorf("code without symbol details: %+v", f)
		}
	}
	if static != 1 || parity != 1 || foreign != 1 {
		t.Errorf("found %d static, %d parity frames, %d foreign codes, want 1 each", static, parity, foreign)
	}
	checkNoPayload(t, found, codes.EncodeText(msg))
}

func TestDescribeTextFile(t *testing.T) {
	dir := t.TempDir()
	anim, err := codes.NewAnimation(randomMessage(1260, 3), codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf("%s\n%s\nmispbump9:XYZ\n", anim.FrameText(0), anim.FrameText(1))
	found, _, err := DescribeFile(writeText(t, dir, "frames.txt", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Fatalf("found %d codes, want 3", len(found))
	}
	for i := 0; i < 2; i++ {
		if found[i].Err != nil || found[i].Kind != codes.KindFrame || found[i].Frame != i || found[i].MessageID != anim.ID() {
			t.Errorf("line %d: %+v", i+1, found[i])
		}
	}
	if !errors.Is(found[2].Err, codes.ErrUnsupportedVersion) {
		t.Errorf("line 3: error %v, want ErrUnsupportedVersion", found[2].Err)
	}
	checkNoPayload(t, found, anim.FrameText(0))
}

func TestDescribeFileRejectsBinary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(path, []byte{0xff, 0xfe, 0x00, 0x81}, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := DescribeFile(path); err == nil || !strings.Contains(err.Error(), "neither") {
		t.Errorf("binary file: error %v", err)
	}
	if _, _, err := DescribeFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
}

// checkNoPayload fails when a description prints any piece of a code's
// Base45 payload.
func checkNoPayload(t *testing.T, found []Found, text string) {
	t.Helper()
	printed := fmt.Sprintf("%+v %v", found, found)
	payload := strings.TrimPrefix(text, codes.TextPrefix)
	for i := 0; i+12 <= len(payload); i += 12 {
		if strings.Contains(printed, payload[i:i+12]) {
			t.Fatalf("description prints payload piece %q", payload[i:i+12])
		}
	}
}

// FuzzDescribeFile feeds DescribeFile any file content: it must return
// an error or at most MaxDescribed codes, and never panic.
func FuzzDescribeFile(f *testing.F) {
	// A PNG header that claims 40000×40000 pixels, with no pixel data.
	ihdr := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x9c\x40\x00\x00\x9c\x40\x08\x00\x00\x00\x00\x74\x67\x51\xd9")
	f.Add(ihdr)
	f.Add([]byte(strings.Repeat(codes.TextPrefix+"JUNK\n", 60)))
	f.Add([]byte("> " + codes.EncodeText([]byte("quoted message")) + "\n"))
	f.Add([]byte("GIF89a\x10\x00\x10\x00"))
	path := filepath.Join(f.TempDir(), "input")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		found, more, err := DescribeFile(path)
		if err != nil {
			return
		}
		if len(found) > MaxDescribed || more < 0 {
			t.Fatalf("described %d codes and %d more", len(found), more)
		}
	})
}
