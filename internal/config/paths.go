package config

import (
	"os"
	"path/filepath"
	"runtime"
)

// appDir is the folder name used inside the user's config and data
// directories.
const appDir = "mispbump"

// DefaultConfigDir returns the user's config directory for mispbump
// ($XDG_CONFIG_HOME/mispbump on Linux, ~/Library/Application
// Support/mispbump on macOS). MISPBUMP_CONFIG_DIR overrides it.
func DefaultConfigDir() string {
	if dir := os.Getenv("MISPBUMP_CONFIG_DIR"); dir != "" {
		return dir
	}
	base, err := os.UserConfigDir()
	if err != nil {
		base = "."
	}
	return filepath.Join(base, appDir)
}

// DefaultDataDir returns where the history lives by default:
// $XDG_DATA_HOME/mispbump (or ~/.local/share/mispbump) on Linux, the
// config directory elsewhere.
func DefaultDataDir() string {
	if runtime.GOOS == "linux" {
		if dir := os.Getenv("XDG_DATA_HOME"); dir != "" {
			return filepath.Join(dir, appDir)
		}
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "share", appDir)
		}
	}
	return DefaultConfigDir()
}
