//go:build unix

package scan

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadersSkipNamedPipe checks that no reader opens a named pipe,
// which would block until a writer comes.
func TestReadersSkipNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "codes.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a named pipe: %v", err)
	}

	readers := map[string]func() error{
		"DescribeFile": func() error { _, _, err := DescribeFile(fifo); return err },
		"Files":        func() error { _, err := Files(fifo).Next(context.Background()); return err },
		"ReadTextFile": func() error { _, err := ReadTextFile(fifo); return err },
	}
	for name, read := range readers {
		done := make(chan error, 1)
		go func() { done <- read() }()
		select {
		case err := <-done:
			checkError(t, name, err, "a named pipe, not a regular file")
		case <-time.After(10 * time.Second):
			// Open the write end so the blocked reader returns.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
			t.Errorf("%s: still blocked on the named pipe after 10 s", name)
			<-done
		}
	}
}
