package mispsim

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests cover MISP behaviour that the recordings show only in part
// or that MISP's source documents.

func TestDisabledUserRejected(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	userID, key := admin.addUser("sync@partner.example", "1", 5)
	admin.post("/admin/users/edit/"+userID, map[string]any{"disabled": true}).must(t, http.StatusOK)
	got := newClient(t, sim, key).get("/servers/getVersion").must(t, http.StatusForbidden)
	if got.str("message") != msgDisabled {
		t.Errorf("message %q, want %q", got.str("message"), msgDisabled)
	}
	admin.post("/admin/users/edit/"+userID, map[string]any{"disabled": false}).must(t, http.StatusOK)
	newClient(t, sim, key).get("/servers/getVersion").must(t, http.StatusOK)
}

func TestReadOnlyKeyLosesSync(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	userID, _ := admin.addUser("sync@partner.example", "1", 5)
	readOnly := admin.post("/auth_keys/add/"+userID, map[string]any{"read_only": true}).
		must(t, http.StatusOK).str("AuthKey", "authkey_raw")
	client := newClient(t, sim, readOnly)
	version := client.get("/servers/getVersion").must(t, http.StatusOK)
	if version.obj()["perm_sync"] != false || version.str("uuid") != "-" {
		t.Errorf("getVersion with a read-only key = %s, want perm_sync false and uuid -", version.raw)
	}
	if got := client.post("/auth_keys/add/me", nil).status; got != http.StatusForbidden {
		t.Errorf("auth_keys/add with a read-only key: %d, want 403", got)
	}
}

func TestKeyRestrictions(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	userID, _ := admin.addUser("sync@partner.example", "1", 5)
	elsewhere := admin.post("/auth_keys/add/"+userID, map[string]any{"allowed_ips": []string{"192.0.2.0/24"}}).
		must(t, http.StatusOK).str("AuthKey", "authkey_raw")
	got := newClient(t, sim, elsewhere).get("/users/view/me").must(t, http.StatusForbidden)
	if got.str("message") != msgBadIP {
		t.Errorf("key from a foreign address: %q, want %q", got.str("message"), msgBadIP)
	}
	loopback := admin.post("/auth_keys/add/"+userID, map[string]any{"allowed_ips": "127.0.0.1, ::1"}).
		must(t, http.StatusOK).str("AuthKey", "authkey_raw")
	newClient(t, sim, loopback).get("/users/view/me").must(t, http.StatusOK)

	expired := admin.post("/auth_keys/add/"+userID, map[string]any{
		"expiration": time.Now().Add(-time.Hour).Unix()}).must(t, http.StatusOK).str("AuthKey", "authkey_raw")
	newClient(t, sim, expired).get("/users/view/me").must(t, http.StatusForbidden)
}

func TestAuthHeaders(t *testing.T) {
	sim := startSim(t, Options{})
	key := sim.AdminKey().Reveal()
	send := func(headers map[string]string) int {
		req, _ := http.NewRequest(http.MethodGet, sim.URL()+"/users/view/me", nil)
		req.Header.Set("Accept", "application/json")
		for name, value := range headers {
			req.Header.Set(name, value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"bare key", map[string]string{"Authorization": key}, 200},
		{"bearer", map[string]string{"Authorization": "Bearer " + key}, 403},
		{"X-MISP-AUTH wins", map[string]string{"Authorization": randomKey(), "X-MISP-AUTH": key}, 200},
		{"basic skipped", map[string]string{"Authorization": "Basic dXNlcjpwYXNz", "X-MISP-AUTH": key}, 200},
		{"comma list", map[string]string{"Authorization": randomKey() + ", " + key}, 200},
		{"41 characters", map[string]string{"Authorization": key + "x"}, 403},
	}
	for _, tc := range cases {
		if got := send(tc.headers); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestWebRequestCreatesNothing(t *testing.T) {
	sim := startSim(t, Options{})
	req, _ := http.NewRequest(http.MethodPost, sim.URL()+"/admin/organisations/add",
		strings.NewReader(`{"name":"Web Org"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", sim.AdminKey().Reveal())
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != sim.URL()+"/users/login" {
		t.Errorf("status %d location %q, want 302 to the login page", resp.StatusCode,
			resp.Header.Get("Location"))
	}
	if _, ok := findOrg(sim, "Web Org"); ok {
		t.Error("a request without Accept: application/json created an organisation")
	}
}

func TestRequestBodies(t *testing.T) {
	sim := startSim(t, Options{})
	send := func(contentType, body string) apiResponse {
		req, _ := http.NewRequest(http.MethodPost, sim.URL()+"/admin/users/add", strings.NewReader(body))
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", sim.AdminKey().Reveal())
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return apiResponse{status: resp.StatusCode, raw: buf.Bytes()}
	}
	if got := send("application/json", `{"email":`); got.status != http.StatusMethodNotAllowed ||
		!bytes.Contains(got.raw, []byte("Invalid JSON input")) {
		t.Errorf("broken JSON: %d %s, want 405 Invalid JSON input", got.status, got.raw)
	}
	if got := send("", `{"email":"x@partner.example"}`); got.status != http.StatusForbidden ||
		!bytes.Contains(got.raw, []byte("Mandatory field not set.")) {
		t.Errorf("body without Content-Type: %d %s, want it ignored as by CakePHP", got.status, got.raw)
	}
}

func TestLiveOffLocksOutUsers(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	_, key := admin.addUser("sync@partner.example", "1", 5)
	admin.post("/servers/serverSettingsEdit/MISP.live", map[string]any{"value": false}).
		must(t, http.StatusOK)
	if got := newClient(t, sim, key).get("/servers/getVersion").status; got != http.StatusFound {
		t.Errorf("sync user while MISP.live is off: %d, want 302", got)
	}
	admin.get("/servers/getVersion").must(t, http.StatusOK)
	bad := admin.post("/servers/serverSettingsEdit/MISP.live", map[string]any{"value": "maybe"})
	if bad.status != http.StatusForbidden || bad.str("errors") != "Value is not a boolean." {
		t.Errorf("non-boolean MISP.live: %d %s", bad.status, bad.raw)
	}
}

func TestUnknownActionACL(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	_, key := admin.addUser("sync@partner.example", "1", 5)
	admin.get("/admin/roles").must(t, http.StatusNotFound)
	newClient(t, sim, key).get("/admin/roles").must(t, http.StatusForbidden)
	newClient(t, sim, "").get("/nonexistent/action").must(t, http.StatusNotFound)
}

func TestOrganisationRules(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	first := admin.addOrg("ACME", "5f6a0f9e-1b2c-4d3e-8f40-000000000a01", true)
	admin.addOrg("acme", "", true) // names compare case-sensitively
	second := admin.addOrg("Other", "", true)

	head := admin.do(http.MethodHead, "/organisations/view/5f6a0f9e-1b2c-4d3e-8f40-000000000a01", nil)
	if head.status != http.StatusOK || len(head.raw) != 0 {
		t.Errorf("HEAD existing: %d with %d bytes, want 200 without body", head.status, len(head.raw))
	}
	admin.do(http.MethodHead, "/organisations/view/5F6A0F9E-1B2C-4D3E-8F40-000000000A01", nil).
		must(t, http.StatusNotFound)
	admin.get("/organisations/view/ACME").must(t, http.StatusOK)

	rename := admin.post("/admin/organisations/edit/"+second, map[string]any{"name": "ACME"})
	if rename.status != http.StatusForbidden || rename.obj("errors")["name"] == nil {
		t.Errorf("rename onto a taken name: %d %s, want 403 with errors.name", rename.status, rename.raw)
	}
	admin.post("/admin/organisations/edit/"+second,
		map[string]any{"uuid": "5f6a0f9e-1b2c-4d3e-8f40-000000000a01"}).must(t, http.StatusInternalServerError)
	edited := admin.post("/admin/organisations/edit/"+first, map[string]any{"nationality": "LU"}).
		must(t, http.StatusOK)
	if edited.str("Organisation", "nationality") != "LU" || edited.str("Organisation", "name") != "ACME" {
		t.Errorf("edit response %s", edited.raw)
	}
}

func TestUserSearchAndOrgAdmin(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	orgA := admin.addOrg("Org A", "", true)
	orgB := admin.addOrg("Org B", "", true)
	admin.addUser("Sync@Org-A.example", orgA, 5)
	admin.addUser("xsync@org-a.example", orgA, 3)
	admin.addUser("sync@org-b.example", orgB, 5)
	_, orgAdminKey := admin.addUser("boss@org-a.example", orgA, 2)

	found := admin.get("/admin/users/index/searchemail:SYNC@ORG-A").must(t, http.StatusOK)
	if got := len(found.list()); got != 2 {
		t.Errorf("searchemail found %d users, want 2 (a case-insensitive substring match)", got)
	}
	if dup := admin.post("/admin/users/add", map[string]any{"email": "SYNC@org-a.EXAMPLE",
		"org_id": orgA}); dup.status != http.StatusForbidden {
		t.Errorf("duplicate email in other case: %d, want 403", dup.status)
	}

	orgAdmin := newClient(t, sim, orgAdminKey)
	visible := orgAdmin.get("/admin/users").must(t, http.StatusOK)
	for _, item := range visible.list() {
		if org := item.(map[string]any)["User"].(map[string]any)["org_id"]; org != orgA {
			t.Errorf("org admin sees a user of organisation %v", org)
		}
	}
	if got := len(visible.list()); got != 3 {
		t.Errorf("org admin sees %d users, want the 3 of its organisation", got)
	}
	if got := orgAdmin.post("/admin/users/add", map[string]any{"email": "new@org-a.example",
		"role_id": 5}).status; got != http.StatusInternalServerError {
		t.Errorf("org admin assigning the sync role: %d, want MISP's 500", got)
	}
}

func TestServerRules(t *testing.T) {
	sim := startSim(t, Options{})
	admin := adminClient(t, sim)
	org := admin.addOrg("Partner", "", false)
	base := map[string]any{"name": "P", "url": "https://p.example/", "authkey": randomKey(),
		"remote_org_id": org}
	added := admin.post("/servers/add", base).must(t, http.StatusOK)
	if added.str("Server", "url") != "https://p.example" {
		t.Errorf("url %q, want the trailing slash stripped", added.str("Server", "url"))
	}
	if got := admin.post("/servers/add", merge(base, map[string]any{
		"push_rules": map[string]any{"tags": []string{}}})).status; got != http.StatusInternalServerError {
		t.Errorf("push_rules as an object: %d, want 500", got)
	}
	badRules := admin.post("/servers/add", merge(base, map[string]any{"pull_rules": "{not json"}))
	if badRules.status != http.StatusForbidden || !strings.Contains(badRules.str("errors"), "valid JSON") {
		t.Errorf("pull_rules not JSON: %d %s", badRules.status, badRules.raw)
	}
	id := added.str("Server", "id")
	edited := admin.post("/servers/edit/"+id, map[string]any{"push": true, "authkey": ""}).
		must(t, http.StatusOK)
	if edited.obj("Server")["push"] != true || edited.str("Server", "authkey") != base["authkey"] {
		t.Errorf("edit response %s, want push on and the key kept", edited.raw)
	}
	if got := admin.post("/servers/edit/"+id, map[string]any{"url": "ftp://x"}); got.status !=
		http.StatusForbidden || got.obj()["errors"] != nil {
		t.Errorf("invalid url on edit: %d %s, want 403 with errors null", got.status, got.raw)
	}
}

func TestCreateSyncImportRoundTrip(t *testing.T) {
	a := startSim(t, Options{OrgName: "CERT A"})
	b := startSim(t, Options{OrgName: "CERT B"})
	clientA, clientB := adminClient(t, a), adminClient(t, b)

	// On B: a sync user for A, whose createSync output A imports.
	orgAOnB := clientB.addOrg("CERT A", a.Identity().OrgUUID, false)
	_, syncKey := clientB.addUser("sync@a.example", orgAOnB, 5)
	config := newClient(t, b, syncKey).get("/servers/createSync").must(t, http.StatusOK)
	if config.str("Server", "url") != b.URL() || config.str("Server", "Organisation", "uuid") != b.Identity().OrgUUID {
		t.Fatalf("createSync = %s", config.raw)
	}
	imported := clientA.post("/servers/import", config.body).must(t, http.StatusOK)
	if imported.str("Server", "pull_rules") != "[]" || imported.obj("Server")["pull"] != false {
		t.Errorf("import response %s, want rules \"[]\" and pull off", imported.raw)
	}
	remote, ok := a.OrgByUUID(b.Identity().OrgUUID)
	if !ok || remote.Local || remote.Name != "CERT B" {
		t.Errorf("captured organisation = %+v, %v, want external CERT B", remote, ok)
	}
	result := testConnection(t, clientA, imported.str("Server", "id"))
	if statusOf(result) != 1 {
		t.Errorf("connection with the imported config: %s", result.raw)
	}
	admin := clientB.get("/servers/createSync")
	if admin.status != http.StatusMethodNotAllowed {
		t.Errorf("createSync as site admin: %d, want 405", admin.status)
	}
}

func TestRoleWithoutPermAuthRejected(t *testing.T) {
	// MISP's default roles all have perm_auth, so this test adds one
	// without it for its own duration.
	saved := defaultRoles
	defaultRoles = append(slices.Clone(saved), role{ID: 7, Name: "No API", Permission: "0",
		PermissionDescription: "read_only", Perms: permSet("audit")})
	defer func() { defaultRoles = saved }()

	sim := startSim(t, Options{})
	_, key := adminClient(t, sim).addUser("web-only@partner.example", "1", 7)
	got := newClient(t, sim, key).get("/users/view/me").must(t, http.StatusForbidden)
	if got.str("message") != msgAuthFailed {
		t.Errorf("message %q, want MISP's authentication failure", got.str("message"))
	}
}
