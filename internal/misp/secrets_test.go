package misp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/secret"
)

// Keys used by the leak tests. Each has the form of a MISP key, so MISP
// would accept it, and a distinct prefix, so a leak names its source.
const (
	adminKey   = "AdminKeyForLeakTest000000000000000000000"
	partnerKey = "PartnerKeyForLeakTest0000000000000000000"
	userKey    = "UserKeyIssuedByMISP000000000000000000000"
	rawKey     = "RawAuthKeyIssuedByMISP000000000000000000"
	syncKey    = "SyncConfigKeyFromMISP0000000000000000000"
)

var allTestKeys = []string{adminKey, partnerKey, userKey, rawKey, syncKey}

// leakyMISP responds to each endpoint of a create sequence with a success
// body shaped like MISP 2.5.1's, including the keys MISP returns.
func leakyMISP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/servers/getVersion":
		reply(w, 200, jsonType, `{"version":"2.5.1","perm_sync":true}`)
	case path == "/roles":
		reply(w, 200, jsonType, `[{"Role":{"id":"5","name":"Sync user","perm_sync":true,"perm_auth":true}}]`)
	case path == "/admin/organisations/add":
		reply(w, 200, jsonType, `{"Organisation":{"id":"8","name":"ORG TWO","uuid":"f6146e67-e41a-4344-b5f7-ddedea3b948b","local":false}}`)
	case path == "/admin/users/add":
		reply(w, 200, jsonType, `{"User":{"id":"7","org_id":"8","role_id":"5","email":"sync@org-two.example","authkey":"`+userKey+`","disabled":true}}`)
	case strings.HasPrefix(path, "/auth_keys/add/"):
		reply(w, 200, jsonType, `{"AuthKey":{"id":"9","user_id":"7","authkey_start":"RawA","authkey_end":"0000","authkey_raw":"`+rawKey+`"}}`)
	case path == "/servers/add" || strings.HasPrefix(path, "/servers/edit/"):
		reply(w, 200, jsonType, `{"Server":{"id":"4","name":"partner","url":"https://partner.example","authkey":"`+partnerKey+`","remote_org_id":"8"}}`)
	case path == "/servers/createSync":
		reply(w, 200, jsonType, `{"Server":{"url":"https://misp.example","uuid":"04eb2eab-2f5c-4d2e-a018-31c9df7f0bc5","authkey":"`+syncKey+`","Organisation":{"name":"ORG ONE","uuid":"0e991185-dd29-499f-aa4e-81a86d21a1cc"}}}`)
	case strings.HasPrefix(path, "/admin/users/edit/"):
		reply(w, 200, jsonType, `{"User":{"id":"7","org_id":"8","role_id":"5","email":"sync@org-two.example","disabled":false}}`)
	case strings.HasPrefix(path, "/servers/testConnection/"):
		reply(w, 200, jsonType, `{"status":1,"version":"2.5.1","post":1}`)
	default:
		reply(w, 404, jsonType, `{"name":"Not Found","message":"Not Found","url":"`+path+`"}`)
	}
}

func TestKeysOnlyWhereIntended(t *testing.T) {
	server, rec := serve(t, leakyMISP)
	logger, logs := captureLogs()
	c := newTestClient(t, server.URL, func(c *Config) {
		c.Key = secret.New(adminKey)
		c.Logger = logger
	})

	var outputs []string
	record := func(values ...any) {
		for _, v := range values {
			outputs = append(outputs, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
			if data, err := json.Marshal(v); err == nil {
				outputs = append(outputs, string(data))
			}
		}
	}

	version, err := c.Version(ctx)
	record(version, err)
	roles, err := c.Roles(ctx)
	record(roles, err)
	org, err := c.AddOrganisation(ctx, OrganisationInput{Name: "ORG TWO", UUID: "f6146e67-e41a-4344-b5f7-ddedea3b948b"})
	record(org, err)
	user, key, err := c.AddUser(ctx, UserInput{Email: "sync@org-two.example", OrgID: org.ID, RoleID: 5, Disabled: true})
	record(user, key, err)
	if key.Reveal() != userKey {
		t.Fatal("AddUser did not return the key from User.authkey")
	}
	authKey, err := c.AddAuthKey(ctx, user.ID, "mispbump")
	record(authKey, err)
	input := ServerInput{Name: "partner", URL: "https://partner.example", Key: secret.New(partnerKey), RemoteOrgID: org.ID, Pull: true}
	record(input)
	srv, err := c.AddServer(ctx, input)
	record(srv, err)
	newKey := secret.New(partnerKey)
	srv, err = c.EditServer(ctx, srv.ID, ServerEdit{Key: newKey})
	record(srv, err)
	user, err = c.SetUserDisabled(ctx, user.ID, false)
	record(user, err)
	result, err := c.TestConnection(ctx, srv.ID)
	record(result, err)
	cfg, err := c.CreateSync(ctx)
	record(cfg, err)
	record(c, Config{URL: server.URL, Key: secret.New(adminKey)})

	// Keys go out only where they must: the admin key in Authorization,
	// the partner key in the authkey member of servers/add and edit.
	for i, req := range rec.all() {
		for name, values := range req.Header {
			for _, value := range values {
				for _, k := range allTestKeys {
					if strings.Contains(value, k) && !(name == "Authorization" && k == adminKey && value == adminKey) {
						t.Errorf("request %d (%s %s): header %s carries key %.12s…", i, req.Method, req.Path, name, k)
					}
				}
			}
		}
		if req.Header.Get("Authorization") != adminKey {
			t.Errorf("request %d lacks the bare admin key", i)
		}
		checkBodyKeys(t, i, req)
	}

	outputs = append(outputs, logs.String())
	for i, out := range outputs {
		for _, k := range allTestKeys {
			if strings.Contains(out, k) {
				t.Errorf("output %d contains key %.12s…: %.200s", i, k, out)
			}
		}
	}
	if !strings.Contains(logs.String(), "path=/servers/add") {
		t.Error("debug log lacks the request lines, so the check above proves nothing")
	}
}

// checkBodyKeys allows a key in a request body only as the authkey
// member of servers/add and servers/edit, and only the partner key.
func checkBodyKeys(t *testing.T, i int, req recordedRequest) {
	t.Helper()
	body := string(req.Body)
	isServerWrite := req.Path == "/servers/add" || strings.HasPrefix(req.Path, "/servers/edit/")
	for _, k := range allTestKeys {
		if !strings.Contains(body, k) {
			continue
		}
		if !isServerWrite || k != partnerKey || !strings.Contains(body, `"authkey":"`+k+`"`) {
			t.Errorf("request %d (%s %s): body carries key %.12s…", i, req.Method, req.Path, k)
		}
	}
	if isServerWrite && !strings.Contains(body, partnerKey) {
		t.Errorf("request %d (%s): partner key missing from the body", i, req.Path)
	}
}

func TestErrorsNeverQuoteKeys(t *testing.T) {
	bodies := []struct {
		status      int
		contentType string
		body        string
	}{
		{403, jsonType, `{"name":"Authkey updated: ` + userKey + `","message":"Authkey updated: ` + userKey + `","url":"/users/resetauthkey/7"}`},
		{403, jsonType, `{"saved":false,"name":"Could not add Server","message":"Could not add Server","errors":{"authkey":["` + partnerKey + ` is invalid"]}}`},
		{200, "text/html", `<html><head><title>Key ` + rawKey + `</title></head></html>`},
		{200, jsonType, `{"Server":"` + syncKey + `"}`},
		{200, jsonType, `{"User":{"id":"` + userKey + `"}}`},
		{500, jsonType, `{"name":"Data too long for column 'authkey' ` + userKey + `X","message":"x","url":"/admin/users/add"}`},
	}
	for _, b := range bodies {
		server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
			reply(w, b.status, b.contentType, b.body)
		})
		logger, logs := captureLogs()
		c := newTestClient(t, server.URL, func(c *Config) {
			c.Key = secret.New(adminKey)
			c.Logger = logger
			c.MaxRetries = -1
		})
		_, _, err := c.AddUser(context.Background(), UserInput{Email: "sync@org-two.example", OrgID: 8, RoleID: 5})
		if err == nil {
			t.Errorf("body %.60q: no error", b.body)
			continue
		}
		for _, out := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), logs.String()} {
			for _, k := range allTestKeys {
				if strings.Contains(out, k) {
					t.Errorf("body %.60q: output contains key %.12s…: %s", b.body, k, out)
				}
			}
		}
	}
}
