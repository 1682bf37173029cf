package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

// setSetting changes a MISP setting through the REST API, as an admin
// would in Server Settings.
func setSetting(t *testing.T, s *side, name string, value any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"value": value})
	req, _ := http.NewRequest("POST", s.url+"/servers/serverSettingsEdit/"+name, bytes.NewReader(body))
	req.Header.Set("Authorization", s.sim.AdminKey().Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("set %s: status %d", name, resp.StatusCode)
	}
}

func TestProfileOfHealthyMISP(t *testing.T) {
	a, _ := twoSides(t)
	p := a.profile
	if p.Version == "" || !p.SiteAdmin || !p.AdvancedAuthKeys || !p.Live {
		t.Errorf("profile fields: %+v", p)
	}
	if p.Identity().UUID != "5f1b8c2e-0000-4000-8000-00000000000a" {
		t.Errorf("identity uuid %q", p.Identity().UUID)
	}
	if p.AdvertisedURL() != a.url {
		t.Errorf("advertised URL %q, want %q", p.AdvertisedURL(), a.url)
	}
	for _, w := range p.Warnings {
		if w.Code != "plain-http" {
			t.Errorf("unexpected warning %s: %s", w.Code, w.Message)
		}
	}
	ex := p.Exchange(SyncSettings{Pull: true})
	if ex.SyncEmail != "misp-sync-example-cert-a@admin.test" || !ex.Pull || ex.Push {
		t.Errorf("exchange profile %+v", ex)
	}
}

func TestProfileWarnings(t *testing.T) {
	a, _ := twoSides(t)
	setSetting(t, a, "MISP.baseurl", "")
	setSetting(t, a, "MISP.live", false)
	p, err := Fetch(context.Background(), a.client, FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"no-baseurl", "not-live"} {
		if !hasWarning(p, code) {
			t.Errorf("no %s warning in %+v", code, p.Warnings)
		}
	}
	if p.AdvertisedURL() != a.url {
		t.Errorf("advertised URL without a baseurl %q, want the app's %q", p.AdvertisedURL(), a.url)
	}

	setSetting(t, a, "MISP.baseurl", "https://misp.example.org")
	p, _ = Fetch(context.Background(), a.client, FetchOptions{})
	if !hasWarning(p, "baseurl-differs") {
		t.Errorf("no baseurl-differs warning in %+v", p.Warnings)
	}
	if p.AdvertisedURL() != "https://misp.example.org" {
		t.Errorf("advertised URL %q", p.AdvertisedURL())
	}
}

func TestProfileOfNonAdminKey(t *testing.T) {
	a, _ := twoSides(t)
	me, _ := a.client.Me(context.Background())
	_, key, err := a.client.AddUser(context.Background(), misp.UserInput{Email: "analyst@a.example", OrgID: me.Organisation.ID, RoleID: 3})
	if err != nil || key.IsZero() {
		t.Fatalf("add user: %v", err)
	}
	c, err := misp.New(misp.Config{URL: a.url, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Fetch(context.Background(), c, FetchOptions{})
	if err != nil {
		t.Fatalf("Fetch with a user key: %v", err)
	}
	if p.SiteAdmin || !hasWarning(p, "not-site-admin") {
		t.Errorf("non-admin key not warned about: %+v", p.Warnings)
	}
}

func TestProfileWithBadKeyFails(t *testing.T) {
	a, _ := twoSides(t)
	c, _ := misp.New(misp.Config{URL: a.url, Key: secret.New(strings.Repeat("x", 40))})
	_, err := Fetch(context.Background(), c, FetchOptions{})
	if err == nil {
		t.Fatal("Fetch with a wrong key succeeded")
	}
	if !strings.Contains(err.Error(), "read your MISP user") {
		t.Errorf("error does not name the step: %v", err)
	}
}
