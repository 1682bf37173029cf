package scan

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/codes"
)

// writeBlankPNG writes a valid 8-bit grey PNG of w×h black pixels
// without holding the pixels in memory: 9000×9000 pixels compress to
// about 80 KB.
func writeBlankPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	var idat bytes.Buffer
	z, err := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]byte, 1+w) // filter byte 0, then the pixels
	for y := 0; y < h; y++ {
		if _, err := z.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		out.WriteString(kind)
		out.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	header := binary.BigEndian.AppendUint32(nil, uint32(w))
	header = binary.BigEndian.AppendUint32(header, uint32(h))
	chunk("IHDR", append(header, 8, 0, 0, 0, 0)) // 8-bit grey, no interlace
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReadersRejectHugeImage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.png")
	writeBlankPNG(t, path, 9000, 9000)

	_, _, err := DescribeFile(path)
	checkError(t, "DescribeFile", err, "9000×9000 pixels is more than the 64 megapixels")
	_, err = Files(path).Next(context.Background())
	checkError(t, "Files", err, "9000×9000 pixels is more than the 64 megapixels")
	_, err = ReadImageFile(path)
	checkError(t, "ReadImageFile", err, "9000×9000 pixels is more than the 64 megapixels")
}

func TestReadImageFileAtPixelLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.png")
	writeBlankPNG(t, path, 8000, codes.MaxImagePixels/8000)
	img, err := ReadImageFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Dx() * img.Bounds().Dy(); got != codes.MaxImagePixels {
		t.Errorf("image of %d pixels, want %d", got, codes.MaxImagePixels)
	}
}

func TestReadersRejectDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero on this system")
	}
	link := filepath.Join(t.TempDir(), "00-z.txt")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/zero", link} {
		_, _, err := DescribeFile(path)
		checkError(t, "DescribeFile "+path, err, "a device, not a regular file")
		_, err = Files(path).Next(context.Background())
		checkError(t, "Files "+path, err, "a device, not a regular file")
		_, err = ReadTextFile(path)
		checkError(t, "ReadTextFile "+path, err, "a device, not a regular file")
	}
}

func TestReadersRejectDirectory(t *testing.T) {
	dir := t.TempDir()
	_, _, err := DescribeFile(dir)
	checkError(t, "DescribeFile", err, "a directory, not a regular file")
}

func TestReadTextFileLimit(t *testing.T) {
	dir := t.TempDir()
	fits := writeText(t, dir, "fits.txt", strings.Repeat("x", MaxTextFileSize))
	if _, err := ReadTextFile(fits); err != nil {
		t.Errorf("text of exactly %d bytes: %v", MaxTextFileSize, err)
	}
	big := writeText(t, dir, "big.txt", strings.Repeat("x", MaxTextFileSize+1))
	_, err := ReadTextFile(big)
	checkError(t, "ReadTextFile", err, "larger than 1 MiB")
	_, _, err = DescribeFile(big)
	checkError(t, "DescribeFile", err, "larger than 1 MiB")
}

func TestDescribeFileCapsCodes(t *testing.T) {
	text := strings.Repeat(codes.TextPrefix+"JUNK\n", 20000)
	found, more, err := DescribeFile(writeText(t, t.TempDir(), "junk.txt", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != MaxDescribed {
		t.Errorf("described %d codes, want %d", len(found), MaxDescribed)
	}
	if more != 20000-MaxDescribed {
		t.Errorf("%d more codes, want %d", more, 20000-MaxDescribed)
	}
	if len(found) > 0 && !errors.Is(found[0].Err, codes.ErrDamaged) {
		t.Errorf("first code: error %v, want ErrDamaged", found[0].Err)
	}
}

func TestDescribeFileQuotedMail(t *testing.T) {
	msg := randomMessage(1260, 4)
	text := codes.EncodeText(msg)
	mail := "On Monday, Alice wrote:\n> Here is my code:\n>\n> " +
		text[:70] + "\n> " + text[70:140] + "\n> " + text[140:] + "\nThanks.\n"
	found, _, err := DescribeFile(writeText(t, t.TempDir(), "reply.txt", mail))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("found %d codes, want 1", len(found))
	}
	if found[0].Err != nil || found[0].MessageID != codes.IDOf(msg) {
		t.Errorf("quoted code: %+v", found[0])
	}
}

// checkError fails unless err contains want.
func checkError(t *testing.T, reader string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one saying %q", reader, want)
		return
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %q does not say %q", reader, err, want)
	}
}
