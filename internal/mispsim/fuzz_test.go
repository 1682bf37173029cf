package mispsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func FuzzParseRoute(f *testing.F) {
	for _, seed := range []string{"/", "/admin/users/index/searchemail:a@b.example",
		"/organisations/view/1.json", "/servers/pull/1/full", "//x//y:z/", "/admin"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		rt := parseRoute(path)
		if !strings.HasPrefix(rt.pattern, "/") {
			t.Errorf("pattern %q does not start with /", rt.pattern)
		}
		if strings.Count(rt.pattern, "{id}") != len(rt.params) {
			t.Errorf("pattern %q does not have one {id} per parameter %v", rt.pattern, rt.params)
		}
	})
}

// FuzzHandler sends arbitrary paths, methods, Accept headers and bodies
// with the admin key. Every request must get a response with a status
// MISP uses, and JSON unless it is a redirect or one of MISP's HTML
// dialogs.
func FuzzHandler(f *testing.F) {
	f.Add("POST", "/admin/organisations/add", "application/json", `{"name":"x","uuid":"X"}`)
	f.Add("POST", "/admin/users/add", "application/json", `{"User":{"email":1,"org_id":[]}}`)
	f.Add("POST", "/servers/add", "application/json", `{"remote_org_id":"1","url":null}`)
	f.Add("GET", "/auth_keys/index/me", "*/*", ``)
	f.Add("PUT", "/servers/serverSettingsEdit/MISP.live", "application/json", `{"value":{}}`)
	f.Add("POST", "/servers/import", "application/json", `{"json":"{\"Server\":[]}"}`)
	sim, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	handler := sim.Handler()
	key := sim.AdminKey().Reveal()
	known := map[int]bool{200: true, 302: true, 403: true, 404: true, 405: true, 406: true, 500: true}
	f.Fuzz(func(t *testing.T, method, path, accept, body string) {
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/servers/testConnection") ||
			strings.HasPrefix(path, "/servers/getRemoteUser") || strings.HasPrefix(path, "/_sim/") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Accept", accept)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", key)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if !known[rec.Code] {
			t.Fatalf("%s %s: status %d", method, path, rec.Code)
		}
		if rec.Code != http.StatusFound && rec.Code != http.StatusNotAcceptable &&
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: content type %q", method, path, rec.Header().Get("Content-Type"))
		}
	})
}
