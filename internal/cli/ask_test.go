package cli

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestAskContextGivesUpOnTimeout(t *testing.T) {
	reader, writer := io.Pipe()
	defer writer.Close()
	streams := &Streams{In: reader, Out: io.Discard, Err: io.Discard}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	yes, err := askContext(ctx, streams, "Create this partnership?")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("askContext with no answer: %v, want the deadline", err)
	}
	if yes {
		t.Error("no answer counted as yes")
	}
}

func TestAskReadsSeveralAnswers(t *testing.T) {
	streams := &Streams{In: strings.NewReader("y\nno\n"), Out: io.Discard, Err: io.Discard}
	if !ask(streams, "first?") {
		t.Error("first answer y read as no")
	}
	if ask(streams, "second?") {
		t.Error("second answer no read as yes")
	}
	if ask(streams, "third?") {
		t.Error("end of input read as yes")
	}
}
