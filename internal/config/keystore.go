package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mispbump/mispbump/internal/atomicfile"
	"github.com/mispbump/mispbump/internal/secret"
)

// ErrNoKey is returned by a KeyStore that holds no key for a MISP URL.
var ErrNoKey = errors.New("no API key stored")

// KeyStore keeps one API key per MISP base URL.
type KeyStore interface {
	// Get returns the key for the MISP at url, or ErrNoKey.
	Get(url string) (secret.Key, error)
	// Set stores key for url, replacing an earlier one.
	Set(url string, key secret.Key) error
	// Delete removes the key for url; deleting a missing key is no error.
	Delete(url string) error
	// Describe names the storage for the user, e.g. "the OS keyring".
	Describe() string
}

// FileStore is a KeyStore in a JSON file with mode 0600, for systems
// without a usable OS keyring.
type FileStore struct {
	// Path is the file; its directory is created with mode 0700.
	Path string
}

// Describe implements KeyStore.
func (f FileStore) Describe() string {
	return "the file " + f.Path + " (readable only by you)"
}

func (f FileStore) load() (map[string]string, error) {
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", f.Path, err)
	}
	keys := map[string]string{}
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, fmt.Errorf("key file %s is damaged (%v): delete it and enter the key again", f.Path, err)
	}
	return keys, nil
}

// Get implements KeyStore.
func (f FileStore) Get(url string) (secret.Key, error) {
	keys, err := f.load()
	if err != nil {
		return secret.Key{}, err
	}
	value, ok := keys[normaliseAccount(url)]
	if !ok || value == "" {
		return secret.Key{}, ErrNoKey
	}
	return secret.New(value), nil
}

// Set implements KeyStore.
func (f FileStore) Set(url string, key secret.Key) error {
	keys, err := f.load()
	if err != nil {
		return err
	}
	keys[normaliseAccount(url)] = key.Reveal()
	return f.save(keys)
}

// Delete implements KeyStore.
func (f FileStore) Delete(url string) error {
	keys, err := f.load()
	if err != nil {
		return err
	}
	delete(keys, normaliseAccount(url))
	return f.save(keys)
}

func (f FileStore) save(keys map[string]string) error {
	data, err := json.MarshalIndent(keys, "", "  ")
	if err != nil {
		return fmt.Errorf("encode key file: %w", err)
	}
	if err := atomicfile.Write(f.Path, data, 0o600); err != nil {
		return fmt.Errorf("save key file: %w", err)
	}
	return nil
}

// normaliseAccount makes https://misp.example.org/ and
// https://misp.example.org the same account.
func normaliseAccount(url string) string {
	return strings.TrimRight(strings.TrimSpace(url), "/")
}

// DefaultKeyStore returns the OS keyring when one answers, otherwise a
// FileStore in the config directory. MISPBUMP_KEYSTORE=file forces the
// file, which tests and headless servers use.
func DefaultKeyStore() KeyStore {
	file := FileStore{Path: filepath.Join(DefaultConfigDir(), "keys.json")}
	if os.Getenv("MISPBUMP_KEYSTORE") == "file" {
		return file
	}
	if ring, ok := osKeyring(); ok {
		return ring
	}
	return file
}

// resolveKey fills Key and KeySource. The order follows the general rule,
// flags before the environment before the file: a key file named on the
// command line, then MISPBUMP_MISP_KEY and MISP_KEY, then the key file of
// the configuration, then the key store. A key in MISP_KEY, which other
// MISP tools also read, may belong to another MISP, so an explicit flag
// must win over it.
func (c *Config) resolveKey(store KeyStore, keyFileFlag bool) error {
	if keyFileFlag && c.KeyFile != "" {
		return c.readKeyFile()
	}
	for _, name := range keyEnv {
		if value := strings.TrimSpace(os.Getenv(name)); value != "" {
			c.Key, c.KeySource = secret.New(value), "the environment variable "+name
			return nil
		}
	}
	if c.KeyFile != "" {
		return c.readKeyFile()
	}
	if store == nil || c.MISPURL == "" {
		return nil
	}
	key, err := store.Get(c.MISPURL)
	if errors.Is(err, ErrNoKey) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the API key from %s: %w", store.Describe(), err)
	}
	c.Key, c.KeySource = key, store.Describe()
	return nil
}

func (c *Config) readKeyFile() error {
	key, err := ReadKeyFile(c.KeyFile)
	if err != nil {
		// A key file that moved must not lock the admin out of the
		// commands that need no key (history) or that store a new one
		// (login): the problem is reported when a MISP client is needed.
		c.KeyProblem = err
		return nil
	}
	c.Key, c.KeySource = key, "the file "+c.KeyFile
	return nil
}

// ReadKeyFile reads an API key from the first non-empty line of path.
func ReadKeyFile(path string) (secret.Key, error) {
	if secret.IsKeyShaped(path) {
		return secret.Key{}, errors.New("the API key file name looks like an API key itself: " +
			"put the key into a file and give the file's name (--misp-key-file, misp.key_file)")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return secret.Key{}, fmt.Errorf("read API key file %s: %w", secret.Quote(path), unwrapPath(err))
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return secret.New(line), nil
		}
	}
	return secret.Key{}, fmt.Errorf("API key file %s is empty: put your MISP API key on its first line", path)
}

// KeyAlphabet is the set of characters a MISP API key is made of; keys
// are exactly 40 of them.
const KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// unwrapPath drops the path from an *os.PathError, which the caller
// prints itself after checking that it does not look like a key.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
