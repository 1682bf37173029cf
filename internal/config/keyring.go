//go:build !android && !ios

package config

import (
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/mispbump/mispbump/internal/secret"
)

// keyringService is the service name under which keys are stored.
const keyringService = "mispbump"

// keyringStore is a KeyStore backed by the OS keyring (Secret Service
// on Linux, Keychain on macOS).
type keyringStore struct{}

// osKeyring returns the OS keyring if it answers a lookup within two
// seconds. On a headless Linux without a Secret Service the lookup fails
// or hangs on D-Bus, and the caller falls back to the file.
func osKeyring() (KeyStore, bool) {
	result := make(chan error, 1)
	go func() {
		_, err := keyring.Get(keyringService, "mispbump-probe")
		result <- err
	}()
	select {
	case err := <-result:
		if err == nil || errors.Is(err, keyring.ErrNotFound) {
			return keyringStore{}, true
		}
		return nil, false
	case <-time.After(2 * time.Second):
		return nil, false
	}
}

func (keyringStore) Describe() string { return "the OS keyring" }

func (keyringStore) Get(url string) (secret.Key, error) {
	value, err := keyring.Get(keyringService, normaliseAccount(url))
	if errors.Is(err, keyring.ErrNotFound) {
		return secret.Key{}, ErrNoKey
	}
	if err != nil {
		return secret.Key{}, fmt.Errorf("OS keyring: %w", err)
	}
	return secret.New(value), nil
}

func (keyringStore) Set(url string, key secret.Key) error {
	if err := keyring.Set(keyringService, normaliseAccount(url), key.Reveal()); err != nil {
		return fmt.Errorf("store the API key in the OS keyring: %w", err)
	}
	return nil
}

func (keyringStore) Delete(url string) error {
	err := keyring.Delete(keyringService, normaliseAccount(url))
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete the API key from the OS keyring: %w", err)
	}
	return nil
}
