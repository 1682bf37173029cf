package scan

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"slices"

	"github.com/mispbump/mispbump/internal/codes"
)

// ErrNoMessage is returned by Run when a recorded source ends before a
// complete message passed the accept check.
var ErrNoMessage = errors.New("no complete bump code found")

// Run reads frames from src, decodes the codes on them with r and
// assembles them with c until a complete message passes accept, and
// returns that message. When accept returns an error, for example
// because the message belongs to another step of the handshake, Run
// keeps scanning and does not offer that message again. progress, when
// not nil, gets every change in progress, such as "7 of 9".
//
// Run returns ctx.Err() when ctx ends, the error of src.Next, or
// ErrNoMessage when a recorded source runs out. A code written with
// another format version ends the run with an error that wraps
// codes.ErrUnsupportedVersion, because waiting would not help.
func Run(ctx context.Context, src Source, r *codes.Reader, c *codes.Collector,
	accept func(msg []byte) error, progress func(codes.Progress)) ([]byte, error) {

	l := &loop{reader: r, collector: c, accept: accept, progress: progress}
	if rec, ok := src.(Recorded); ok && rec.Recorded() {
		return l.runRecorded(ctx, src)
	}
	return l.runLive(ctx, src)
}

// loop is the state of one Run.
type loop struct {
	reader    *codes.Reader
	collector *codes.Collector
	accept    func([]byte) error
	progress  func(codes.Progress)
	// rejected lists the messages that accept rejected, oldest first,
	// so that they are not offered again. It keeps the last
	// maxRejected, because a live source can show any number of codes.
	rejected []codes.MessageID
	lastErr  error
}

// maxRejected bounds the rejected messages a loop remembers. An older
// one that comes back is checked by accept again, which is harmless.
const maxRejected = 64

func (l *loop) wasRejected(id codes.MessageID) bool {
	return slices.Contains(l.rejected, id)
}

func (l *loop) reject(id codes.MessageID, err error) {
	if len(l.rejected) == maxRejected {
		l.rejected = slices.Delete(l.rejected, 0, 1)
	}
	l.rejected = append(l.rejected, id)
	l.lastErr = err
}

func (l *loop) runRecorded(ctx context.Context, src Source) ([]byte, error) {
	for {
		img, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil, l.exhausted()
		}
		if err != nil {
			return nil, err
		}
		if msg, err := l.decode(img); msg != nil || err != nil {
			return msg, err
		}
	}
}

// runLive captures frames in a goroutine and decodes the latest one
// whenever the previous decode is done.
func (l *loop) runLive(ctx context.Context, src Source) ([]byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	latest := make(chan image.Image, 1)
	failed := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			img, err := src.Next(ctx)
			if err != nil {
				failed <- err
				return
			}
			// Replace the frame that is still waiting for a decode.
			select {
			case <-latest:
			default:
			}
			latest <- img
		}
	}()
	defer func() {
		cancel()
		<-done
	}()

	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-failed:
			if errors.Is(err, io.EOF) {
				return nil, l.exhausted()
			}
			return nil, err
		case img := <-latest:
			if msg, err := l.decode(img); msg != nil || err != nil {
				return msg, err
			}
		}
	}
}

// decode feeds the codes of one frame to the collector and returns a
// message once one is complete and accepted.
func (l *loop) decode(img image.Image) ([]byte, error) {
	for _, sym := range l.reader.Scan(img) {
		p, err := l.collector.Add(sym.Text)
		if errors.Is(err, codes.ErrUnsupportedVersion) {
			return nil, err
		}
		if err != nil {
			// Other QR codes and damaged frames: the next frame
			// brings another chance.
			l.lastErr = err
			continue
		}
		if p.New && l.progress != nil {
			l.progress(p)
		}
		if !p.Complete {
			continue
		}
		if l.wasRejected(p.MessageID) {
			continue
		}
		if err := l.accept(p.Message); err != nil {
			l.reject(p.MessageID, err)
			continue
		}
		return p.Message, nil
	}
	return nil, nil
}

// exhausted explains why a finite source ended without a message.
func (l *loop) exhausted() error {
	var pending string
	for _, p := range l.collector.Pending() {
		pending += fmt.Sprintf("; message %s has %v frames", p.MessageID, p)
	}
	if l.lastErr != nil {
		return fmt.Errorf("%w%s; last problem: %w", ErrNoMessage, pending, l.lastErr)
	}
	return fmt.Errorf("%w%s", ErrNoMessage, pending)
}

// AddText feeds pasted or stored text to c: one text-form message, or
// the texts of animated frames one per line, with line breaks that mail
// and chat programs inserted. It returns the progress of every code it
// read and the errors of those it could not, joined. Text longer than
// MaxTextFileSize is rejected unread.
func AddText(c *codes.Collector, text string) ([]codes.Progress, error) {
	if len(text) > MaxTextFileSize {
		return nil, fmt.Errorf("%w: text of %d bytes is larger than %d MiB, more than a code "+
			"needs; paste or open only the code", codes.ErrNotCode, len(text), MaxTextFileSize>>20)
	}
	texts := codes.SplitTexts(text)
	if len(texts) == 0 {
		return nil, fmt.Errorf("%w: the text contains no line starting with %q",
			codes.ErrNotCode, codes.TextPrefix)
	}

	var out []codes.Progress
	var errs []error
	failed := 0
	for i, t := range texts {
		p, err := c.Add(t)
		if err != nil {
			failed++
			if len(errs) < maxTextErrors {
				errs = append(errs, fmt.Errorf("code %d of %d: %w", i+1, len(texts), err))
			}
			continue
		}
		out = append(out, p)
	}
	if failed > len(errs) {
		errs = append(errs, fmt.Errorf("%d more codes failed to read", failed-len(errs)))
	}
	return out, errors.Join(errs...)
}

// maxTextErrors is the most errors AddText lists one by one. A file of
// thousands of broken codes would otherwise give an error of thousands
// of lines.
const maxTextErrors = 5
