package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The app's Save button writes the configuration that Load produced. A
// key file named with --misp-key-file for one run, often relative to the
// current directory, must not end up in config.yaml. Otherwise every
// later run from another directory fails to load the configuration.
func TestBreak2SaveKeepsKeyFileFlagOut(t *testing.T) {
	dir := isolate(t)
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "admin.key"), []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	store := FileStore{Path: filepath.Join(dir, "keys.json")}
	cfg, err := Load(flags(t, "--misp-url", "https://misp.example.org", "--misp-key-file", "admin.key"), store)
	if err != nil {
		t.Fatalf("Load with --misp-key-file: %v", err)
	}
	if err := cfg.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	saved, err := os.ReadFile(cfg.File)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(saved), "key_file") {
		t.Errorf("Save wrote the one-run --misp-key-file into %s:\n%s", cfg.File, saved)
	}

	t.Chdir(dir)
	if _, err := Load(flags(t), store); err != nil {
		t.Errorf("Load without flags from another directory after Save: %v", err)
	}
}

// A directory named by a SHA-1 digest (40 hex digits, as git and many
// caches name them) is a path component, not an API key, so a key file
// inside it must be read.
func TestBreak2KeyFileInDigestDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "misp.key")
	if err := os.WriteFile(path, []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := ReadKeyFile(path)
	if err != nil {
		t.Fatalf("ReadKeyFile(%s): %v", path, err)
	}
	if key.Reveal() != testKey {
		t.Error("ReadKeyFile returned another key than the file's")
	}
}
