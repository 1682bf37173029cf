package misp

import (
	"strings"
	"testing"
)

// replayCase runs one client call against one recorded response.
type replayCase struct {
	recording string
	run       func(t *testing.T, c *Client, rec recording)
}

func TestReplay(t *testing.T) {
	for _, rc := range replayCases {
		t.Run(rc.recording, func(t *testing.T) {
			rec := loadRecording(t, rc.recording)
			c, _ := replay(t, rc.recording)
			rc.run(t, c, rec)
		})
	}
	t.Logf("replayed %d single recordings", len(replayCases))
}

var replayCases = []replayCase{
	// Identity and settings.
	{"01", func(t *testing.T, c *Client, rec recording) {
		v, err := c.Version(ctx)
		if err != nil || v.Version != "2.5.1" || !v.PermSync || !IsUUID(v.UUID) {
			t.Errorf("version %+v, %v", v, err)
		}
	}},
	{"40e", func(t *testing.T, c *Client, rec recording) {
		if v, err := c.Version(ctx); err != nil || !v.PermSync {
			t.Errorf("sync user's version %+v, %v", v, err)
		}
	}},
	{"03", meOK("admin@admin.test", true)},
	{"19", meOK("sync-a@test-org-local.example", false)},
	{"26", meOK("sync-b@test-org-local.example", false)},
	{"50b", meOK("admin@admin.test", true)},
	{"L02", meOK("admin@admin.test", true)},
	{"L04", meOK("legacy-sync@org-one.example", false)},
	{"L10", meOK("sync@org-one.example", false)},
	{"21", meFails(ErrAuth)},
	{"37", meFails(ErrAuth)},
	{"37b", meFails(ErrAuth)},
	{"37c", meFails(ErrAuth)},
	{"50", meFails(ErrAuth)},
	{"L07", meFails(ErrAuth)},
	{"L09", meFails(ErrAuth)},
	{"Z08", meFails(ErrAuth)},
	{"38", func(t *testing.T, c *Client, rec recording) {
		_, err := c.Me(ctx)
		if e := wantKind(t, err, ErrAuth); e.Location != "http://127.0.0.1:8081/users/login" {
			t.Errorf("Location = %q", e.Location)
		}
	}},
	{"09", func(t *testing.T, c *Client, rec recording) {
		s, err := c.Setting(ctx, "MISP.baseurl")
		if err != nil || s.String() != "http://127.0.0.1:8081" || s.Name != "MISP.baseurl" {
			t.Errorf("setting %+v (%s), %v", s, s.String(), err)
		}
	}},
	{"09b", func(t *testing.T, c *Client, rec recording) {
		s, err := c.Setting(ctx, "MISP.uuid")
		if err != nil || !IsUUID(s.String()) {
			t.Errorf("setting %q, %v", s.String(), err)
		}
	}},

	// Organisations.
	{"04", viewOrg(false)},
	{"05", viewOrg(false)},
	{"39i", viewOrg(false)},
	{"44c", viewOrg(false)},
	{"56b", viewOrg(true)},
	{"59b", viewOrg(false)},
	{"42", viewOrgFails},
	{"42b", viewOrgFails},
	{"14", addOrg(true)},
	{"15", addOrg(false)},
	{"16d", addOrg(true)},
	{"56", addOrg(false)},
	{"16", addOrgFails(ErrValidation, "uuid")},
	{"16b", addOrgFails(ErrValidation, "name", "uuid")},
	{"16c", addOrgFails(ErrValidation, "name")},
	{"16e", addOrgFails(ErrValidation, "uuid")},
	{"37d", addOrgFails(ErrAuth)},
	{"40b", addOrgFails(ErrPermission)},
	{"68d", addOrgFails(ErrPermission)},
	{"49c", deleteOrg(nil)},
	{"49d", deleteOrg(ErrValidation)},
	{"49e", deleteOrg(ErrNotFound)},
	{"49f", deleteOrg(ErrValidation)},

	// Roles.
	{"08c", func(t *testing.T, c *Client, rec recording) {
		roles, err := c.Roles(ctx)
		if err != nil || len(roles) != 6 {
			t.Fatalf("%d roles, %v", len(roles), err)
		}
		role, err := SyncRole(roles)
		if err != nil || role.Name != "Sync user" || role.ID != 5 {
			t.Errorf("SyncRole = %d %q, %v", role.ID, role.Name, err)
		}
	}},

	// Users.
	{"18", addUserOK},
	{"20b", addUserOK},
	{"62", addUserOK},
	{"62b", addUserOK},
	{"62c", addUserOK},
	{"68", addUserOK},
	{"68c", addUserOK},
	{"L03", addUserOK},
	{"L05", addUserOK},
	{"20", addUserFails(ErrServer)},
	{"68b", addUserFails(ErrServer)},
	{"36", addUserFails(ErrValidation, "email")},
	{"36b", addUserFails(ErrValidation, "email")},
	{"36c", addUserFails(ErrValidation, "email")},
	{"36d", addUserFails(ErrValidation, "")},
	{"36e", addUserFails(ErrMethod)},
	{"36f", addUserFails(ErrValidation, "password")},
	{"66", addUserFails(ErrValidation, "")},
	{"53", func(t *testing.T, c *Client, rec recording) {
		user, err := c.SetUserDisabled(ctx, pathID(t, rec), false)
		if err != nil || user.ID != pathID(t, rec) || user.Disabled {
			t.Errorf("user %+v, %v", user, err)
		}
	}},
	{"53d", func(t *testing.T, c *Client, rec recording) {
		_, err := c.SetUserDisabled(ctx, pathID(t, rec), false)
		wantKind(t, err, ErrValidation, "authkey")
	}},
	{"67", func(t *testing.T, c *Client, rec recording) {
		view, err := c.User(ctx, pathID(t, rec))
		if err != nil || !view.Role.PermSync || view.Organisation.ID != view.User.OrgID {
			t.Errorf("user view %+v, %v", view, err)
		}
	}},
	{"42c", func(t *testing.T, c *Client, rec recording) {
		_, err := c.User(ctx, pathID(t, rec))
		wantKind(t, err, ErrNotFound)
	}},
	{"69", func(t *testing.T, c *Client, rec recording) {
		view, found, err := c.FindUserByEmail(ctx, "sync@org-two.example")
		if err != nil || !found || view.User.ID != 7 || view.Role.Name != "Sync user" {
			t.Errorf("found %v user %+v, %v", found, view.User, err)
		}
	}},
	{"48c", deleteUser(nil)},
	{"L11", deleteUser(nil)},
	{"L12", deleteUser(nil)},
	{"Z02", deleteUser(nil)},
	{"Z06", deleteUser(nil)},
	{"Z07", deleteUser(nil)},
	{"48d", deleteUser(ErrNotFound)},

	// Auth keys.
	{"23", addAuthKey},
	{"25", addAuthKey},
	{"25b", addAuthKey},
	{"L06", addAuthKey},
	{"52c", deleteAuthKey(nil)},
	{"52e", setAuthKeyExpiration},
	{"L13", deleteAuthKey(nil)},
	{"52d", deleteAuthKey(ErrNotFound)},
	{"51b", func(t *testing.T, c *Client, rec recording) {
		keys, err := c.AuthKeys(ctx, pathID(t, rec))
		if err != nil || len(keys) != 6 {
			t.Fatalf("%d keys, %v", len(keys), err)
		}
		for _, key := range keys {
			if key.UserID != 3 || len(key.Start) != 4 || !key.Raw.IsZero() {
				t.Errorf("key %+v", key)
			}
		}
	}},

	// Servers.
	{"28", addServerOK},
	{"70", addServerOK},
	{"71", addServerOK},
	{"30", addServerFails(ErrServer)},
	{"57", addServerFails(ErrServer)},
	{"32", addServerFails(ErrValidation, "url")},
	{"32b", addServerFails(ErrValidation, "url")},
	{"33", addServerFails(ErrValidation, "authkey")},
	{"34", addServerFails(ErrValidation, "name")},
	{"35", addServerFails(ErrValidation, "Organisation")},
	{"35b", addServerFails(ErrMethod)},
	{"40c", addServerFails(ErrPermission)},
	{"68e", addServerFails(ErrPermission)},
	{"59", editServerOK},
	{"60", editServerOK},
	{"61", editServerOK},
	{"63", editServerOK},
	{"64", editServerOK},
	{"65", editServerOK},
	{"11", listServers(0)},
	{"46", listServers(3)},
	{"40d", func(t *testing.T, c *Client, rec recording) {
		_, err := c.Servers(ctx)
		wantKind(t, err, ErrPermission)
	}},
	{"47c", deleteServer(nil)},
	{"47e", deleteServer(nil)},
	{"70b", deleteServer(nil)},
	{"71b", deleteServer(nil)},
	{"47d", deleteServer(ErrNotFound)},
	{"29", testConnection(ConnectionOK, true)},
	{"45", testConnection(ConnectionOK, true)},
	{"63b", testConnection(ConnectionOK, true)},
	{"60b", testConnection(ConnectionAuthFailed, false)},
	{"61b", testConnection(ConnectionUnreachable, false)},
	{"64b", testConnection(ConnectionSightingsOnly, false)},
	{"65b", testConnection(ConnectionNotSyncUser, false)},
	{"42d", func(t *testing.T, c *Client, rec recording) {
		_, err := c.TestConnection(ctx, pathID(t, rec))
		wantKind(t, err, ErrNotFound)
	}},

	// Sync configuration.
	{"43", func(t *testing.T, c *Client, rec recording) {
		cfg, err := c.CreateSync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.URL != "http://127.0.0.1:8081" || cfg.Organisation.Name != "ORG ONE" || !IsUUID(cfg.UUID) {
			t.Errorf("config %+v", cfg)
		}
		if cfg.Key.Reveal() != "RedactedTestKey0001xxxxxxxxxxxxxxxxxxxxx" {
			t.Error("the sync key was not read")
		}
	}},
	{"43b", func(t *testing.T, c *Client, rec recording) {
		_, err := c.CreateSync(ctx)
		if e := wantKind(t, err, ErrMethod); !strings.Contains(e.Hint, "sync user's own key") {
			t.Errorf("hint %q", e.Hint)
		}
	}},
	{"44", importServer},
	{"44b", importServer},
}

func importServer(t *testing.T, c *Client, rec recording) {
	cfg, err := ParseSyncConfig(rec.Request.Body)
	if err != nil {
		t.Fatalf("recorded import body: %v", err)
	}
	server, err := c.ImportServer(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if server.Push || server.Pull || server.PullRules != "[]" || server.RemoteOrgID.IsZero() {
		t.Errorf("imported server %+v", server)
	}
}
