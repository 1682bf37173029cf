package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/config"
)

func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
}

// simControl calls the simulator's control API.
func simControl(t *testing.T, s *simProc, method, path, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	key, err := config.ReadKeyFile(s.keyFile())
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", key.Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	return data
}

func injectFault(t *testing.T, s *simProc, fault string) {
	t.Helper()
	simControl(t, s, "POST", "/_sim/faults", fault)
}

func waitForCount(t *testing.T, s *simProc, endpoint string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var counts map[string]int
		_ = json.Unmarshal(simControl(t, s, "GET", "/_sim/counts", ""), &counts)
		if counts[endpoint] >= n {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s was not called %d times", endpoint, n)
}

// relayText copies new .txt files from one directory to another until
// stop closes.
func relayText(from, to string, stop <-chan struct{}) {
	copied := map[string]bool{}
	for {
		entries, _ := os.ReadDir(from)
		for _, e := range entries {
			name := e.Name()
			if copied[name] || !strings.HasSuffix(name, ".txt") || strings.HasPrefix(name, ".") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(from, name))
			if err != nil {
				continue
			}
			tmp := filepath.Join(to, "."+name)
			if os.WriteFile(tmp, data, 0o644) == nil && os.Rename(tmp, filepath.Join(to, name)) == nil {
				copied[name] = true
			}
		}
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}
