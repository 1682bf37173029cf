package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/mispbump/mispbump/internal/secret"
)

const testKey = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wxyz"

// isolate points every default location into a temporary directory and
// clears the environment variables Load reads.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("MISPBUMP_CONFIG_DIR", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	for _, name := range append(append([]string{"MISPBUMP_CONFIG"}, urlEnv...), keyEnv...) {
		t.Setenv(name, "")
	}
	return dir
}

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	Flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return fs
}

func TestLoadDefaults(t *testing.T) {
	dir := isolate(t)
	cfg, err := Load(flags(t), FileStore{Path: filepath.Join(dir, "keys.json")})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.MISPURL != "" || !cfg.Key.IsZero() {
		t.Errorf("defaults carry a URL %q or a key", cfg.MISPURL)
	}
	if !cfg.Pull || !cfg.Push {
		t.Errorf("default directions pull=%v push=%v, want both", cfg.Pull, cfg.Push)
	}
	if cfg.Timeout.Seconds() != 30 {
		t.Errorf("default timeout %v, want 30s", cfg.Timeout)
	}
	if want := filepath.Join(dir, "data", "mispbump"); cfg.DataDir != want {
		t.Errorf("DataDir = %q, want %q", cfg.DataDir, want)
	}
}

func TestLoadPriority(t *testing.T) {
	dir := isolate(t)
	file := filepath.Join(dir, "c.yaml")
	yaml := "misp:\n  url: https://from-file.example\n  timeout: 5s\nsync:\n  pull: false\n  email: sync@a.example\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	store := FileStore{Path: filepath.Join(dir, "keys.json")}

	cfg, err := Load(flags(t, "--config", file), store)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.MISPURL != "https://from-file.example" || cfg.Pull || cfg.SyncEmail != "sync@a.example" {
		t.Errorf("file values not applied: %+v", cfg)
	}

	t.Setenv("MISP_URL", "https://fallback-env.example")
	cfg, _ = Load(flags(t, "--config", file), store)
	if cfg.MISPURL != "https://fallback-env.example" {
		t.Errorf("MISP_URL not applied: %q", cfg.MISPURL)
	}
	t.Setenv("MISPBUMP_MISP_URL", "https://env.example")
	cfg, _ = Load(flags(t, "--config", file), store)
	if cfg.MISPURL != "https://env.example" {
		t.Errorf("MISPBUMP_MISP_URL does not win over MISP_URL: %q", cfg.MISPURL)
	}
	cfg, _ = Load(flags(t, "--config", file, "--misp-url", "https://flag.example"), store)
	if cfg.MISPURL != "https://flag.example" {
		t.Errorf("flag does not win over the environment: %q", cfg.MISPURL)
	}
}

func TestLoadExplicitMissingFile(t *testing.T) {
	dir := isolate(t)
	_, err := Load(flags(t, "--config", filepath.Join(dir, "absent.yaml")), nil)
	if err == nil || !strings.Contains(err.Error(), "absent.yaml") {
		t.Fatalf("missing --config file: err = %v, want one naming the file", err)
	}
}

func TestLoadRejectsBadValues(t *testing.T) {
	cases := map[string]string{
		"url":     "misp:\n  url: misp.example.org\n",
		"timeout": "misp:\n  timeout: soon\n",
		"pin":     "misp:\n  pin_sha256: abc\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			dir := isolate(t)
			file := filepath.Join(dir, "c.yaml")
			if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(flags(t, "--config", file), nil); err == nil {
				t.Fatalf("Load accepted %q", body)
			}
		})
	}
}

func TestKeyResolutionOrder(t *testing.T) {
	dir := isolate(t)
	store := FileStore{Path: filepath.Join(dir, "keys.json")}
	url := "https://misp.example.org"
	stored := testKey[:39] + "S"
	if err := store.Set(url+"/", secret.New(stored)); err != nil {
		t.Fatal(err)
	}

	cfg, err := Load(flags(t, "--misp-url", url), store)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Key.Reveal() != stored || !strings.Contains(cfg.KeySource, "keys.json") {
		t.Errorf("key from store: source %q", cfg.KeySource)
	}

	keyFile := filepath.Join(dir, "key.txt")
	fileKey := testKey[:39] + "F"
	if err := os.WriteFile(keyFile, []byte("\n  "+fileKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ = Load(flags(t, "--misp-url", url, "--misp-key-file", keyFile), store)
	if cfg.Key.Reveal() != fileKey {
		t.Errorf("--misp-key-file does not win over the store (source %q)", cfg.KeySource)
	}

	t.Setenv("MISP_KEY", testKey)
	cfg, _ = Load(flags(t, "--misp-url", url, "--misp-key-file", keyFile), store)
	if cfg.Key.Reveal() != fileKey {
		t.Errorf("MISP_KEY beats --misp-key-file: source %q", cfg.KeySource)
	}
	cfg, _ = Load(flags(t, "--misp-url", url), store)
	if cfg.Key.Reveal() != testKey || cfg.KeySource != "the environment variable MISP_KEY" {
		t.Errorf("MISP_KEY does not beat the key store: source %q", cfg.KeySource)
	}

	file := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(file, []byte("misp:\n  key_file: "+keyFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ = Load(flags(t, "--config", file, "--misp-url", url), store)
	if cfg.Key.Reveal() != testKey {
		t.Errorf("the configuration's key_file beats MISP_KEY: source %q", cfg.KeySource)
	}
}

func TestSaveWritesNoKey(t *testing.T) {
	dir := isolate(t)
	cfg := &Config{
		MISPURL: "https://misp.example.org", Key: secret.New(testKey),
		PinSHA256: make([]byte, 32), Pull: true, SyncEmail: "s@a.example",
		File: filepath.Join(dir, "cfg", "config.yaml"),
	}
	if err := cfg.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	data, err := os.ReadFile(cfg.File)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), testKey) {
		t.Error("config file contains the API key")
	}
	info, _ := os.Stat(cfg.File)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("config file mode %v, want 0600", info.Mode().Perm())
	}

	again, err := Load(flags(t, "--config", cfg.File), nil)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if again.MISPURL != cfg.MISPURL || again.Push || !again.Pull || len(again.PinSHA256) != 32 {
		t.Errorf("reloaded config differs: %+v", again)
	}
}

func TestParsePin(t *testing.T) {
	want := strings.Repeat("AB", 32)
	forms := []string{
		want,
		strings.ToLower(want),
		"sha256 Fingerprint=" + FormatPin(mustHex(t, want)),
		"SHA256:" + strings.ToLower(want),
		FormatPin(mustHex(t, want)),
	}
	for _, form := range forms {
		pin, err := ParsePin(form)
		if err != nil {
			t.Errorf("ParsePin(%q): %v", form, err)
			continue
		}
		if FormatPin(pin) != FormatPin(mustHex(t, want)) {
			t.Errorf("ParsePin(%q) = %x", form, pin)
		}
	}
	for _, bad := range []string{"", "zz", strings.Repeat("AB", 31)} {
		if _, err := ParsePin(bad); err == nil {
			t.Errorf("ParsePin(%q) accepted", bad)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	pin, err := ParsePin(s)
	if err != nil {
		t.Fatal(err)
	}
	return pin
}

func TestFileStoreRoundTrip(t *testing.T) {
	store := FileStore{Path: filepath.Join(t.TempDir(), "k", "keys.json")}
	if _, err := store.Get("https://a.example"); err != ErrNoKey {
		t.Fatalf("Get on empty store: %v, want ErrNoKey", err)
	}
	if err := store.Set("https://a.example", secret.New(testKey)); err != nil {
		t.Fatal(err)
	}
	got, err := store.Get("https://a.example/")
	if err != nil || got.Reveal() != testKey {
		t.Fatalf("Get after Set: %v", err)
	}
	info, _ := os.Stat(store.Path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	if err := store.Delete("https://a.example"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get("https://a.example"); err != ErrNoKey {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := os.WriteFile(store.Path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get("https://a.example"); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged key file: %v", err)
	}
}

func TestKeyInWrongSettingNotEchoed(t *testing.T) {
	settings := map[string]string{
		"url":      "misp:\n  url: " + testKey + "\n",
		"timeout":  "misp:\n  timeout: " + testKey + "\n",
		"pin":      "misp:\n  pin_sha256: " + testKey + "\n",
		"key_file": "misp:\n  url: https://misp.example.org\n  key_file: " + testKey + "\n",
	}
	for name, body := range settings {
		t.Run(name, func(t *testing.T) {
			dir := isolate(t)
			file := filepath.Join(dir, "c.yaml")
			if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(flags(t, "--config", file), nil)
			if err == nil && cfg.KeyProblem != nil {
				// A key file problem waits until a client is needed.
				_, err = cfg.MISPClient(nil)
			}
			if err == nil {
				t.Fatal("Load accepted a key in the wrong setting")
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}
