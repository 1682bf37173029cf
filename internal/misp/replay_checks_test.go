package misp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// The checks below are shared by the replay cases: each runs one client
// call and checks the decoded result or the error kind.

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

func setAuthKeyExpiration(t *testing.T, c *Client, rec recording) {
	key, err := c.SetAuthKeyExpiration(ctx, pathID(t, rec), 0)
	if err != nil {
		t.Fatal(err)
	}
	if key.ID != pathID(t, rec) || key.UserID.IsZero() || key.Start == "" {
		t.Errorf("edited auth key %+v", key)
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
