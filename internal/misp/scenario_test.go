package misp

import (
	"testing"

	"github.com/mispbump/mispbump/internal/secret"
)

// scenarioRecordings is the two-instance sync setup recorded on MISP
// 2.5.1 (i1 and i2 in the file names), in the order of each instance.
var scenarioRecordings = []string{
	"08c", "S01", "S03", "S05", "S07", "S09", "S30", "S32c", "S45", "Z01",
	"S02", "S04", "S06", "S08", "S10", "S11", "S12", "S21", "S31", "S38", "S46",
}

// TestReplaySyncScenario replays the recorded setup of a two-way sync:
// each instance gets the partner's organisation with the partner's host
// organisation UUID, a sync user in it, and a server entry that uses the
// key the partner's instance issued. Keys and ids flow from one response
// into the next request, and every request must carry the recorded key
// and agree with the recorded body on the members both contain.
func TestReplaySyncScenario(t *testing.T) {
	one, url1 := startReplayer(t, true, "08c", "S01", "S03", "S05", "S07", "S09", "S30", "S32c", "S45", "Z01")
	two, url2 := startReplayer(t, true, "S02", "S04", "S06", "S08", "S10", "S11", "S12", "S21", "S31", "S38", "S46")
	admin1 := newTestClient(t, url1, withKey(loadRecording(t, "S01")))
	admin2 := newTestClient(t, url2, withKey(loadRecording(t, "S02")))

	roles, err := admin1.Roles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	role, err := SyncRole(roles)
	if err != nil {
		t.Fatal(err)
	}

	// Each side creates the partner's organisation under its real UUID.
	orgTwo, err := admin1.AddOrganisation(ctx, OrganisationInput{Name: "ORG TWO",
		UUID: "F6146E67-E41A-4344-B5F7-DDEDEA3B948B", Description: "Partner org (host org of instance 2)"})
	if err != nil {
		t.Fatal(err)
	}
	orgOne, err := admin2.AddOrganisation(ctx, OrganisationInput{Name: "ORG ONE",
		UUID: "0e991185-dd29-499f-aa4e-81a86d21a1cc", Description: "Partner org (host org of instance 1)"})
	if err != nil {
		t.Fatal(err)
	}
	checkSameMembers(t, "S01", one.sentBody("S01_i1_post_admin_organisations_add_partner_org_two"), loadRecording(t, "S01").Request.Body)
	checkSameMembers(t, "S02", two.sentBody("S02_i2_post_admin_organisations_add_partner_org_one"), loadRecording(t, "S02").Request.Body)

	// Each side creates a sync user for the partner and keeps its key.
	userTwo, keyForTwo, err := admin1.AddUser(ctx, UserInput{Email: "sync@org-two.example", OrgID: orgTwo.ID, RoleID: role.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, keyForOne, err := admin2.AddUser(ctx, UserInput{Email: "sync@org-one.example", OrgID: orgOne.ID, RoleID: role.ID})
	if err != nil {
		t.Fatal(err)
	}
	checkSameMembers(t, "S03", one.sentBody("S03_i1_post_admin_users_add_sync_user_for_org_two"), loadRecording(t, "S03").Request.Body)
	checkSameMembers(t, "S04", two.sentBody("S04_i2_post_admin_users_add_sync_user_for_org_one"), loadRecording(t, "S04").Request.Body)

	// The new keys work on their own instance.
	meTwo, err := newTestClient(t, url1, func(c *Config) { c.Key = keyForTwo }).Me(ctx)
	if err != nil || meTwo.User.ID != userTwo.ID || meTwo.Organisation.UUID != orgTwo.UUID || !meTwo.Role.PermSync {
		t.Errorf("sync user on instance 1: %+v, %v", meTwo.User, err)
	}
	if _, err := newTestClient(t, url2, func(c *Config) { c.Key = keyForOne }).Me(ctx); err != nil {
		t.Errorf("sync user on instance 2: %v", err)
	}

	// Each side adds a server entry with the key the partner issued.
	toTwo, err := admin1.AddServer(ctx, ServerInput{Name: "MISP instance 2 (ORG TWO)", URL: "http://127.0.0.1:8082",
		Key: keyForOne, RemoteOrgID: orgTwo.ID, Pull: true})
	if err != nil {
		t.Fatal(err)
	}
	toOne, err := admin2.AddServer(ctx, ServerInput{Name: "MISP instance 1 (ORG ONE)", URL: "http://127.0.0.1:8081",
		Key: keyForTwo, RemoteOrgID: orgOne.ID, Push: true, Pull: true, PushSightings: true})
	if err != nil {
		t.Fatal(err)
	}
	checkSameMembers(t, "S07", one.sentBody("S07_i1_post_servers_add_pointing_at_instance2"), loadRecording(t, "S07").Request.Body)
	checkSameMembers(t, "S08", two.sentBody("S08_i2_post_servers_add_pointing_at_instance1"), loadRecording(t, "S08").Request.Body)

	for name, test := range map[string]func() (ConnectionTest, error){
		"instance 1 to 2": func() (ConnectionTest, error) { return admin1.TestConnection(ctx, toTwo.ID) },
		"instance 2 to 1": func() (ConnectionTest, error) { return admin2.TestConnection(ctx, toOne.ID) },
	} {
		if result, err := test(); err != nil || !result.OK() {
			t.Errorf("%s: %+v, %v", name, result, err)
		}
	}

	off, on := false, true
	if _, err := admin2.EditServer(ctx, toOne.ID, ServerEdit{Push: &off, PushSightings: &off}); err != nil {
		t.Error(err)
	}
	checkSameMembers(t, "S11", two.sentBody("S11_i2_post_servers_edit_1_disable_push"), loadRecording(t, "S11").Request.Body)
	remote, err := admin2.RemoteUser(ctx, toOne.ID)
	if err != nil || remote.Email != "sync@org-two.example" || !remote.Sync || remote.RoleName != "Sync user" {
		t.Errorf("remote user %+v, %v", remote, err)
	}
	if server, err := admin2.EditServer(ctx, toOne.ID, ServerEdit{Push: &on}); err != nil || !server.Push {
		t.Errorf("enable push: %+v, %v", server, err)
	}

	entries1, err := admin1.Servers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, entry := range entries1 {
		if entry.Server.ID == toTwo.ID && SameServerURL(entry.Server.URL, "http://127.0.0.1:8082/") && entry.RemoteOrg.UUID == orgTwo.UUID {
			found = true
		}
	}
	if !found {
		t.Errorf("server %d to instance 2 not listed with ORG TWO: %+v", toTwo.ID, entries1)
	}
	if _, err := admin2.Servers(ctx); err != nil {
		t.Error(err)
	}
	if _, err := admin1.EditServer(ctx, 1, ServerEdit{Pull: &off}); err != nil {
		t.Error(err)
	}
	if _, err := admin2.EditServer(ctx, toOne.ID, ServerEdit{Push: &off}); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		client *Client
		id     ID
	}{{admin1, toTwo.ID}, {admin2, toOne.ID}} {
		if result, err := c.client.TestConnection(ctx, c.id); err != nil || !result.OK() {
			t.Errorf("after restart: %+v, %v", result, err)
		}
	}
	if err := admin1.DeleteServer(ctx, 1); err != nil {
		t.Error(err)
	}
}

// withKey sets the client key to the one a recording was made with.
func withKey(rec recording) func(*Config) {
	return func(c *Config) { c.Key = secret.New(rec.Request.Headers["Authorization"]) }
}
