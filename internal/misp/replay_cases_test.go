package misp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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

var ctx = context.Background()

// lastSegment returns the last segment of the recorded request path.
func lastSegment(rec recording) string {
	return rec.Request.Path[strings.LastIndex(rec.Request.Path, "/")+1:]
}

// pathID reads the numeric id at the end of the recorded request path.
func pathID(t *testing.T, rec recording) ID {
	n, err := strconv.ParseInt(lastSegment(rec), 10, 64)
	if err != nil {
		t.Fatalf("recording %s: path %s does not end in an id", rec.Name, rec.Request.Path)
	}
	return ID(n)
}

// wantKind checks that err matches the sentinel and, when fields are
// given, that Error.Fields names each of them.
func wantKind(t *testing.T, err error, sentinel error, fields ...string) *Error {
	t.Helper()
	e := asError(t, err)
	if !errors.Is(err, sentinel) {
		t.Errorf("kind = %v (%v), want %v", e.Kind, err, sentinel)
	}
	for _, field := range fields {
		if len(e.Fields[field]) == 0 {
			t.Errorf("Fields lacks %q: %q", field, e.Fields)
		}
	}
	return e
}

func meOK(email string, siteAdmin bool) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		view, err := c.Me(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if view.User.Email != email || view.Role.PermSiteAdmin != siteAdmin || !view.Role.PermAuth {
			t.Errorf("user %q site admin %v auth %v", view.User.Email, view.Role.PermSiteAdmin, view.Role.PermAuth)
		}
		if view.Organisation.UUID == "" || view.User.OrgID != view.Organisation.ID {
			t.Errorf("organisation %+v for org_id %d", view.Organisation, view.User.OrgID)
		}
		if strings.Contains(fmt.Sprintf("%+v", view), "RedactedTestKey") {
			t.Error("the user view holds a key")
		}
	}
}

func meFails(sentinel error) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		_, err := c.Me(ctx)
		wantKind(t, err, sentinel)
	}
}

func orgOK(t *testing.T, org Organisation, err error, rec recording) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if org.ID.IsZero() || !IsUUID(org.UUID) || org.UUID != strings.ToLower(org.UUID) {
		t.Errorf("organisation id %d uuid %q", org.ID, org.UUID)
	}
}

func viewOrg(upper bool) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		ref := lastSegment(rec)
		if upper {
			ref = strings.ToUpper(ref)
		}
		org, err := c.Organisation(ctx, ref)
		orgOK(t, org, err, rec)
	}
}

func viewOrgFails(t *testing.T, c *Client, rec recording) {
	_, err := c.Organisation(ctx, lastSegment(rec))
	wantKind(t, err, ErrNotFound)
}

func addOrg(local bool) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		org, err := c.AddOrganisation(ctx, OrganisationInput{Name: "Any Org", Local: local})
		orgOK(t, org, err, rec)
		if org.Local != local {
			t.Errorf("local = %v, want %v", org.Local, local)
		}
	}
}

func addOrgFails(sentinel error, fields ...string) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		_, err := c.AddOrganisation(ctx, OrganisationInput{Name: "Any Org"})
		wantKind(t, err, sentinel, fields...)
	}
}

func deleteOrg(sentinel error) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		err := c.DeleteOrganisation(ctx, lastSegment(rec))
		if sentinel == nil {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		wantKind(t, err, sentinel)
	}
}

var anyUser = UserInput{Email: "sync@org-two.example", OrgID: 8, RoleID: 5}

func addUserOK(t *testing.T, c *Client, rec recording) {
	user, key, err := c.AddUser(ctx, anyUser)
	if err != nil {
		t.Fatal(err)
	}
	if user.ID.IsZero() || user.OrgID.IsZero() || user.RoleID.IsZero() || user.Email == "" {
		t.Errorf("user %+v", user)
	}
	if !strings.HasPrefix(key.Reveal(), "RedactedTestKey") || len(key.Reveal()) != 40 {
		t.Errorf("key from User.authkey not returned (hint %s)", key.Hint())
	}
}

func addUserFails(sentinel error, fields ...string) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		_, _, err := c.AddUser(ctx, anyUser)
		e := wantKind(t, err, sentinel, fields...)
		if wantSaved := e.Status >= 500; e.MaybeSaved() != wantSaved {
			t.Errorf("MaybeSaved = %v for status %d", e.MaybeSaved(), e.Status)
		}
	}
}

func deleteUser(sentinel error) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		err := c.DeleteUser(ctx, pathID(t, rec))
		if sentinel == nil {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		wantKind(t, err, sentinel)
	}
}

func addAuthKey(t *testing.T, c *Client, rec recording) {
	key, err := c.AddAuthKey(ctx, pathID(t, rec), "mispbump test")
	if err != nil {
		t.Fatal(err)
	}
	if key.ID.IsZero() || key.UserID != pathID(t, rec) || key.Start == "" || key.Expiration != 0 {
		t.Errorf("auth key %+v", key)
	}
	if !strings.HasPrefix(key.Raw.Reveal(), "RedactedTestKey") {
		t.Error("authkey_raw not returned in Raw")
	}
}

func deleteAuthKey(sentinel error) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		err := c.DeleteAuthKey(ctx, pathID(t, rec))
		if sentinel == nil {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		wantKind(t, err, sentinel)
	}
}

func serverOK(t *testing.T, server Server, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if server.ID.IsZero() || server.RemoteOrgID.IsZero() || server.URL == "" || server.PullRules == "" {
		t.Errorf("server %+v", server)
	}
	if _, err := ParsePullRules(server.PullRules); err != nil {
		t.Errorf("pull rules: %v", err)
	}
}

func addServerOK(t *testing.T, c *Client, rec recording) {
	server, err := c.AddServer(ctx, validServerInput())
	serverOK(t, server, err)
}

func addServerFails(sentinel error, fields ...string) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		_, err := c.AddServer(ctx, validServerInput())
		e := wantKind(t, err, sentinel, fields...)
		if wantSaved := e.Status >= 500; e.MaybeSaved() != wantSaved {
			t.Errorf("MaybeSaved = %v for status %d", e.MaybeSaved(), e.Status)
		}
	}
}

func editServerOK(t *testing.T, c *Client, rec recording) {
	pull := true
	server, err := c.EditServer(ctx, pathID(t, rec), ServerEdit{Pull: &pull})
	serverOK(t, server, err)
}

func deleteServer(sentinel error) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		err := c.DeleteServer(ctx, pathID(t, rec))
		if sentinel == nil {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		wantKind(t, err, sentinel)
	}
}

func testConnection(status ConnectionStatus, ok bool) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		result, err := c.TestConnection(ctx, pathID(t, rec))
		if err != nil {
			t.Fatal(err)
		}
		if result.Status != status || result.OK() != ok {
			t.Errorf("status %v OK %v, want %v %v", result.Status, result.OK(), status, ok)
		}
		switch status {
		case ConnectionOK:
			if result.RemoteVersion != "2.5.1" || result.Mismatch != "proposal" || result.Newer != "" || !IsUUID(result.RemoteUUID) {
				t.Errorf("result %+v", result)
			}
		case ConnectionNotSyncUser, ConnectionSightingsOnly:
			if result.Info == nil || result.Info.PermSync || result.Post.Code != 1 {
				t.Errorf("info %+v post %+v", result.Info, result.Post)
			}
		}
		if result.Explain() == "" {
			t.Error("no explanation")
		}
	}
}

func listServers(count int) func(*testing.T, *Client, recording) {
	return func(t *testing.T, c *Client, rec recording) {
		entries, err := c.Servers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != count {
			t.Fatalf("%d servers, want %d", len(entries), count)
		}
		for _, entry := range entries {
			if entry.Server.ID.IsZero() || entry.RemoteOrg.ID != entry.Server.RemoteOrgID || !IsUUID(entry.RemoteOrg.UUID) {
				t.Errorf("entry %+v", entry)
			}
		}
	}
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
