package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/secret"
)

// A pin given as a flag replaces a CA file from the configuration file,
// and a CA file given as a flag replaces a pin, because the two exclude
// each other and flags come first.
func TestTLSFlagReplacesFileSetting(t *testing.T) {
	dir := isolate(t)
	pin := strings.Repeat("AB", 32)
	file := filepath.Join(dir, "config", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	yaml := "misp:\n  url: https://misp.example.org\n  ca_file: /etc/ssl/misp-ca.pem\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	store := FileStore{Path: filepath.Join(dir, "keys.json")}
	cfg, err := Load(flags(t, "--misp-pin", pin), store)
	if err != nil {
		t.Fatalf("Load with --misp-pin: %v", err)
	}
	if cfg.CAFile != "" || FormatPin(cfg.PinSHA256) != FormatPin(mustHex(t, pin)) {
		t.Errorf("with --misp-pin: CA file %q, pin %x", cfg.CAFile, cfg.PinSHA256)
	}

	yaml = "misp:\n  url: https://misp.example.org\n  pin_sha256: " + pin + "\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(flags(t, "--misp-ca-file", "/tmp/ca.pem"), store)
	if err != nil {
		t.Fatalf("Load with --misp-ca-file: %v", err)
	}
	if cfg.CAFile != "/tmp/ca.pem" || cfg.PinSHA256 != nil {
		t.Errorf("with --misp-ca-file: CA file %q, pin %x", cfg.CAFile, cfg.PinSHA256)
	}
}

// A pin or a CA file for a plain http URL is rejected before any call.
func TestTLSSettingsNeedHTTPS(t *testing.T) {
	key := secret.New(strings.Repeat("k", 40))
	for name, cfg := range map[string]Config{
		"pin":     {MISPURL: "http://127.0.0.1:8081", Key: key, PinSHA256: mustHex(t, strings.Repeat("AB", 32))},
		"CA file": {MISPURL: "http://127.0.0.1:8081", Key: key, CAFile: "/tmp/ca.pem"},
	} {
		_, err := cfg.MISPClient(nil)
		if err == nil || !strings.Contains(err.Error(), "plain http URL has no certificate to check") {
			t.Errorf("%s with an http URL: %v", name, err)
		}
	}
	ok := Config{MISPURL: "https://127.0.0.1:8443", Key: key, PinSHA256: mustHex(t, strings.Repeat("AB", 32))}
	if _, err := ok.MISPClient(nil); err != nil {
		t.Errorf("pin with an https URL: %v", err)
	}
}
