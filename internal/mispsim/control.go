package mispsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// faultWire is a Fault as the control endpoints read and write it, with
// the delay as a Go duration string such as "1.5s".
type faultWire struct {
	Fault
	Delay   string `json:"delay,omitempty"`
	Matched int    `json:"matched,omitempty"`
	Fired   int    `json:"fired,omitempty"`
}

// serveControl serves the control endpoints, which tests use to steer a
// simulator that runs as a separate process. They need the admin key in
// Authorization or X-MISP-AUTH:
//
//	GET    /_sim/faults  list faults
//	POST   /_sim/faults  add a fault (a Fault as JSON, delay as "250ms")
//	DELETE /_sim/faults  remove every fault
//	GET    /_sim/counts  request counts per endpoint
//	POST   /_sim/reset   remove faults and clear counts
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request) {
	providedKey := r.Header.Get("X-MISP-AUTH")
	if providedKey == "" {
		providedKey = r.Header.Get("Authorization")
	}
	if !secret.New(providedKey).Equal(s.adminKey) {
		writeJSON(w, http.StatusForbidden, exceptionBody(msgAuthFailed, r.URL.Path))
		return
	}
	switch r.Method + " " + r.URL.Path {
	case "GET /_sim/faults":
		var out []faultWire
		for _, f := range s.Faults() {
			out = append(out, wireFault(f))
		}
		writeControlJSON(w, http.StatusOK, out)
	case "POST /_sim/faults":
		f, err := readFault(r.Body)
		if err != nil {
			writeControlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		s.InjectFault(f)
		writeControlJSON(w, http.StatusOK, wireFault(FaultState{Fault: f}))
	case "DELETE /_sim/faults":
		s.ClearFaults()
		writeControlJSON(w, http.StatusOK, map[string]bool{"cleared": true})
	case "GET /_sim/counts":
		writeControlJSON(w, http.StatusOK, s.Counts())
	case "POST /_sim/reset":
		s.Reset()
		writeControlJSON(w, http.StatusOK, map[string]bool{"reset": true})
	default:
		writeJSON(w, http.StatusNotFound, exceptionBody(msgNotFound, r.URL.Path))
	}
}

func wireFault(f FaultState) faultWire {
	wire := faultWire{Fault: f.Fault, Matched: f.Matched, Fired: f.Fired}
	if f.Delay > 0 {
		wire.Delay = f.Delay.String()
	}
	return wire
}

// readFault decodes and checks a fault sent to POST /_sim/faults.
func readFault(body io.Reader) (Fault, error) {
	var wire faultWire
	decoder := json.NewDecoder(io.LimitReader(body, 1<<20))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&wire); err != nil {
		return Fault{}, fmt.Errorf("decode fault: %w", err)
	}
	f := wire.Fault
	if wire.Delay != "" {
		delay, err := time.ParseDuration(wire.Delay)
		if err != nil {
			return Fault{}, fmt.Errorf("invalid delay %q: use a duration such as \"250ms\"", wire.Delay)
		}
		f.Delay = delay
	}
	switch f.Kind {
	case FaultStatus, FaultHTML, FaultDelay, FaultDrop:
	default:
		return Fault{}, fmt.Errorf("invalid fault kind %q: use status, html, delay or drop", f.Kind)
	}
	if f.Path == "" {
		return Fault{}, fmt.Errorf("missing fault path: give an endpoint such as \"/servers/add\"")
	}
	return f, nil
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	writeBody(w, status, "application/json", body)
}
