package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/misp"
)

// orgUsers lists the users of an organisation through MISP's own
// searchorg filter, which the client does not wrap.
func orgUsers(t *testing.T, s *simProc, orgID misp.ID) []misp.UserView {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/admin/users/index/searchorg:%s", s.url, orgID), nil)
	key, err := config.ReadKeyFile(s.keyFile())
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", key.Reveal())
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var users []misp.UserView
	if err := json.Unmarshal(body, &users); err != nil {
		t.Fatalf("users of org %s: %v: %s", orgID, err, body)
	}
	return users
}

// checkPartnership asserts that self's MISP holds exactly one complete,
// working setup for partner: the organisation with the partner's exact
// uuid, one enabled sync user in it, one server entry for the partner's
// URL pointing at that organisation, whose connection test gives
// status 1 with the key of the sync user the partner created for us.
func checkPartnership(t *testing.T, self, partner *simProc) {
	t.Helper()
	ctx := context.Background()
	org, err := self.client.Organisation(ctx, partner.uuid)
	if err != nil {
		t.Fatalf("%s: partner organisation %s: %v", self.name, partner.uuid, err)
	}
	if org.UUID != partner.uuid || org.Name != partner.name {
		t.Errorf("%s: partner organisation is %q %s", self.name, org.Name, org.UUID)
	}
	users := orgUsers(t, self, org.ID)
	if len(users) != 1 {
		t.Fatalf("%s: %d users in %q, want one sync user", self.name, len(users), org.Name)
	}
	view, err := self.client.User(ctx, users[0].User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if view.User.Disabled || !view.Role.PermSync || view.Role.PermAdmin || view.Role.PermSiteAdmin {
		t.Errorf("%s: sync user %s disabled=%v role %q sync=%v", self.name, view.User.Email, view.User.Disabled, view.Role.Name, view.Role.PermSync)
	}

	entries, err := self.client.Servers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var matching []misp.ServerEntry
	for _, e := range entries {
		if misp.SameServerURL(e.Server.URL, partner.url) {
			matching = append(matching, e)
		}
	}
	if len(matching) != 1 {
		t.Fatalf("%s: %d server entries for %s, want 1", self.name, len(matching), partner.url)
	}
	entry := matching[0].Server
	if entry.RemoteOrgID != org.ID {
		t.Errorf("%s: remote_org_id %s, want %s", self.name, entry.RemoteOrgID, org.ID)
	}
	test, err := self.client.TestConnection(ctx, entry.ID)
	if err != nil {
		t.Fatal(err)
	}
	if test.Status != misp.ConnectionOK {
		t.Errorf("%s → %s: connection test status %d (%s)", self.name, partner.name, test.Status, test.Explain())
	}
	remote, err := self.client.RemoteUser(ctx, entry.ID)
	if err != nil {
		t.Fatal(err)
	}
	selfOrg, err := partner.client.Organisation(ctx, self.uuid)
	if err != nil {
		t.Fatalf("%s has no organisation for %s: %v", partner.name, self.name, err)
	}
	ours := orgUsers(t, partner, selfOrg.ID)
	if len(ours) != 1 || !strings.EqualFold(remote.Email, ours[0].User.Email) || !remote.Sync {
		t.Errorf("%s's entry authenticates on %s as %q (sync %v), want the sync user %s created for %s",
			self.name, partner.name, remote.Email, remote.Sync, emails(ours), self.name)
	}
}

func emails(users []misp.UserView) string {
	var list []string
	for _, u := range users {
		list = append(list, u.User.Email)
	}
	return strings.Join(list, ",")
}

// snapshot lists what a MISP holds, to compare before and after.
func snapshot(t *testing.T, s *simProc) []string {
	t.Helper()
	ctx := context.Background()
	var rows []string
	for _, uuid := range []string{"5f1b8c2e-0000-4000-8000-00000000000a", "5f1b8c2e-0000-4000-8000-00000000000b", "5f1b8c2e-0000-4000-8000-00000000000c"} {
		if org, err := s.client.Organisation(ctx, uuid); err == nil {
			rows = append(rows, "org "+org.UUID)
			for _, u := range orgUsers(t, s, org.ID) {
				rows = append(rows, "user "+u.User.Email+" in "+org.UUID)
			}
		}
	}
	entries, err := s.client.Servers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		rows = append(rows, "server "+e.Server.URL)
	}
	sort.Strings(rows)
	return rows
}
