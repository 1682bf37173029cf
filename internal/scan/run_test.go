package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/codes"
)

func TestFilesSource(t *testing.T) {
	dir := t.TempDir()
	msg := randomMessage(120, 1)
	paths := []string{
		writeImage(t, dir, "a.png", staticImage(t, msg)),
		writeImage(t, dir, "b.jpg", staticImage(t, msg)),
	}
	src := Files(paths...)
	defer src.Close()
	for _, p := range paths {
		img, err := src.Next(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if img.Bounds().Dx() < 100 {
			t.Errorf("%s: image of %v", p, img.Bounds())
		}
	}
	if _, err := src.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Errorf("after the last file: %v, want io.EOF", err)
	}
}

func TestFilesSourceErrors(t *testing.T) {
	dir := t.TempDir()
	text := writeText(t, dir, "note.txt", "hello")
	for _, path := range []string{text, dir + "/missing.png"} {
		_, err := Files(path).Next(context.Background())
		if err == nil || !strings.Contains(err.Error(), path[len(dir):]) {
			t.Errorf("%s: error %v does not name the file", path, err)
		}
	}
}

func TestRunRejectsThenAccepts(t *testing.T) {
	dir := t.TempDir()
	wrong := randomMessage(600, 1)
	right := randomMessage(1260, 2)
	src := Files(
		writeImage(t, dir, "foreign.png", foreignQR(t, "https://example.org/")),
		writeImage(t, dir, "wrong.png", staticImage(t, wrong)),
		writeImage(t, dir, "wrong-again.jpg", staticImage(t, wrong)),
		writeImage(t, dir, "right.jpg", staticImage(t, right)),
	)

	var offered [][]byte
	accept := func(msg []byte) error {
		offered = append(offered, msg)
		if bytes.Equal(msg, wrong) {
			return errors.New("message is for another step")
		}
		return nil
	}
	got, err := Run(context.Background(), src, codes.NewReader(codes.ReaderOptions{}),
		codes.NewCollector(), accept, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, right) {
		t.Fatal("Run returned the wrong message")
	}
	if len(offered) != 2 {
		t.Errorf("accept saw %d messages, want the rejected one once and the right one", len(offered))
	}
}

func TestRunAnimatedFilesReportsProgress(t *testing.T) {
	dir := t.TempDir()
	msg := randomMessage(1500, 3)
	anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i := 2; i < anim.Frames()+2; i++ {
		img, err := anim.FrameImage(i, 400)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, writeImage(t, dir, fmt.Sprintf("frame%d.png", i), img))
	}

	var reports []string
	got, err := Run(context.Background(), Files(paths...), codes.NewReader(codes.ReaderOptions{}),
		codes.NewCollector(), func([]byte) error { return nil },
		func(p codes.Progress) { reports = append(reports, p.String()) })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("message differs")
	}
	if len(reports) != anim.Frames() || reports[0] != "1 of "+strconv.Itoa(anim.Frames()) {
		t.Errorf("progress reports %q, want one per frame from 1 of %d", reports, anim.Frames())
	}
}

func TestRunExhaustedSaysWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	anim, err := codes.NewAnimation(randomMessage(1500, 4), codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := anim.FrameImage(0, 400)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Files(writeImage(t, dir, "one.png", img)),
		codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(), func([]byte) error { return nil }, nil)
	if !errors.Is(err, ErrNoMessage) {
		t.Fatalf("error = %v, want ErrNoMessage", err)
	}
	if want := "1 of " + strconv.Itoa(anim.Frames()); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestRunStopsOnOtherVersion(t *testing.T) {
	dir := t.TempDir()
	src := Files(writeImage(t, dir, "v2.png", foreignQR(t, "MISPBUMP2:ABCDEF")))
	_, err := Run(context.Background(), src, codes.NewReader(codes.ReaderOptions{}),
		codes.NewCollector(), func([]byte) error { return nil }, nil)
	if !errors.Is(err, codes.ErrUnsupportedVersion) {
		t.Errorf("error = %v, want ErrUnsupportedVersion", err)
	}
}

// loopSource is a live source that shows the frames of an animation in
// an endless loop as fast as Next is called, like a camera pointed at
// the other screen.
type loopSource struct {
	frames []image.Image
	shown  atomic.Int64
}

func (s *loopSource) Next(ctx context.Context) (image.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := s.shown.Add(1)
	return s.frames[int(n-1)%len(s.frames)], nil
}

func (s *loopSource) Close() error { return nil }

func TestRunLiveSource(t *testing.T) {
	msg := randomMessage(1260, 5)
	anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := &loopSource{}
	for i := 0; i < 2*anim.Frames(); i++ {
		img, err := anim.FrameImage(i, 300)
		if err != nil {
			t.Fatal(err)
		}
		src.frames = append(src.frames, img)
	}

	var decoded atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := Run(ctx, src, codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		func([]byte) error { return nil }, func(codes.Progress) { decoded.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("message differs")
	}
	// The source runs far faster than decoding, so most frames are
	// dropped rather than queued.
	if shown := src.shown.Load(); shown <= decoded.Load() {
		t.Errorf("source showed %d frames for %d decoded ones; expected drops", shown, decoded.Load())
	}
}

func TestRunLiveSourceCancelled(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	src := &loopSource{frames: []image.Image{blank}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, src, codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		func([]byte) error { return nil }, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded", err)
	}
}

func TestAddText(t *testing.T) {
	msg := randomMessage(1500, 6)
	anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}

	c := codes.NewCollector()
	var lines []string
	for i := 0; i < anim.Frames(); i++ {
		lines = append(lines, anim.FrameText(i))
	}
	progress, err := AddText(c, "frames:\n"+strings.Join(lines, "\n")+"\n")
	if err != nil {
		t.Fatal(err)
	}
	last := progress[len(progress)-1]
	if len(progress) != anim.Frames() || !last.Complete || !bytes.Equal(last.Message, msg) {
		t.Errorf("pasted frames: %d progress records, complete %v", len(progress), last.Complete)
	}

	static := codes.EncodeText(randomMessage(120, 7))
	wrapped := static[:70] + "\r\n" + static[70:140] + "\r\n" + static[140:]
	progress, err = AddText(codes.NewCollector(), wrapped)
	if err != nil || len(progress) != 1 || !progress[0].Complete {
		t.Errorf("pasted wrapped static text: %v, %v", progress, err)
	}

	if _, err := AddText(codes.NewCollector(), "see you tomorrow"); !errors.Is(err, codes.ErrNotCode) {
		t.Errorf("plain text: error = %v, want ErrNotCode", err)
	}
}

// framesSource is a recorded source of images in memory.
type framesSource struct {
	frames []image.Image
	next   int
}

func (s *framesSource) Next(ctx context.Context) (image.Image, error) {
	if s.next >= len(s.frames) {
		return nil, io.EOF
	}
	s.next++
	return s.frames[s.next-1], nil
}

func (s *framesSource) Close() error { return nil }

func (s *framesSource) Recorded() bool { return true }

// TestRunForgetsOldestRejected shows more distinct messages than Run
// remembers as rejected: the oldest is offered to accept again, the
// latest is not.
func TestRunForgetsOldestRejected(t *testing.T) {
	n := maxRejected + 8
	var frames []image.Image
	for i := 0; i < n; i++ {
		img, err := codes.RenderStatic(randomMessage(20, int64(1000+i)), 150)
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, img)
	}
	frames = append(frames, frames[0], frames[n-1])

	offers := map[codes.MessageID]int{}
	accept := func(msg []byte) error {
		offers[codes.IDOf(msg)]++
		return errors.New("message is for another step")
	}
	_, err := Run(context.Background(), &framesSource{frames: frames},
		codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(), accept, nil)
	if !errors.Is(err, ErrNoMessage) {
		t.Fatalf("error = %v, want ErrNoMessage", err)
	}
	if len(offers) != n {
		t.Fatalf("accept saw %d messages, want %d", len(offers), n)
	}
	if got := offers[codes.IDOf(randomMessage(20, 1000))]; got != 2 {
		t.Errorf("oldest message offered %d times, want 2", got)
	}
	if got := offers[codes.IDOf(randomMessage(20, int64(1000+n-1)))]; got != 1 {
		t.Errorf("latest message offered %d times, want 1", got)
	}
}

func TestAddTextCapsErrors(t *testing.T) {
	text := strings.Repeat(codes.TextPrefix+"JUNK\n", 20000)
	_, err := AddText(codes.NewCollector(), text)
	if err == nil {
		t.Fatal("no error for 20000 broken codes")
	}
	if lines := strings.Count(err.Error(), "\n") + 1; lines > maxTextErrors+1 {
		t.Errorf("error of %d lines, want at most %d", lines, maxTextErrors+1)
	}
	want := fmt.Sprintf("%d more codes failed to read", 20000-maxTextErrors)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not say %q", want)
	}
}

func TestAddTextRejectsHugeText(t *testing.T) {
	text := codes.EncodeText(randomMessage(120, 5)) + "\n\n" + strings.Repeat("x", MaxTextFileSize)
	progress, err := AddText(codes.NewCollector(), text)
	if len(progress) != 0 {
		t.Errorf("%d codes read from text over the limit", len(progress))
	}
	if !errors.Is(err, codes.ErrNotCode) {
		t.Fatalf("error = %v, want ErrNotCode", err)
	}
	if !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("error %q does not give the limit", err)
	}
}
