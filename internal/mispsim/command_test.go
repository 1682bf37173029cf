package mispsim

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutine and the
// test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestCommandUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		args []string
		want string
	}{
		"missing data":      {[]string{"--listen", "127.0.0.1:0"}, "missing --data"},
		"unknown flag":      {[]string{"--data", dir, "--nope"}, "nope"},
		"extra argument":    {[]string{"--data", dir, "extra"}, `unexpected argument "extra"`},
		"bad log level":     {[]string{"--data", dir, "--log-level", "loud"}, `invalid --log-level "loud"`},
		"listen everywhere": {[]string{"--data", dir, "--listen", "0.0.0.0:0"}, "--allow-remote"},
		"listen by name":    {[]string{"--data", dir, "--listen", "example.org:8081"}, "not a loopback"},
		"no port":           {[]string{"--data", dir, "--listen", "127.0.0.1"}, "host:port"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Command(context.Background(), tc.args, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestCheckListenAddress(t *testing.T) {
	for addr, wantOK := range map[string]bool{
		"127.0.0.1:8081": true, "[::1]:8081": true, "localhost:8081": true, "127.8.0.1:1": true,
		"0.0.0.0:8081": false, ":8081": false, "192.0.2.1:8081": false,
	} {
		if err := checkListenAddress(addr, false); (err == nil) != wantOK {
			t.Errorf("checkListenAddress(%q) = %v, want ok %v", addr, err, wantOK)
		}
	}
	if err := checkListenAddress("0.0.0.0:8081", true); err != nil {
		t.Errorf("with --allow-remote: %v", err)
	}
}

// runCommand starts Command in the background and returns the base URL it
// printed, its stderr, and a function that stops it and returns the exit
// code.
func runCommand(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutReader, stdoutWriter := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Command(ctx, args, stdoutWriter, stderr)
		stdoutWriter.Close()
	}()

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdoutReader).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, stdoutReader)
	}()

	var url string
	select {
	case url = <-lines:
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("no URL on stdout; stderr: %s", stderr.String())
	}

	stop := func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("command did not stop after cancel")
			return -1
		}
	}
	return strings.TrimSpace(url), stderr, stop
}

func TestCommandServesAndStops(t *testing.T) {
	dir := t.TempDir()
	url, stderr, stop := runCommand(t, "--listen", "127.0.0.1:0", "--data", dir,
		"--org-name", "CERT Command", "--org-uuid", "5F6A0F9E-1B2C-4D3E-8F40-000000000C01",
		"--seed-orgs", "3", "--seed-users", "4")
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("printed %q, want http://127.0.0.1:PORT", url)
	}
	keyFile := filepath.Join(dir, adminKeyFileName)
	info, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("admin.key mode %v, want 0600", info.Mode().Perm())
	}
	raw, _ := os.ReadFile(keyFile)
	key := strings.TrimSpace(string(raw))

	req, _ := http.NewRequest(http.MethodGet, url+"/users/view/me", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"name":"CERT Command"`)) ||
		!bytes.Contains(body, []byte("5f6a0f9e-1b2c-4d3e-8f40-000000000c01")) {
		t.Errorf("users/view/me: %d %s", resp.StatusCode, body)
	}

	if code := stop(); code != exitOK {
		t.Errorf("exit code %d after cancel, want 0; stderr: %s", code, stderr.String())
	}
	logs := stderr.String()
	if strings.Contains(logs, key) {
		t.Error("stderr contains the admin key")
	}
	if !strings.Contains(logs, "path=/users/view/me status=200") {
		t.Errorf("stderr lacks the request log line: %s", logs)
	}

	// A restart with the same data keeps the identity and the key.
	url2, _, stop2 := runCommand(t, "--listen", "127.0.0.1:0", "--data", dir)
	defer stop2()
	req, _ = http.NewRequest(http.MethodGet, url2+"/servers/getSetting/MISP.baseurl", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"value":"`+url2+`"`)) {
		t.Errorf("after restart, MISP.baseurl response %d %s, want the new serving URL", resp.StatusCode, body)
	}
}

func TestCommandTLS(t *testing.T) {
	dir := t.TempDir()
	url, _, stop := runCommand(t, "--listen", "127.0.0.1:0", "--data", dir, "--tls")
	defer stop()
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("printed %q, want https://127.0.0.1:PORT", url)
	}
	certPEM, err := os.ReadFile(filepath.Join(dir, tlsCertFileName))
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConfigTrusting(t, certPEM)}}
	req, _ := http.NewRequest(http.MethodGet, url+"/servers/getPyMISPVersion", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("HTTPS with the stored certificate: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d without a key, want 403", resp.StatusCode)
	}
	untrusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{}}}
	if resp, err := untrusting.Do(req); err == nil {
		resp.Body.Close()
		t.Error("HTTPS without trusting the certificate succeeded")
	}
}
