package misp

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// testKey has the form of a MISP key: 40 letters and digits.
const testKey = "mispbumpTestKey0123456789abcdefghijklmno"

// newTestClient builds a client for a test server with fast retries.
// Options may change the config before New.
func newTestClient(t *testing.T, baseURL string, options ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		URL:          baseURL,
		Key:          secret.New(testKey),
		RetryBackoff: time.Millisecond,
		Timeout:      5 * time.Second,
	}
	for _, option := range options {
		option(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// recordedRequest is what a test server saw.
type recordedRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// recorder wraps a handler and keeps every request it serves.
type recorder struct {
	mu       sync.Mutex
	requests []recordedRequest
	handler  http.Handler
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, recordedRequest{
		Method: req.Method, Path: req.URL.EscapedPath(), Header: req.Header.Clone(), Body: body,
	})
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	r.handler.ServeHTTP(w, req)
}

func (r *recorder) all() []recordedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedRequest(nil), r.requests...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

// serve starts a loopback server for handler and returns its recorder.
func serve(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{handler: handler}
	server := httptest.NewServer(rec)
	t.Cleanup(server.Close)
	return server, rec
}

// reply writes a status, a content type and a body.
func reply(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

const jsonType = "application/json; charset=UTF-8"

// asError extracts the *Error or fails the test.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded, expected an error")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T (%v) is not an *Error", err, err)
	}
	return e
}

// captureLogs returns a debug-level logger and the buffer it writes to.
func captureLogs() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

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
