package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrLocked means another process is running the bump.
var ErrLocked = errors.New("the bump is running in another mispbump process")

// Lock marks bump id as running in this process until the returned
// release function is called or the process ends, so that another
// process on the same data directory does not take it for an interrupted
// bump and roll it back. It returns ErrLocked when another process holds
// the bump.
func (s *Store) Lock(id string) (release func(), err error) {
	if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("lock bump: invalid id %q", id)
	}
	path := filepath.Join(s.dir, id+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock bump %s: %w", id, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		unlockFile(f)
		f.Close()
	}, nil
}

// Running reports whether another process holds bump id's lock, that is
// whether the bump is still running there.
func (s *Store) Running(id string) bool {
	release, err := s.Lock(id)
	if err != nil {
		return errors.Is(err, ErrLocked)
	}
	release()
	return false
}
