package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/misp"
)

// binary is the mispbump executable under test.
var binary string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if path := os.Getenv("MISPBUMP_BIN"); path != "" {
		binary = path
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "mispbump-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "mispbump")
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	build := exec.Command("go", "build", "-o", binary, "./cmd/mispbump")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build mispbump:", err)
		return 1
	}
	return m.Run()
}

// freePort returns a loopback port that was free a moment ago, so a
// simulator can be restarted on the same address.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// simProc is a `mispbump sim` process.
type simProc struct {
	name, uuid, dir, listen string
	url                     string
	cmd                     *exec.Cmd
	client                  *misp.Client
}

func startSim(t *testing.T, name, uuid string) *simProc {
	t.Helper()
	s := &simProc{name: name, uuid: uuid, dir: t.TempDir(), listen: freePort(t)}
	s.start(t)
	return s
}

func (s *simProc) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(binary, "sim", "--listen", s.listen, "--data", s.dir, "--org-name", s.name, "--org-uuid", s.uuid)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s.cmd.Stderr = &logs
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start sim %s: %v", s.name, err)
	}
	t.Cleanup(func() { s.stop() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("sim %s printed no URL: %v\n%s", s.name, err, logs.String())
	}
	s.url = strings.TrimSpace(line)
	key, err := config.ReadKeyFile(s.keyFile())
	if err != nil {
		t.Fatal(err)
	}
	s.client, err = misp.New(misp.Config{URL: s.url, Key: key, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
}

func (s *simProc) keyFile() string { return filepath.Join(s.dir, "admin.key") }

// stop ends the simulator; kill says whether to SIGKILL it, as a crash.
func (s *simProc) stop() {
	if s.cmd == nil || s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func (s *simProc) kill() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// admin is one admin's mispbump: a data directory and a config pointing
// at a simulator.
type admin struct {
	sim  *simProc
	home string
}

func newAdmin(t *testing.T, s *simProc) *admin {
	return &admin{sim: s, home: t.TempDir()}
}

// command prepares `mispbump args...` for this admin.
func (a *admin) command(ctx context.Context, args ...string) *exec.Cmd {
	base := []string{"--misp-url", a.sim.url, "--misp-key-file", a.sim.keyFile(), "--data-dir", filepath.Join(a.home, "data")}
	cmd := exec.CommandContext(ctx, binary, append(base, args...)...)
	cmd.Env = append(os.Environ(),
		"HOME="+a.home, "MISPBUMP_KEYSTORE=file", "MISPBUMP_CONFIG_DIR="+filepath.Join(a.home, "config"),
		"MISPBUMP_MISP_URL=", "MISPBUMP_MISP_KEY=", "MISP_URL=", "MISP_KEY=")
	return cmd
}

// run is a finished or running process with its output.
type run struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	err            error
	done           chan struct{}
}

// start runs `mispbump args...` in the background; stdin, when not
// empty, is fed to the process.
func (a *admin) start(t *testing.T, stdin string, args ...string) *run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	r := &run{cmd: a.command(ctx, args...), done: make(chan struct{})}
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	r.cmd.Stdin = strings.NewReader(stdin)
	if err := r.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start mispbump %v: %v", args, err)
	}
	go func() {
		r.err = r.cmd.Wait()
		cancel()
		close(r.done)
	}()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

// interrupt stops a bump as Ctrl-C does (it undoes its changes) and
// waits for it.
func (r *run) interrupt() *run {
	_ = r.cmd.Process.Signal(syscall.SIGINT)
	return r.wait()
}

func (r *run) wait() *run {
	<-r.done
	return r
}

func (r *run) output() string {
	return "stdout:\n" + r.stdout.String() + "\nstderr:\n" + r.stderr.String()
}

// bumpArgs are the arguments of an automated bump.
func bumpArgs(role, out, in string, extra ...string) []string {
	args := []string{"bump", "--role", role, "--out", out, "--in", in, "--allow-private-url",
		"--timeout", "90s", "--verify-wait", "40s"}
	return append(args, extra...)
}

// bumpResult is the part of `bump --json` the tests read.
type bumpResult struct {
	Status  string `json:"status"`
	Changed bool   `json:"changed"`
	Code    string `json:"code"`
	Error   string `json:"error"`
}

func parseResult(t *testing.T, r *run) bumpResult {
	t.Helper()
	var res bumpResult
	if err := json.Unmarshal(r.stdout.Bytes(), &res); err != nil {
		t.Fatalf("bump --json output is not JSON: %v\n%s", err, r.output())
	}
	return res
}

// dirs makes the exchange directories of a bump.
func dirs(t *testing.T, names ...string) []string {
	t.Helper()
	base := t.TempDir()
	var out []string
	for _, n := range names {
		p := filepath.Join(base, n)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
