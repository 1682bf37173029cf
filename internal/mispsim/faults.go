package mispsim

import (
	"cmp"
	"maps"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"time"
)

// FaultKind is the misbehaviour a fault causes in the request it matches.
type FaultKind string

const (
	// FaultStatus responds with Status (default 500) with Body, or with MISP's
	// exception body for that status when Body is empty.
	FaultStatus FaultKind = "status"
	// FaultHTML responds with Status (default 200) with an HTML page, such as a
	// login page or a proxy's error page, or Body when set.
	FaultHTML FaultKind = "html"
	// FaultDelay waits Delay, then responds normally.
	FaultDelay FaultKind = "delay"
	// FaultDrop closes the connection without a response.
	FaultDrop FaultKind = "drop"
)

// Fault makes matching requests misbehave. Every fault may also carry a
// Delay, which is waited before the fault acts.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string `json:"method,omitempty"`
	// Path matches the endpoint pattern (such as "/servers/add" or
	// "/organisations/view/{id}") or the request path, with path.Match
	// wildcards (such as "/organisations/view/*").
	Path string `json:"path"`
	// Nth is the matching call, counted from 1 since the fault was added,
	// at which the fault acts. 0 means the first.
	Nth int `json:"nth,omitempty"`
	// Repeat makes the fault act on the Nth matching call and every later
	// one.
	Repeat bool      `json:"repeat,omitempty"`
	Kind   FaultKind `json:"kind"`
	Status int       `json:"status,omitempty"`
	Body   string    `json:"body,omitempty"`
	// ContentType of Body. Default: JSON for FaultStatus, HTML for
	// FaultHTML.
	ContentType string        `json:"content_type,omitempty"`
	Delay       time.Duration `json:"delay,omitempty"`
	// AfterSave runs the real action first and discards its response, then
	// acts: MISP's 500 after a saved row, where the caller cannot tell
	// whether the change happened. With FaultDelay the response after the
	// delay is that 500.
	AfterSave bool `json:"after_save,omitempty"`
}

// FaultState is a fault with the number of calls it matched and the number
// of times it acted.
type FaultState struct {
	Fault
	Matched int `json:"matched"`
	Fired   int `json:"fired"`
}

type faultSet struct {
	mu     sync.Mutex
	faults []*FaultState
}

func (fs *faultSet) add(f Fault) {
	if f.Nth <= 0 {
		f.Nth = 1
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = append(fs.faults, &FaultState{Fault: f})
}

func (fs *faultSet) list() []FaultState {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]FaultState, 0, len(fs.faults))
	for _, f := range fs.faults {
		out = append(out, *f)
	}
	return out
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
}

// match counts the request against every fault and returns the first one
// that acts on it.
func (fs *faultSet) match(method, pattern, requestPath string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var hit *FaultState
	for _, f := range fs.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		byPattern, _ := path.Match(f.Path, pattern)
		byPath, _ := path.Match(f.Path, requestPath)
		if !byPattern && !byPath {
			continue
		}
		f.Matched++
		if hit == nil && (f.Matched == f.Nth || (f.Repeat && f.Matched > f.Nth)) {
			f.Fired++
			hit = f
		}
	}
	if hit == nil {
		return Fault{}, false
	}
	return hit.Fault, true
}

type countSet struct {
	mu     sync.Mutex
	counts map[string]int
}

func (cs *countSet) add(key string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.counts == nil {
		cs.counts = make(map[string]int)
	}
	cs.counts[key]++
}

func (cs *countSet) snapshot() map[string]int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return maps.Clone(cs.counts)
}

func (cs *countSet) reset() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.counts = nil
}

// InjectFault adds a fault. Faults act in the order they were added; a
// request hits at most one.
func (s *Sim) InjectFault(f Fault) {
	s.faults.add(f)
}

// Faults lists the faults with their match counts.
func (s *Sim) Faults() []FaultState {
	return s.faults.list()
}

// ClearFaults removes every fault.
func (s *Sim) ClearFaults() {
	s.faults.clear()
}

// Counts returns the number of requests per endpoint since start or the
// last Reset, keyed by method and pattern, for example
// "GET /admin/users/index" or "POST /servers/testConnection/{id}".
// Control requests under /_sim/ are not counted.
func (s *Sim) Counts() map[string]int {
	counts := s.counts.snapshot()
	if counts == nil {
		counts = map[string]int{}
	}
	return counts
}

// Reset clears faults and request counts. It leaves the MISP state alone.
func (s *Sim) Reset() {
	s.faults.clear()
	s.counts.reset()
}

// loginPage is the HTML a FaultHTML sends by default: what a client sees
// when a proxy or an expired session puts MISP's login page in place of
// JSON.
const loginPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Users - MISP</title></head>
<body>
<form action="/users/login" id="UserLoginForm" method="post" accept-charset="utf-8">
<legend>Login</legend>
<input name="data[User][email]" type="text" id="UserEmail">
<input name="data[User][password]" type="password" id="UserPassword">
<button type="submit">Login</button>
</form>
</body>
</html>
`

// applyFault makes the request misbehave as f specifies.
func (s *Sim) applyFault(w http.ResponseWriter, r *http.Request, rt route, f Fault) {
	s.log.Info("fault injected", "kind", f.Kind, "method", r.Method, "path", r.URL.Path)
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
	}
	if f.AfterSave {
		s.serveMISP(httptest.NewRecorder(), r, rt)
	}
	switch f.Kind {
	case FaultDrop:
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, _, err := hijacker.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
	case FaultStatus:
		status := cmp.Or(f.Status, http.StatusInternalServerError)
		if f.Body == "" {
			message := msgInternalError
			if status != http.StatusInternalServerError {
				message = http.StatusText(status)
			}
			writeJSON(w, status, exceptionBody(message, r.URL.Path))
			return
		}
		writeBody(w, status, cmp.Or(f.ContentType, jsonContentType), []byte(f.Body))
	case FaultHTML:
		body := f.Body
		if body == "" {
			body = loginPage
		}
		writeBody(w, cmp.Or(f.Status, http.StatusOK),
			cmp.Or(f.ContentType, "text/html; charset=UTF-8"), []byte(body))
	default:
		if !f.AfterSave {
			s.serveMISP(w, r, rt)
			return
		}
		writeJSON(w, http.StatusInternalServerError, exceptionBody(msgInternalError, r.URL.Path))
	}
}
