package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/secret"
)

// A named pipe in --in whose name ends in .txt must not stop the bump.
// os.ReadFile on it waits for a writer forever. The poll loop then never
// reaches its check of the context, so --timeout and Ctrl-C fail too.
func TestBreakInboxSkipsNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "01-hello.txt"), 0o600); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	in := newInbox(dir, slog.New(slog.DiscardHandler))
	done := make(chan struct{})
	go func() {
		in.poll(io.Discard)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		// Open the pipe for writing once so the blocked reader returns
		// and the test process can end.
		if f, err := os.OpenFile(filepath.Join(dir, "01-hello.txt"), os.O_WRONLY, 0); err == nil {
			_ = f.Close()
		}
		t.Fatal("poll is still reading a named pipe after 3 s")
	}
}

// The command line is wrong in both cases, so the exit status is 2.
func TestBreakUnknownCommandExitsTwo(t *testing.T) {
	for _, args := range [][]string{{"bumpp"}, {"history", "extra"}} {
		var out, errOut bytes.Buffer
		status := Execute(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errOut},
			Options{KeyStore: config.FileStore{Path: filepath.Join(t.TempDir(), "keys.json")}})
		if status != ExitUsage {
			t.Errorf("mispbump %s: exit status %d, want %d (%s)", strings.Join(args, " "), status, ExitUsage, errOut.String())
		}
	}
}

// --log-level changes one run, and the default data directory follows
// XDG_DATA_HOME. login must write neither into config.yaml, where they
// would apply to every later run.
func TestBreakLoginSavesOnlyItsSettings(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISPBUMP_CONFIG_DIR", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	for _, name := range []string{"MISPBUMP_MISP_URL", "MISPBUMP_MISP_KEY", "MISP_URL", "MISP_KEY", "MISPBUMP_CONFIG"} {
		t.Setenv(name, "")
	}
	key := strings.Repeat("k", 40)
	var out, errOut bytes.Buffer
	status := Execute(context.Background(),
		[]string{"login", "--no-check", "--misp-url", "https://misp.example.org", "--log-level", "debug"},
		Streams{In: strings.NewReader(key + "\n"), Out: &out, Err: &errOut},
		Options{KeyStore: config.FileStore{Path: filepath.Join(home, "keys.json")}})
	if status != ExitOK {
		t.Fatalf("login: exit status %d: %s", status, errOut.String())
	}
	saved, err := os.ReadFile(filepath.Join(home, "config", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(saved), "debug") {
		t.Errorf("login saved the one-run log level:\n%s", saved)
	}
	if strings.Contains(string(saved), "data_dir") {
		t.Errorf("login froze the default data directory, so XDG_DATA_HOME no longer applies:\n%s", saved)
	}
}

// docs/cli.md ranks flags above the environment. A key in MISP_KEY, the
// variable other MISP tools use, must not replace the key file named on
// the command line, because it may belong to another MISP and is sent to
// this one.
func TestBreakKeyFileFlagBeatsEnvironment(t *testing.T) {
	home := t.TempDir()
	t.Setenv("MISPBUMP_CONFIG_DIR", filepath.Join(home, "config"))
	t.Setenv("MISPBUMP_MISP_KEY", "")
	t.Setenv("MISP_KEY", strings.Repeat("e", 40))
	keyFile := filepath.Join(home, "misp.key")
	fileKey := strings.Repeat("f", 40)
	if err := os.WriteFile(keyFile, []byte(fileKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := &Env{streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errOut},
		keyStore: config.FileStore{Path: filepath.Join(home, "keys.json")}}
	root := newRoot(context.Background(), env.streams, Options{KeyStore: env.keyStore})
	cmd, _, err := root.Find([]string{"history"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags([]string{"--misp-url", "https://misp.example.org", "--misp-key-file", keyFile}); err != nil {
		t.Fatal(err)
	}
	if err := env.load(cmd); err != nil {
		t.Fatal(err)
	}
	if !env.Config.Key.Equal(secret.New(fileKey)) {
		t.Errorf("the key came from %s, not from --misp-key-file", env.Config.KeySource)
	}
}
