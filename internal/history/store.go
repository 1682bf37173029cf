package history

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/mispbump/mispbump/internal/atomicfile"
)

// ErrNotFound is returned when no bump or partner matches.
var ErrNotFound = errors.New("not found in the history")

// Store is the history in one data directory.
type Store struct {
	dir string
	now func() time.Time
}

// idPattern matches the ids NewID makes; Load rejects anything else so a
// name from the command line can never reach outside the directory.
var idPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$`)

// Open returns the history in dataDir, creating bumps/ with mode 0700
// and removing temporary files that a crash left behind.
func Open(dataDir string) (*Store, error) {
	dir := filepath.Join(dataDir, "bumps")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open history in %s: %w", dataDir, err)
	}
	atomicfile.CleanTemp(dir)
	return &Store{dir: dir, now: time.Now}, nil
}

// Dir returns the directory holding the bump files.
func (s *Store) Dir() string { return s.dir }

// NewBump starts a record with a fresh id, status pending.
func (s *Store) NewBump(role Role, versions Versions) *Bump {
	now := s.now().UTC()
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	b := &Bump{
		Schema:   SchemaVersion,
		ID:       now.Format("20060102T150405") + "-" + hex.EncodeToString(suffix[:]),
		Role:     role,
		Started:  now,
		Versions: versions,
		Objects:  []Object{},
	}
	b.SetStatus(StatusPending, "bump started", now)
	return b
}

// Save writes b atomically. It is called after every step, so the file
// always reflects the last completed step.
func (s *Store) Save(b *Bump) error {
	if !idPattern.MatchString(b.ID) {
		return fmt.Errorf("save bump: invalid id %q", b.ID)
	}
	b.Schema = SchemaVersion
	b.Updated = s.now().UTC()
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("encode bump %s: %w", b.ID, err)
	}
	if err := atomicfile.Write(s.path(b.ID), append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save bump %s: %w", b.ID, err)
	}
	return nil
}

func (s *Store) path(id string) string {
	return filepath.Join(s.dir, id+".json")
}

// Load reads one bump.
func (s *Store) Load(id string) (*Bump, error) {
	if !idPattern.MatchString(id) {
		return nil, fmt.Errorf("bump %q: %w", id, ErrNotFound)
	}
	data, err := readRegular(s.path(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("bump %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read bump %s: %w", id, err)
	}
	return decode(id, data)
}

func decode(id string, data []byte) (*Bump, error) {
	var b Bump
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("bump file %s.json is damaged (%v): move it out of the history folder", id, err)
	}
	if b.Schema > SchemaVersion {
		return nil, fmt.Errorf("bump file %s.json has schema %d, newer than this mispbump reads (%d): update mispbump", id, b.Schema, SchemaVersion)
	}
	if b.ID != id {
		return nil, fmt.Errorf("bump file %s.json holds bump %q: rename or remove it", id, b.ID)
	}
	return &b, nil
}

// List returns all bumps, oldest first. Files that cannot be read are
// skipped and reported together in the error, so one damaged file does
// not hide the rest of the history.
func (s *Store) List() ([]*Bump, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("list history in %s: %w", s.dir, err)
	}
	var bumps []*Bump
	var problems []error
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		id := strings.TrimSuffix(name, ".json")
		if !idPattern.MatchString(id) {
			// Not a bump file (notes an admin put here, a copy): skip it
			// rather than block every command.
			continue
		}
		b, err := s.Load(id)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		bumps = append(bumps, b)
	}
	sort.Slice(bumps, func(i, j int) bool {
		if !bumps[i].Started.Equal(bumps[j].Started) {
			return bumps[i].Started.Before(bumps[j].Started)
		}
		return bumps[i].ID < bumps[j].ID
	})
	return bumps, errors.Join(problems...)
}

// Unfinished returns the bumps that stopped before a final state.
func (s *Store) Unfinished() ([]*Bump, error) {
	all, err := s.List()
	var open []*Bump
	for _, b := range all {
		if b.Unfinished() {
			open = append(open, b)
		}
	}
	return open, err
}

// maxBumpFile bounds a bump file; real ones are a few kilobytes.
const maxBumpFile = 1 << 20

// readRegular reads a regular file of at most maxBumpFile bytes. It opens
// without blocking and checks the type of what it opened, so a named
// pipe put in the folder cannot hang every command.
func readRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", filepath.Base(path))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBumpFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBumpFile {
		return nil, fmt.Errorf("%s is larger than a bump file can be", filepath.Base(path))
	}
	return data, nil
}
