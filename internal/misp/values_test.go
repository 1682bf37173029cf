package misp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/secret"
)

// The default rules as MISP 2.5.1 stored them for a servers/add without
// rules (recording 28_post_servers_add_remote_org_id).
const (
	mispDefaultPullRules = `{"tags":{"OR":[],"NOT":[]},"orgs":{"OR":[],"NOT":[]},"type_attributes":{"NOT":[]},"type_objects":{"NOT":[]},"url_params":""}`
	mispDefaultPushRules = `{"tags":{"OR":[],"NOT":[]},"orgs":{"OR":[],"NOT":[]}}`
)

func TestDefaultRulesMatchMISP(t *testing.T) {
	if got := DefaultPullRules().JSON(); got != mispDefaultPullRules {
		t.Errorf("pull rules = %s", got)
	}
	if got := DefaultPushRules().JSON(); got != mispDefaultPushRules {
		t.Errorf("push rules = %s", got)
	}
}

func TestRulesRoundTrip(t *testing.T) {
	push := PushRules{Orgs: RuleFilter{OR: []string{"8"}}}
	parsed, err := ParsePushRules(push.JSON())
	if err != nil || len(parsed.Orgs.OR) != 1 || parsed.Orgs.OR[0] != "8" {
		t.Errorf("round trip = %+v, %v", parsed, err)
	}
	for _, text := range []string{"", "[]"} {
		if _, err := ParsePullRules(text); err != nil {
			t.Errorf("ParsePullRules(%q): %v", text, err)
		}
	}
	if _, err := ParsePullRules("{"); err == nil {
		t.Error("ParsePullRules accepted broken JSON")
	}
}

func TestEncodeSubmittedCert(t *testing.T) {
	ca := newTestCA(t)
	withNoise := append([]byte("# partner CA\n"), ca.pem...)
	encoded, err := EncodeSubmittedCert(withNoise)
	if err != nil {
		t.Fatalf("EncodeSubmittedCert: %v", err)
	}
	decoded, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		t.Fatalf("result is not base64: %v", err)
	}
	block, _ := pem.Decode(decoded)
	if block == nil || !bytes.Equal(block.Bytes, ca.cert.Raw) {
		t.Error("decoded value is not the certificate's PEM")
	}

	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte{1}})
	if _, err := EncodeSubmittedCert(append(ca.pem, keyPEM...)); err == nil {
		t.Error("a private key was accepted")
	}
	if _, err := EncodeSubmittedCert([]byte("not a certificate")); err == nil {
		t.Error("text without PEM was accepted")
	}
	broken := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")})
	if _, err := EncodeSubmittedCert(broken); err == nil {
		t.Error("an unparsable certificate was accepted")
	}
}

func TestSyncRole(t *testing.T) {
	admin := Role{ID: 1, Name: "admin", PermSync: true, PermAuth: true, PermAdmin: true, PermSiteAdmin: true, PermAdd: true}
	orgAdmin := Role{ID: 2, Name: "Org Admin", PermAuth: true, PermAdmin: true}
	user := Role{ID: 3, Name: "User", PermAuth: true, PermAdd: true}
	bareSync := Role{ID: 7, Name: "Sync user", PermSync: true, PermAuth: true}
	fullSync := Role{ID: 9, Name: "partners", PermSync: true, PermAuth: true, PermAdd: true, PermTagger: true,
		PermTagEditor: true, PermSharingGroup: true, PermPublish: true, PermSighting: true}
	noAuth := Role{ID: 10, Name: "Sync without keys", PermSync: true, PermAdd: true, PermPublish: true}

	got, err := SyncRole([]Role{admin, orgAdmin, user, bareSync, noAuth, fullSync})
	if err != nil || got.ID != 9 {
		t.Errorf("SyncRole = role %d (%s), %v; want the role with the most sync flags", got.ID, got.Name, err)
	}
	got, err = SyncRole([]Role{admin, bareSync})
	if err != nil || got.ID != 7 {
		t.Errorf("SyncRole = role %d, %v; want the only candidate", got.ID, err)
	}
	if _, err := SyncRole([]Role{admin, orgAdmin, user, noAuth}); err != ErrNoSyncRole {
		t.Errorf("SyncRole without candidates: %v", err)
	}
}

func TestParseSyncConfigForms(t *testing.T) {
	const bare = `{"url":"http://127.0.0.1:8081/","uuid":"04EB2EAB-2f5c-4d2e-a018-31c9df7f0bc5","authkey":"RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx","Organisation":{"name":"ORG ONE","uuid":"0E991185-dd29-499f-aa4e-81a86d21a1cc"}}`
	wrapped := `{"Server":` + bare + `}`
	quoted, _ := json.Marshal(wrapped)
	inJSON := `{"json":` + string(quoted) + `}`
	quotedBare, _ := json.Marshal(bare)

	for name, input := range map[string]string{
		"bare": bare, "wrapped": wrapped, "json string": inJSON, "json string of bare": `{"json":` + string(quotedBare) + `}`,
	} {
		cfg, err := ParseSyncConfig([]byte(input))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if cfg.URL != "http://127.0.0.1:8081" || cfg.UUID != "04eb2eab-2f5c-4d2e-a018-31c9df7f0bc5" {
			t.Errorf("%s: URL %q UUID %q", name, cfg.URL, cfg.UUID)
		}
		if cfg.Organisation.UUID != "0e991185-dd29-499f-aa4e-81a86d21a1cc" || cfg.Organisation.Name != "ORG ONE" {
			t.Errorf("%s: organisation %+v", name, cfg.Organisation)
		}
		if cfg.Key.Reveal() != "RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx" {
			t.Errorf("%s: key not read", name)
		}
	}
}

func TestParseSyncConfigRejects(t *testing.T) {
	cases := map[string]string{
		"not an object": `[]`,
		"short key":     `{"url":"https://a.example","authkey":"short","Organisation":{"name":"A","uuid":"0e991185-dd29-499f-aa4e-81a86d21a1cc"}}`,
		"no org uuid":   `{"url":"https://a.example","authkey":"RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx","Organisation":{"name":"A"}}`,
		"bad url":       `{"url":"a.example","authkey":"RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx","Organisation":{"name":"A","uuid":"0e991185-dd29-499f-aa4e-81a86d21a1cc"}}`,
		"json number":   `{"json":5}`,
		"server string": `{"Server":"x"}`,
	}
	for name, input := range cases {
		_, err := ParseSyncConfig([]byte(input))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "RedactedTestKey") {
			t.Errorf("%s: error leaks the key: %v", name, err)
		}
	}
}

func TestSyncConfigEncode(t *testing.T) {
	cfg := SyncConfig{
		URL: "https://misp-b.example", UUID: "04eb2eab-2f5c-4d2e-a018-31c9df7f0bc5",
		Key:          secret.New("RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx"),
		Organisation: SyncOrganisation{Name: "ORG B", UUID: "0e991185-dd29-499f-aa4e-81a86d21a1cc"},
	}
	data, err := cfg.Encode()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseSyncConfig(data)
	if err != nil || !again.Key.Equal(cfg.Key) || again.URL != cfg.URL || again.Organisation != cfg.Organisation {
		t.Errorf("round trip = %+v, %v", again, err)
	}
	if !strings.HasPrefix(string(data), `{"Server":{`) {
		t.Errorf("not the wrapped form: %s", data)
	}

	// Encoding the struct by accident must not reveal the key.
	accidental, _ := json.Marshal(cfg)
	if strings.Contains(string(accidental), "RedactedTestKey") {
		t.Errorf("json.Marshal of SyncConfig leaks the key: %s", accidental)
	}
}

func FuzzParseSyncConfig(f *testing.F) {
	f.Add([]byte(`{"Server":{"url":"http://127.0.0.1:8081","authkey":"RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx","Organisation":{"name":"A","uuid":"0e991185-dd29-499f-aa4e-81a86d21a1cc"}}}`))
	f.Add([]byte(`{"json":"{\"url\":\"x\"}"}`))
	f.Add([]byte(`{"json":"{\"json\":\"{}\"}"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseSyncConfig(data)
		if err != nil {
			return
		}
		if err := cfg.Check(); err != nil {
			t.Fatalf("parsed config fails Check: %v", err)
		}
		encoded, err := cfg.Encode()
		if err != nil {
			t.Fatalf("Encode of a parsed config: %v", err)
		}
		if _, err := ParseSyncConfig(encoded); err != nil {
			t.Fatalf("re-parse of %s: %v", encoded, err)
		}
	})
}

func TestOrganisationInputChecks(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	if _, err := c.AddOrganisation(context.Background(), OrganisationInput{Name: "  "}); err == nil {
		t.Error("empty name accepted")
	}
	if _, err := c.AddOrganisation(context.Background(), OrganisationInput{Name: "A", UUID: "nope"}); err == nil {
		t.Error("invalid UUID accepted")
	}
	if _, err := c.OrganisationExists(context.Background(), "not-a-uuid"); err == nil {
		t.Error("OrganisationExists accepted an invalid UUID")
	}
}

func TestServerInputChecks(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1")
	base := validServerInput()
	cases := map[string]func(*ServerInput){
		"no name":       func(s *ServerInput) { s.Name = "" },
		"bad url":       func(s *ServerInput) { s.URL = "ftp://x" },
		"short key":     func(s *ServerInput) { s.Key = secret.New("x") },
		"no remote org": func(s *ServerInput) { s.RemoteOrgID = 0 },
		"bad rules":     func(s *ServerInput) { s.PullRules = "{" },
	}
	for name, change := range cases {
		in := base
		change(&in)
		_, err := c.AddServer(context.Background(), in)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), base.Key.Reveal()) {
			t.Errorf("%s: error leaks the key", name)
		}
	}
	if _, _, err := c.AddUser(context.Background(), UserInput{Email: "a@b.example", RoleID: 5}); err == nil {
		t.Error("AddUser without an organisation id accepted")
	}
}

func TestSameServerURL(t *testing.T) {
	if !SameServerURL("https://MISP.example/", "https://misp.example") {
		t.Error("trailing slash and host case not ignored")
	}
	if SameServerURL("https://misp.example/a", "https://misp.example/b") {
		t.Error("different paths compare equal")
	}
	if SameServerURL("http://misp.example", "https://misp.example") {
		t.Error("different schemes compare equal")
	}
}

func TestOrganisationExists(t *testing.T) {
	const uuid = "F6146E67-E41A-4344-B5F7-DDEDEA3B948B"
	cases := []struct {
		name   string
		status int
		found  bool
		want   error
	}{
		{"present", 200, true, nil},
		{"absent", 404, false, nil},
		{"rejected key", 403, false, ErrAuth},
	}
	for _, tc := range cases {
		server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == "HEAD" {
				w.WriteHeader(tc.status)
				return
			}
			reply(w, tc.status, jsonType, authFailed)
		})
		found, err := newTestClient(t, server.URL).OrganisationExists(context.Background(), uuid)
		if found != tc.found || !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: found %v, err %v", tc.name, found, err)
		}
		reqs := rec.all()
		if reqs[0].Method != "HEAD" || reqs[0].Path != "/organisations/view/"+strings.ToLower(uuid) {
			t.Errorf("%s: first request %s %s, want HEAD with the lower-case UUID", tc.name, reqs[0].Method, reqs[0].Path)
		}
		if wantGET := tc.want != nil; (len(reqs) == 2) != wantGET {
			t.Errorf("%s: %d requests; a GET should follow only a HEAD failure", tc.name, len(reqs))
		}
	}
}

func TestEditOrganisationRequest(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `{"Organisation":{"id":"8","name":"ORG 2","uuid":"f6146e67-e41a-4344-b5f7-ddedea3b948b","local":true}}`)
	})
	name, local := "ORG 2", true
	org, err := newTestClient(t, server.URL).EditOrganisation(context.Background(),
		"F6146E67-E41A-4344-B5F7-DDEDEA3B948B", OrganisationEdit{Name: &name, Local: &local})
	if err != nil || org.Name != "ORG 2" {
		t.Fatalf("EditOrganisation = %+v, %v", org, err)
	}
	req := rec.all()[0]
	if req.Method != "POST" || req.Path != "/admin/organisations/edit/f6146e67-e41a-4344-b5f7-ddedea3b948b" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	if string(req.Body) != `{"name":"ORG 2","local":true}` {
		t.Errorf("body %s, want only the changed fields", req.Body)
	}
}

func TestFindUserByEmailExactMatch(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `[{"User":{"id":"3","email":"xsync@org-two.example"},"Role":{"id":"3"},"Organisation":{"id":"8"}},
			{"User":{"id":"4","email":"SYNC@ORG-TWO.EXAMPLE"},"Role":{"id":"5"},"Organisation":{"id":"8"}},
			{"User":{"id":"5","email":"sync@org-two.example.org"},"Role":{"id":"3"},"Organisation":{"id":"8"}}]`)
	})
	c := newTestClient(t, server.URL)
	view, found, err := c.FindUserByEmail(context.Background(), "sync@org-two.example")
	if err != nil || !found || view.User.ID != 4 {
		t.Errorf("found %v id %d, %v; want user 4 by case-insensitive exact match", found, view.User.ID, err)
	}
	_, found, err = c.FindUserByEmail(context.Background(), "ync@org-two.example")
	if err != nil || found {
		t.Errorf("substring matched: found %v, %v", found, err)
	}
}
