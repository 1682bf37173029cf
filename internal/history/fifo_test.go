//go:build unix

package history

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestListSkipsNamedPipe(t *testing.T) {
	s := newStore(t)
	bumpWith(s, t, "5f1b8c2e-0000-4000-8000-000000000001", "alpha", StatusVerified)
	pipe := filepath.Join(s.Dir(), "20261204T100000-0000aaaa.json")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	done := make(chan int, 1)
	go func() {
		bumps, _ := s.List()
		done <- len(bumps)
	}()
	select {
	case n := <-done:
		if n != 1 {
			t.Errorf("List returned %d bumps, want the one real bump", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("List blocks on a named pipe in the history folder")
	}
	done2 := make(chan error, 1)
	go func() {
		_, err := s.Load("20261204T100000-0000aaaa")
		done2 <- err
	}()
	select {
	case err := <-done2:
		if err == nil {
			t.Error("Load read a named pipe as a bump")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load blocks on a named pipe")
	}
}
