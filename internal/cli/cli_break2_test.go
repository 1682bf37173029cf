package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/config"
)

// isolateConfig points the default configuration into a temporary
// directory, clears the variables that carry a URL or a key, and returns
// the directory.
func isolateConfig(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("MISPBUMP_CONFIG_DIR", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	for _, name := range []string{"MISPBUMP_MISP_URL", "MISPBUMP_MISP_KEY", "MISP_URL", "MISP_KEY", "MISPBUMP_CONFIG"} {
		t.Setenv(name, "")
	}
	return home
}

func run(t *testing.T, home, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status := Execute(context.Background(), args, Streams{In: strings.NewReader(stdin), Out: &out, Err: &errOut},
		Options{KeyStore: config.FileStore{Path: filepath.Join(home, "keys.json")}})
	return status, out.String(), errOut.String()
}

// docs/cli.md: bump --json prints its result once at the end, and a bump
// that stopped before creating anything reports "failed" with the
// reason. A configuration that cannot be read is such a failure (exit
// status 1), so a script must still get JSON on standard output.
func TestBreak2BumpJSONConfigError(t *testing.T) {
	home := isolateConfig(t)
	for name, yaml := range map[string]string{
		"timeout":  "misp:\n  url: https://misp.example.org\n  timeout: soon\n",
		"key_file": "misp:\n  url: https://misp.example.org\n  key_file: " + filepath.Join(home, "gone.key") + "\n",
	} {
		file := filepath.Join(home, name+".yaml")
		if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		status, out, errOut := run(t, home, "", "bump", "--json", "--config", file, "--role", "initiator",
			"--out", filepath.Join(home, "out"), "--in", filepath.Join(home, "in"), "--timeout", "2s")
		if status != ExitFailure {
			t.Errorf("%s: exit status %d, want %d (%s)", name, status, ExitFailure, errOut)
		}
		var result map[string]any
		if err := json.Unmarshal([]byte(out), &result); err != nil {
			t.Errorf("%s: standard output is not JSON (%v): %q, and standard error: %s", name, err, out, errOut)
			continue
		}
		if result["status"] != "failed" || result["error"] == "" {
			t.Errorf("%s: status %v, error %v", name, result["status"], result["error"])
		}
	}
}

// A key_file in config.yaml may no longer exist, because the app saved a
// key file given for one run or the file moved. That must not lock the
// admin out. login is the command that stores a new key, and history
// needs no key.
func TestBreak2MissingKeyFileBlocksLogin(t *testing.T) {
	home := isolateConfig(t)
	file := filepath.Join(home, "config", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	yaml := "misp:\n  url: https://misp.example.org\n  key_file: simD/admin.key\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("k", 40)
	if status, _, errOut := run(t, home, key+"\n", "login", "--no-check", "--misp-url", "https://misp.example.org"); status != ExitOK {
		t.Errorf("login: exit status %d: %s", status, errOut)
	}
	if status, _, errOut := run(t, home, "", "history"); status != ExitOK {
		t.Errorf("history: exit status %d: %s", status, errOut)
	}
}
