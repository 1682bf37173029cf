// Package atomicfile writes files so that a reader, or a process started
// after a crash at any point, sees either the old content or the new one,
// never a mixture or an empty file.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with data. It writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory, so
// the rename survives a power cut on file systems that honour fsync. The
// directory is created with mode 0700 when missing; perm applies to the
// file.
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	name := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()

	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("set mode of %s: %w", name, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	committed = true
	return syncDir(dir)
}

// syncDir flushes a directory entry change. Some platforms cannot open a
// directory for syncing; that is not an error worth failing a save for.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

// CleanTemp removes temporary files that a crash between create and
// rename left in dir. It returns how many it removed.
func CleanTemp(dir string) int {
	matches, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	removed := 0
	for _, m := range matches {
		if os.Remove(m) == nil {
			removed++
		}
	}
	return removed
}
