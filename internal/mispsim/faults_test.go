package mispsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultStatusOnNthCall(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	sim.InjectFault(Fault{Method: "POST", Path: "/admin/organisations/add", Nth: 2,
		Kind: FaultStatus, Status: http.StatusServiceUnavailable, Body: `{"error":"busy"}`})

	admin.post("/admin/organisations/add", map[string]any{"name": "One"}).must(t, http.StatusOK)
	second := admin.post("/admin/organisations/add", map[string]any{"name": "Two"})
	if second.status != http.StatusServiceUnavailable || string(second.raw) != `{"error":"busy"}` {
		t.Errorf("second call: %d %s, want the injected 503", second.status, second.raw)
	}
	admin.post("/admin/organisations/add", map[string]any{"name": "Three"}).must(t, http.StatusOK)
	if _, ok := findOrg(sim, "Two"); ok {
		t.Error("the failed call created its organisation")
	}
	faults := sim.Faults()
	if len(faults) != 1 || faults[0].Matched != 3 || faults[0].Fired != 1 {
		t.Errorf("fault state = %+v, want 3 matched, 1 fired", faults)
	}
}

func TestFaultRepeatFromNth(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	sim.InjectFault(Fault{Path: "/organisations/view/*", Nth: 2, Repeat: true, Kind: FaultStatus})
	var statuses []int
	for range 4 {
		statuses = append(statuses, admin.get("/organisations/view/1").status)
	}
	want := []int{200, 500, 500, 500}
	for i := range want {
		if statuses[i] != want[i] {
			t.Fatalf("statuses %v, want %v", statuses, want)
		}
	}
	last := admin.get("/organisations/view/1")
	if last.str("name") != msgInternalError {
		t.Errorf("default body %s, want MISP's internal error", last.raw)
	}
}

func TestFaultHTMLPage(t *testing.T) {
	sim := startSim(t, Options{})
	sim.InjectFault(Fault{Path: "/users/view/{id}", Kind: FaultHTML})
	got := adminClient(t, sim).get("/users/view/me")
	if got.status != http.StatusOK || !strings.HasPrefix(got.header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d type %q, want 200 text/html", got.status, got.header.Get("Content-Type"))
	}
	if !bytes.Contains(got.raw, []byte("UserLoginForm")) {
		t.Errorf("body is not the login page: %.200s", got.raw)
	}
}

func TestFaultDelay(t *testing.T) {
	sim := startSim(t, Options{})
	const delay = 300 * time.Millisecond
	sim.InjectFault(Fault{Path: "/servers/getVersion", Kind: FaultDelay, Delay: delay, Repeat: true})

	impatient := adminClient(t, sim)
	impatient.http.Timeout = 50 * time.Millisecond
	req, _ := http.NewRequest(http.MethodGet, sim.URL()+"/servers/getVersion", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", sim.AdminKey().Reveal())
	if _, err := impatient.http.Do(req); err == nil {
		t.Fatal("request with a 50 ms timeout succeeded despite the 300 ms delay")
	}

	start := time.Now()
	got := adminClient(t, sim).get("/servers/getVersion").must(t, http.StatusOK)
	if elapsed := time.Since(start); elapsed < delay {
		t.Errorf("response after %v, want at least the %v delay", elapsed, delay)
	}
	if got.str("version") != Version {
		t.Errorf("delayed response %s, want the normal getVersion", got.raw)
	}
}

func TestFaultDropConnection(t *testing.T) {
	sim := startSim(t, Options{})
	sim.InjectFault(Fault{Path: "/admin/users/index", Kind: FaultDrop})
	req, _ := http.NewRequest(http.MethodGet, sim.URL()+"/admin/users", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", sim.AdminKey().Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request got %d", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") &&
		!strings.Contains(err.Error(), "reset") {
		t.Errorf("error %v, want a closed connection", err)
	}
	adminClient(t, sim).get("/admin/users").must(t, http.StatusOK)
}

func TestFaultAfterSave(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	org := admin.addOrg("Partner", "", false)
	sim.InjectFault(Fault{Method: "POST", Path: "/servers/add", Kind: FaultStatus, AfterSave: true})
	got := admin.post("/servers/add", map[string]any{"name": "Partner", "url": "https://p.example",
		"authkey": randomKey(), "remote_org_id": org})
	if got.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", got.status)
	}
	if servers := sim.Servers(); len(servers) != 1 || servers[0].Name != "Partner" {
		t.Errorf("servers = %+v, want the entry saved despite the 500", servers)
	}
}

func TestControlEndpoints(t *testing.T) {
	sim := startSim(t, Options{})
	control := func(method, path, key string, body any) (int, []byte) {
		t.Helper()
		var reader io.Reader
		if body != nil {
			encoded, _ := json.Marshal(body)
			reader = bytes.NewReader(encoded)
		}
		req, _ := http.NewRequest(method, sim.URL()+path, reader)
		req.Header.Set("Authorization", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, raw
	}
	key := sim.AdminKey().Reveal()

	if status, _ := control("GET", "/_sim/counts", randomKey(), nil); status != http.StatusForbidden {
		t.Errorf("counts with a wrong key: %d, want 403", status)
	}
	if status, raw := control("POST", "/_sim/faults", key, map[string]any{
		"path": "/roles/index", "kind": "status", "status": 502, "delay": "10ms",
	}); status != http.StatusOK {
		t.Fatalf("add fault: %d %s", status, raw)
	}
	if status, raw := control("POST", "/_sim/faults", key, map[string]any{
		"path": "/roles/index", "kind": "explode",
	}); status != http.StatusBadRequest || !strings.Contains(string(raw), "explode") {
		t.Errorf("invalid fault kind: %d %s, want 400 naming the kind", status, raw)
	}

	admin := adminClient(t, sim)
	if got := admin.get("/roles").status; got != http.StatusBadGateway {
		t.Errorf("roles with the fault: %d, want 502", got)
	}
	admin.get("/organisations/view/1").must(t, http.StatusOK)
	admin.get("/organisations/view/1").must(t, http.StatusOK)

	_, raw := control("GET", "/_sim/faults", key, nil)
	var faults []faultWire
	if err := json.Unmarshal(raw, &faults); err != nil || len(faults) != 1 ||
		faults[0].Fired != 1 || faults[0].Delay != "10ms" {
		t.Errorf("fault list = %s (%v)", raw, err)
	}
	_, raw = control("GET", "/_sim/counts", key, nil)
	var counts map[string]int
	if err := json.Unmarshal(raw, &counts); err != nil {
		t.Fatal(err)
	}
	if counts["GET /organisations/view/{id}"] != 2 || counts["GET /roles/index"] != 1 {
		t.Errorf("counts = %v, want 2 org views and 1 roles index", counts)
	}

	control("DELETE", "/_sim/faults", key, nil)
	admin.get("/roles").must(t, http.StatusOK)
	control("POST", "/_sim/reset", key, nil)
	if got := sim.Counts(); len(got) != 0 {
		t.Errorf("counts after reset = %v, want none", got)
	}
}

func findOrg(sim *Sim, name string) (Org, bool) {
	for _, o := range sim.Orgs() {
		if o.Name == name {
			return o, true
		}
	}
	return Org{}, false
}
