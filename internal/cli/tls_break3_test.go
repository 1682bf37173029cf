package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// startTLSSim starts a simulator with a self-signed certificate and
// returns its URL, the file with its admin key and its fingerprint.
func startTLSSim(t *testing.T) (string, string, string) {
	t.Helper()
	dir := t.TempDir()
	sim, err := mispsim.New(mispsim.Options{DataDir: dir, OrgName: "Example CERT T", OrgUUID: "5f1b8c2e-0000-4000-8000-00000000000c", TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	info, err := misp.ProbeTLS(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	return url, filepath.Join(dir, "admin.key"), info.Fingerprint()
}

// login is the command that saves --misp-pin, and the first one a new
// admin runs, so on a self-signed MISP its error must show the
// fingerprint to pin.
func TestBreak3LoginShowsFingerprint(t *testing.T) {
	home := isolateConfig(t)
	url, keyFile, pin := startTLSSim(t)
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	status, _, errOut := run(t, home, string(key), "login", "--misp-url", url)
	if status != ExitFailure {
		t.Fatalf("login exit status %d, want %d: %s", status, ExitFailure, errOut)
	}
	if !strings.Contains(errOut, pin) {
		t.Errorf("login error does not show the fingerprint %s: %s", pin, errOut)
	}
}

// With a CA file that does not sign the certificate, profile advises the
// admin to pass --misp-pin, and following that advice must work although
// the configuration file still names the CA file.
func TestBreak3PinAdviceWorksWithCAFile(t *testing.T) {
	home := isolateConfig(t)
	url, keyFile, pin := startTLSSim(t)
	otherDir := t.TempDir()
	otherSim, err := mispsim.New(mispsim.Options{DataDir: otherDir, OrgName: "Example CERT U", OrgUUID: "5f1b8c2e-0000-4000-8000-00000000000d", TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := otherSim.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = otherSim.Close() })
	otherCA := filepath.Join(otherDir, "tls-cert.pem")
	config := filepath.Join(home, "config.yaml")
	yaml := "misp:\n  url: " + url + "\n  ca_file: " + otherCA + "\n"
	if err := os.WriteFile(config, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}

	_, _, errOut := run(t, home, "", "profile", "--config", config, "--misp-key-file", keyFile)
	if !strings.Contains(errOut, "Pass --misp-pin "+pin) {
		t.Fatalf("profile gave no pin advice: %s", errOut)
	}
	status, _, errOut := run(t, home, "", "profile", "--config", config, "--misp-key-file", keyFile, "--misp-pin", pin)
	if status != 0 {
		t.Errorf("following the advice (--misp-pin %s) fails: %s", pin, errOut)
	}
}

// A pin with an http URL, where no certificate is checked, is rejected,
// so the admin does not believe the connection is pinned.
func TestBreak3LoginRejectsPinForHTTP(t *testing.T) {
	home := isolateConfig(t)
	sim, err := mispsim.New(mispsim.Options{DataDir: t.TempDir(), OrgName: "Example CERT H", OrgUUID: "5f1b8c2e-0000-4000-8000-00000000000e"})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	pin := strings.Repeat("AB", 32)
	status, out, errOut := run(t, home, sim.AdminKey().Reveal()+"\n", "login", "--misp-url", url, "--misp-pin", pin)
	if status == 0 || !strings.Contains(errOut, "plain http URL has no certificate to check") {
		t.Errorf("login with an http URL and --misp-pin: status %d, output %q, errors %q", status, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "config", "config.yaml")); err == nil {
		t.Error("login saved the configuration although it failed")
	}
}
