package camview

import (
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/mispbump/mispbump/internal/codes"
)

// writePhoto saves img as a JPEG in a temporary folder and returns its
// path.
func writePhoto(t *testing.T, img image.Image) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "photo.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadPhotoURI(t *testing.T) {
	test.NewTempApp(t)
	msg := []byte("a key message of about the real size, 76 bytes long, for the photo test..")
	code, err := codes.RenderStatic(msg, 800)
	if err != nil {
		t.Fatal(err)
	}
	// A 3000×2000 photo with the code in the middle.
	photo := image.NewGray(image.Rect(0, 0, 3000, 2000))
	for i := range photo.Pix {
		photo.Pix[i] = 90
	}
	for y := 0; y < code.Bounds().Dy(); y++ {
		for x := 0; x < code.Bounds().Dx(); x++ {
			photo.Set(1100+x, 600+y, code.At(x, y))
		}
	}

	rc, err := storage.Reader(storage.NewFileURI(writePhoto(t, photo)))
	if err != nil {
		t.Fatal(err)
	}
	found, err := ReadPhotoURI(rc, codes.NewReader(codes.ReaderOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := codes.DecodeText(found[0].Text)
	if err != nil || string(got) != string(msg) {
		t.Errorf("photo code decodes to %q, %v", got, err)
	}
}

func TestReadPhotoURIWithoutCode(t *testing.T) {
	test.NewTempApp(t)
	rc, err := storage.Reader(storage.NewFileURI(writePhoto(t, image.NewGray(image.Rect(0, 0, 200, 100)))))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadPhotoURI(rc, codes.NewReader(codes.ReaderOptions{}))
	if err == nil || !strings.Contains(err.Error(), `photo "photo.jpg": no QR code found`) {
		t.Errorf("error %v, want it to name the photo and say no code was found", err)
	}
}

func TestReadPhotoURINotAnImage(t *testing.T) {
	test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "notes.jpg")
	if err := os.WriteFile(path, []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := storage.Reader(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPhotoURI(rc, codes.NewReader(codes.ReaderOptions{})); err == nil ||
		!strings.Contains(err.Error(), "not a JPEG or PNG") {
		t.Errorf("error %v, want it to say the file is no JPEG or PNG", err)
	}
}

func TestPickPhotoOpensPicker(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	PickPhoto(w, codes.NewReader(codes.ReaderOptions{}), func([]codes.Symbol, error) {})
	if w.Canvas().Overlays().Top() == nil {
		t.Error("no picker shown")
	}
}
