package mispsim

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatePersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	first, err := New(Options{DataDir: dir, OrgName: "CERT Persist"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	admin := adminClient(t, first)
	orgID := admin.addOrg("Partner", "5f6a0f9e-1b2c-4d3e-8f40-000000000a01", false)
	userID, userKey := admin.addUser("Sync@Partner.example", orgID, 5)
	admin.post("/admin/users/edit/"+userID, map[string]any{"disabled": true}).must(t, http.StatusOK)
	extraKey := admin.post("/auth_keys/add/"+userID, map[string]any{"comment": "second"}).
		must(t, http.StatusOK).str("AuthKey", "authkey_raw")
	serverKey := randomKey()
	admin.post("/servers/add", map[string]any{"name": "Partner", "url": "https://partner.example",
		"authkey": serverKey, "remote_org_id": orgID}).must(t, http.StatusOK)
	admin.post("/servers/serverSettingsEdit/MISP.external_baseurl",
		map[string]any{"value": "https://misp.example"}).must(t, http.StatusOK)
	identity := first.Identity()
	adminKey := first.AdminKey()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile(filepath.Join(dir, stateFileName))
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"users/add key": userKey, "auth_keys/add key": extraKey} {
		if strings.Contains(string(raw), key) {
			t.Errorf("state file holds the %s in clear text", name)
		}
	}
	info, err := os.Stat(filepath.Join(dir, adminKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("admin.key mode %v, want 0600", info.Mode().Perm())
	}

	second := startSim(t, Options{DataDir: dir})
	if !second.AdminKey().Equal(adminKey) {
		t.Error("admin key changed across restart")
	}
	if got := second.Identity(); got.InstanceUUID != identity.InstanceUUID || got.OrgUUID != identity.OrgUUID ||
		got.OrgName != "CERT Persist" {
		t.Errorf("identity after restart = %+v, want %+v", got, identity)
	}
	user, ok := second.UserByEmail("sync@partner.example")
	if !ok || !user.Disabled || user.OrgName != "Partner" || user.RoleName != "Sync user" {
		t.Errorf("user after restart = %+v, %v", user, ok)
	}
	servers := second.Servers()
	if len(servers) != 1 || servers[0].AuthKey.Reveal() != serverKey {
		t.Errorf("servers after restart = %+v, want one with the stored key", servers)
	}
	if keys := second.AuthKeys(user.ID); len(keys) != 2 || keys[1].Comment != "second" {
		t.Errorf("auth keys after restart = %+v", keys)
	}

	admin2 := adminClient(t, second)
	admin2.post("/admin/users/edit/"+userID, map[string]any{"disabled": false}).must(t, http.StatusOK)
	for _, key := range []string{userKey, extraKey} {
		me := newClient(t, second, key).get("/users/view/me").must(t, http.StatusOK)
		if me.str("User", "id") != userID {
			t.Errorf("key after restart belongs to user %q, want %q", me.str("User", "id"), userID)
		}
	}
	setting := admin2.get("/servers/getSetting/MISP.external_baseurl").must(t, http.StatusOK)
	if setting.str("value") != "https://misp.example" {
		t.Errorf("external baseurl after restart = %q", setting.str("value"))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestRestartRejectsOtherOrgUUID(t *testing.T) {
	dir := t.TempDir()
	sim, err := New(Options{DataDir: dir, OrgUUID: "5f6a0f9e-1b2c-4d3e-8f40-000000000a01"})
	if err != nil {
		t.Fatal(err)
	}
	sim.Close()
	_, err = New(Options{DataDir: dir, OrgUUID: "5f6a0f9e-1b2c-4d3e-8f40-000000000a02"})
	if err == nil || !strings.Contains(err.Error(), "5f6a0f9e-1b2c-4d3e-8f40-000000000a01") {
		t.Errorf("New with another org uuid: err = %v, want one naming the stored uuid", err)
	}
	if _, err := New(Options{DataDir: dir, SeedOrgs: 5}); err == nil {
		t.Error("New with other seed numbers: want an error")
	}
}

func TestMissingAdminKeyIsRecreated(t *testing.T) {
	dir := t.TempDir()
	first, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	old := first.AdminKey()
	first.Close()
	if err := os.Remove(filepath.Join(dir, adminKeyFileName)); err != nil {
		t.Fatal(err)
	}
	second := startSim(t, Options{DataDir: dir})
	if second.AdminKey().Equal(old) {
		t.Fatal("admin key unchanged although admin.key was removed")
	}
	adminClient(t, second).get("/users/view/me").must(t, http.StatusOK)
	raw, err := os.ReadFile(filepath.Join(dir, adminKeyFileName))
	if err != nil || strings.TrimSpace(string(raw)) != second.AdminKey().Reveal() {
		t.Errorf("admin.key does not hold the new key: %v", err)
	}
}

func TestInvalidOptionsRejected(t *testing.T) {
	for name, opts := range map[string]Options{
		"org uuid":      {OrgUUID: "not-a-uuid"},
		"instance uuid": {InstanceUUID: "0190a0f0-0000-7000-8000-000000000000"},
		"base url":      {BaseURL: "misp.example"},
		"seed":          {SeedUsers: -1},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: New accepted %+v", name, opts)
		}
	}
}
