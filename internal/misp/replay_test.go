package misp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The recordings in testdata/recordings are request/response pairs
// captured from two running MISP 2.5.1 instances, with keys replaced by
// placeholders of the same form (RedactedTestKey0001xxx…). The replay
// tests serve their responses to the client and check that each shape
// decodes into the typed results.

// recording is one captured request/response pair.
type recording struct {
	Name    string `json:"name"`
	Request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body_json"`
	} `json:"request"`
	Response struct {
		Status   int             `json:"status"`
		Headers  [][2]string     `json:"headers"`
		Body     json.RawMessage `json:"body_json"`
		BodyText *string         `json:"body_text"`
	} `json:"response"`
}

const recordingsDir = "testdata/recordings"

// loadRecording reads the recording whose file name starts with prefix
// followed by an underscore, such as "S07" or "36c".
func loadRecording(t *testing.T, prefix string) recording {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(recordingsDir, prefix+"_*.json"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("recording %s: found %d files (%v)", prefix, len(matches), err)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	var rec recording
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("recording %s: %v", prefix, err)
	}
	return rec
}

// replayer serves recorded responses in order and checks that each
// request has the recorded method and path.
type replayer struct {
	t *testing.T

	// checkAuth requires the recorded Authorization header, for tests
	// that use the recorded placeholder keys.
	checkAuth bool

	mu       sync.Mutex
	queue    []recording
	bodies   map[string][]byte // request body sent for each recording
	requests []recordedRequest // every request, in order
}

func (p *replayer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	if len(p.queue) == 0 {
		p.mu.Unlock()
		p.t.Errorf("unexpected request %s %s: no recording left", r.Method, r.URL.Path)
		http.Error(w, "no recording left", http.StatusTeapot)
		return
	}
	rec := p.queue[0]
	p.queue = p.queue[1:]
	body, _ := io.ReadAll(r.Body)
	p.bodies[rec.Name] = body
	p.requests = append(p.requests, recordedRequest{
		Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body,
	})
	p.mu.Unlock()

	if r.Method != rec.Request.Method || r.URL.EscapedPath() != rec.Request.Path {
		p.t.Errorf("%s: client sent %s %s, the recording has %s %s",
			rec.Name, r.Method, r.URL.EscapedPath(), rec.Request.Method, rec.Request.Path)
	}
	if r.Header.Get("Accept") != "application/json" {
		p.t.Errorf("%s: Accept = %q", rec.Name, r.Header.Get("Accept"))
	}
	if p.checkAuth && r.Header.Get("Authorization") != rec.Request.Headers["Authorization"] {
		p.t.Errorf("%s: the client sent another key than the recorded request", rec.Name)
	}

	for _, header := range rec.Response.Headers {
		switch header[0] {
		case "Content-Type", "Location", "Set-Cookie", "Retry-After":
			w.Header().Add(header[0], header[1])
		}
	}
	w.WriteHeader(rec.Response.Status)
	if rec.Response.BodyText != nil {
		_, _ = io.WriteString(w, *rec.Response.BodyText)
		return
	}
	_, _ = w.Write(rec.Response.Body)
}

// remaining reports recordings that were not requested.
func (p *replayer) remaining() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for _, rec := range p.queue {
		names = append(names, rec.Name)
	}
	return names
}

// sentBody returns the body the client sent for a recording.
func (p *replayer) sentBody(name string) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bodies[name]
}

// replay starts a server that responds with the given recordings in
// order, and returns a client for it. At the end of the test every
// recording must have been requested.
func replay(t *testing.T, prefixes ...string) (*Client, *replayer) {
	t.Helper()
	p, url := startReplayer(t, false, prefixes...)
	return newTestClient(t, url, func(c *Config) { c.MaxRetries = -1 }), p
}

// startReplayer starts a replaying server and returns it with its URL.
func startReplayer(t *testing.T, checkAuth bool, prefixes ...string) (*replayer, string) {
	t.Helper()
	p := &replayer{t: t, checkAuth: checkAuth, bodies: map[string][]byte{}}
	for _, prefix := range prefixes {
		p.queue = append(p.queue, loadRecording(t, prefix))
	}
	server := httptest.NewServer(p)
	t.Cleanup(func() {
		server.Close()
		if left := p.remaining(); len(left) > 0 {
			t.Errorf("recordings not requested: %v", left)
		}
	})
	return p, server.URL
}

// checkSameMembers compares the client's request body with the recorded
// one on every member both contain, so a replayed response is known to
// belong to an equivalent request.
func checkSameMembers(t *testing.T, name string, sent []byte, recorded json.RawMessage) {
	t.Helper()
	var ours, theirs map[string]any
	if err := json.Unmarshal(sent, &ours); err != nil {
		t.Fatalf("%s: request body %s is not an object: %v", name, sent, err)
	}
	if err := json.Unmarshal(recorded, &theirs); err != nil {
		t.Fatalf("%s: recorded body is not an object: %v", name, err)
	}
	var shared []string
	for key, value := range theirs {
		mine, ok := ours[key]
		if !ok {
			continue
		}
		shared = append(shared, key)
		a, _ := json.Marshal(mine)
		b, _ := json.Marshal(value)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: member %s = %s, the recording sent %s", name, key, a, b)
		}
	}
	sort.Strings(shared)
	if len(shared) == 0 {
		t.Errorf("%s: no member in common with the recorded request", name)
	}
}

// TestRecordingsAllReplayed checks that every recording copied into
// testdata is used by a replay test, so none is kept without a check.
func TestRecordingsAllReplayed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(recordingsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range replayCases {
		used[c.recording] = true
	}
	for _, prefix := range scenarioRecordings {
		used[prefix] = true
	}
	for _, sc := range specCases {
		used[sc.recording] = true
	}
	for _, prefix := range describeRecordings {
		used[prefix] = true
	}
	for _, file := range files {
		prefix, _, _ := strings.Cut(filepath.Base(file), "_")
		if !used[prefix] {
			t.Errorf("recording %s is not replayed by any test", filepath.Base(file))
		}
	}
	t.Logf("replay tests cover %d recordings", len(files))
}
