package misp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
	"github.com/mispbump/mispbump/internal/secret"
)

// instance is one simulated MISP with an admin client.
type instance struct {
	sim     *mispsim.Sim
	url     string
	admin   *misp.Client
	orgName string
	orgUUID string
}

func startSim(t *testing.T, orgName, orgUUID string, tls bool) *instance {
	t.Helper()
	sim, err := mispsim.New(mispsim.Options{OrgName: orgName, OrgUUID: orgUUID, TLS: tls})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	in := &instance{sim: sim, url: url, orgName: orgName, orgUUID: orgUUID}
	if !tls {
		in.admin = simClient(t, url, func(c *misp.Config) { c.Key = sim.AdminKey() })
	}
	return in
}

// partnerSide is what one instance set up for its partner.
type partnerSide struct {
	org      misp.Organisation
	user     misp.User
	key      secret.Key // the key the partner uses on this instance
	serverID misp.ID
}

// TestSimulatorCreateVerifyDelete runs the whole provisioning sequence of
// a bump against two simulators. Each side checks its identity, creates
// the partner's organisation under its real UUID, a disabled sync user
// with a key and a server entry, then enables the user. The connection
// test runs both ways, and at the end everything is removed again.
func TestSimulatorCreateVerifyDelete(t *testing.T) {
	a := startSim(t, "ORG ONE", "0e991185-dd29-499f-aa4e-81a86d21a1cc", false)
	b := startSim(t, "ORG TWO", "f6146e67-e41a-4344-b5f7-ddedea3b948b", false)

	for _, in := range []*instance{a, b} {
		checkIdentity(t, in)
	}
	onA := createForPartner(t, a, b)
	onB := createForPartner(t, b, a)

	// A disabled sync user's key is rejected with MISP's message.
	_, err := simClient(t, a.url, func(c *misp.Config) { c.Key = onA.key }).Version(ctx)
	if e := wantKind(t, err, misp.ErrAuth); !strings.Contains(e.Message, "disabled") {
		t.Errorf("disabled user message %q", e.Message)
	}

	onA.serverID = addServerFor(t, a, b, onA, onB.key)
	onB.serverID = addServerFor(t, b, a, onB, onA.key)

	for _, pair := range []struct {
		in   *instance
		side partnerSide
	}{{a, onA}, {b, onB}} {
		user, err := pair.in.admin.SetUserDisabled(ctx, pair.side.user.ID, false)
		if err != nil || user.Disabled {
			t.Fatalf("enable sync user: %+v, %v", user, err)
		}
		v, err := simClient(t, pair.in.url, func(c *misp.Config) { c.Key = pair.side.key }).Version(ctx)
		if err != nil || !v.PermSync {
			t.Errorf("sync key after enabling: %+v, %v", v, err)
		}
	}

	checkConnection(t, a, b, onA)
	checkConnection(t, b, a, onB)
	checkAuthKeys(t, a, onA)
	checkSyncConfig(t, a, b, onA)
	checkMaybeSaved(t, a, onA)

	for _, pair := range []struct {
		in   *instance
		side partnerSide
	}{{a, onA}, {b, onB}} {
		removePartner(t, pair.in, pair.side)
	}
}

func checkIdentity(t *testing.T, in *instance) {
	t.Helper()
	me, err := in.admin.Me(ctx)
	if err != nil || !me.Role.PermSiteAdmin || me.Organisation.UUID != in.orgUUID {
		t.Fatalf("%s: me %+v, %v", in.orgName, me, err)
	}
	v, err := in.admin.Version(ctx)
	if err != nil || v.Version != mispsim.Version {
		t.Errorf("%s: version %+v, %v", in.orgName, v, err)
	}
	advanced, err := in.admin.Setting(ctx, "Security.advanced_authkeys")
	if on, berr := advanced.Bool(); err != nil || berr != nil || !on {
		t.Errorf("%s: Security.advanced_authkeys %s, %v %v", in.orgName, advanced.String(), err, berr)
	}
	hostOrg, err := in.admin.Setting(ctx, "MISP.host_org_id")
	if id, ierr := hostOrg.Int(); err != nil || ierr != nil || misp.ID(id) != me.Organisation.ID {
		t.Errorf("%s: MISP.host_org_id %s, want %d (%v %v)", in.orgName, hostOrg.String(), me.Organisation.ID, err, ierr)
	}
	if _, err := in.admin.Setting(ctx, "MISP.baseurl"); err != nil {
		t.Errorf("%s: MISP.baseurl: %v", in.orgName, err)
	}
}

// createForPartner makes the partner's organisation and disabled sync
// user on in, looking each up first as provisioning does.
func createForPartner(t *testing.T, in, partner *instance) partnerSide {
	t.Helper()
	roles, err := in.admin.Roles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	role, err := misp.SyncRole(roles)
	if err != nil {
		t.Fatal(err)
	}

	if exists, err := in.admin.OrganisationExists(ctx, partner.orgUUID); err != nil || exists {
		t.Fatalf("partner org exists before creation: %v, %v", exists, err)
	}
	org, err := in.admin.AddOrganisation(ctx, misp.OrganisationInput{Name: partner.orgName, UUID: strings.ToUpper(partner.orgUUID)})
	if err != nil {
		t.Fatal(err)
	}
	if org.UUID != partner.orgUUID || org.Local {
		t.Errorf("partner org %+v", org)
	}
	if exists, err := in.admin.OrganisationExists(ctx, partner.orgUUID); err != nil || !exists {
		t.Errorf("partner org not found after creation: %v, %v", exists, err)
	}
	_, err = in.admin.AddOrganisation(ctx, misp.OrganisationInput{Name: partner.orgName + " copy", UUID: partner.orgUUID})
	wantKind(t, err, misp.ErrValidation, "uuid")

	email := "sync@" + strings.ToLower(strings.ReplaceAll(partner.orgName, " ", "-")) + ".example"
	if _, found, err := in.admin.FindUserByEmail(ctx, email); err != nil || found {
		t.Fatalf("sync user exists before creation: %v, %v", found, err)
	}
	user, key, err := in.admin.AddUser(ctx, misp.UserInput{Email: email, OrgID: org.ID, RoleID: role.ID, Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if key.IsZero() || !user.Disabled || user.OrgID != org.ID || user.ChangePassword || !user.TermsAccepted {
		t.Errorf("sync user %+v, key set %v", user, !key.IsZero())
	}
	view, found, err := in.admin.FindUserByEmail(ctx, strings.ToUpper(email))
	if err != nil || !found || view.User.ID != user.ID {
		t.Errorf("find sync user: %v %+v, %v", found, view.User, err)
	}
	full, err := in.admin.User(ctx, user.ID)
	if err != nil || !full.Role.PermSync || full.Role.PermSiteAdmin {
		t.Errorf("sync user's role %+v, %v", full.Role, err)
	}
	return partnerSide{org: org, user: user, key: key}
}

func addServerFor(t *testing.T, in, partner *instance, side partnerSide, partnerKey secret.Key) misp.ID {
	t.Helper()
	server, err := in.admin.AddServer(ctx, misp.ServerInput{
		Name: partner.orgName, URL: partner.url + "/", Key: partnerKey, RemoteOrgID: side.org.ID,
		Push: true, Pull: true, PushSightings: true,
		PushRules: misp.DefaultPushRules().JSON(), PullRules: misp.DefaultPullRules().JSON(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if server.URL != partner.url || server.RemoteOrgID != side.org.ID || !server.Push || !server.Pull {
		t.Errorf("server %+v", server)
	}
	return server.ID
}

func checkConnection(t *testing.T, in, partner *instance, side partnerSide) {
	t.Helper()
	result, err := in.admin.TestConnection(ctx, side.serverID)
	if err != nil || !result.OK() {
		t.Fatalf("%s to %s: %+v (%s), %v", in.orgName, partner.orgName, result, result.Explain(), err)
	}
	remote, err := in.admin.RemoteUser(ctx, side.serverID)
	if err != nil || !remote.Sync || !strings.HasPrefix(remote.Email, "sync@") {
		t.Errorf("remote user %+v, %v", remote, err)
	}
	entries, err := in.admin.Servers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, entry := range entries {
		if entry.Server.ID == side.serverID && misp.SameServerURL(entry.Server.URL, partner.url) && entry.RemoteOrg.UUID == partner.orgUUID {
			listed = true
		}
	}
	if !listed {
		t.Errorf("server %d not listed with the partner's org: %+v", side.serverID, entries)
	}
}

func checkAuthKeys(t *testing.T, in *instance, side partnerSide) {
	t.Helper()
	key, err := in.admin.AddAuthKey(ctx, side.user.ID, "second key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simClient(t, in.url, func(c *misp.Config) { c.Key = key.Raw }).Version(ctx); err != nil {
		t.Errorf("new auth key does not work: %v", err)
	}
	keys, err := in.admin.AuthKeys(ctx, side.user.ID)
	if err != nil || len(keys) != 2 {
		t.Errorf("%d keys, %v; want the users/add key and the new one", len(keys), err)
	}
	if err := in.admin.DeleteAuthKey(ctx, key.ID); err != nil {
		t.Error(err)
	}
	_, err = simClient(t, in.url, func(c *misp.Config) { c.Key = key.Raw }).Version(ctx)
	wantKind(t, err, misp.ErrAuth)
}

// checkSyncConfig reads in's sync configuration with the sync user's key
// and imports it on the partner, as admins do by hand.
func checkSyncConfig(t *testing.T, in, partner *instance, side partnerSide) {
	t.Helper()
	_, err := in.admin.CreateSync(ctx)
	wantKind(t, err, misp.ErrMethod)

	cfg, err := simClient(t, in.url, func(c *misp.Config) { c.Key = side.key }).CreateSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !misp.SameServerURL(cfg.URL, in.url) || cfg.Organisation.UUID != in.orgUUID || cfg.Key.IsZero() {
		t.Errorf("sync config %+v", cfg)
	}
	data, err := cfg.Encode()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := misp.ParseSyncConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	server, err := partner.admin.ImportServer(ctx, parsed)
	if err != nil {
		t.Fatal(err)
	}
	if server.Push || server.Pull || !misp.SameServerURL(server.URL, in.url) {
		t.Errorf("imported server %+v", server)
	}
	if err := partner.admin.DeleteServer(ctx, server.ID); err != nil {
		t.Error(err)
	}
}

// checkMaybeSaved makes servers/add save and then fail with 500, and
// checks that the caller can find the entry by listing.
func checkMaybeSaved(t *testing.T, in *instance, side partnerSide) {
	t.Helper()
	in.sim.InjectFault(mispsim.Fault{Path: "/servers/add", Kind: mispsim.FaultStatus, Status: 500, AfterSave: true})
	input := misp.ServerInput{Name: "maybe saved", URL: "https://maybe-saved.example", Key: side.key, RemoteOrgID: side.org.ID}
	_, err := in.admin.AddServer(ctx, input)
	e := wantKind(t, err, misp.ErrServer)
	if !e.MaybeSaved() {
		t.Fatal("500 after save is not flagged MaybeSaved")
	}
	entries, err := in.admin.Servers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if misp.SameServerURL(entry.Server.URL, input.URL) {
			if err := in.admin.DeleteServer(ctx, entry.Server.ID); err != nil {
				t.Error(err)
			}
			return
		}
	}
	t.Error("the entry saved before the 500 is not listed")
}

func removePartner(t *testing.T, in *instance, side partnerSide) {
	t.Helper()
	err := in.admin.DeleteOrganisation(ctx, side.org.UUID)
	wantKind(t, err, misp.ErrValidation)

	if err := in.admin.DeleteServer(ctx, side.serverID); err != nil {
		t.Error(err)
	}
	if err := in.admin.DeleteUser(ctx, side.user.ID); err != nil {
		t.Error(err)
	}
	if err := in.admin.DeleteOrganisation(ctx, strings.ToUpper(side.org.UUID)); err != nil {
		t.Error(err)
	}

	if exists, err := in.admin.OrganisationExists(ctx, side.org.UUID); err != nil || exists {
		t.Errorf("org still exists: %v, %v", exists, err)
	}
	if _, found, err := in.admin.FindUserByEmail(ctx, side.user.Email); err != nil || found {
		t.Errorf("user still exists: %v, %v", found, err)
	}
	entries, err := in.admin.Servers(ctx)
	if err != nil || len(entries) != 0 {
		t.Errorf("%d servers left, %v", len(entries), err)
	}
	err = in.admin.DeleteServer(ctx, side.serverID)
	wantKind(t, err, misp.ErrNotFound)
	_, err = simClient(t, in.url, func(c *misp.Config) { c.Key = side.key }).Version(ctx)
	wantKind(t, err, misp.ErrAuth)
}

func TestSimulatorTLSPinning(t *testing.T) {
	in := startSim(t, "ORG TLS", "5f6a0f9e-1b2c-4d3e-8f40-000000000a01", true)
	if !strings.HasPrefix(in.url, "https://") {
		t.Fatalf("simulator URL %s is not https", in.url)
	}
	_, err := simClient(t, in.url, func(c *misp.Config) { c.Key = in.sim.AdminKey() }).Version(ctx)
	if !errors.Is(err, misp.ErrTLSUnknownAuthority) {
		t.Errorf("unpinned: %v, want ErrTLSUnknownAuthority", err)
	}

	info, err := misp.ProbeTLS(ctx, in.url, "")
	if err != nil {
		t.Fatal(err)
	}
	if string(info.ChainPEM) != string(in.sim.CertPEM()) {
		t.Error("probed chain differs from the simulator's certificate")
	}
	pinned := simClient(t, in.url, func(c *misp.Config) {
		c.Key = in.sim.AdminKey()
		c.PinSHA256 = info.SHA256
	})
	if _, err := pinned.Me(ctx); err != nil {
		t.Errorf("pinned: %v", err)
	}
	if _, err := misp.EncodeSubmittedCert(info.ChainPEM); err != nil {
		t.Errorf("probed certificate cannot be uploaded: %v", err)
	}
}

// The simulator tests live in package misp_test so that the simulator may
// import this package without an import cycle. They therefore have their
// own small helpers.

var ctx = context.Background()

// simClient builds a client for a simulator; options may change the
// config before misp.New.
func simClient(t *testing.T, url string, options ...func(*misp.Config)) *misp.Client {
	t.Helper()
	cfg := misp.Config{URL: url, Timeout: 10 * time.Second, RetryBackoff: time.Millisecond}
	for _, option := range options {
		option(&cfg)
	}
	c, err := misp.New(cfg)
	if err != nil {
		t.Fatalf("misp.New: %v", err)
	}
	return c
}

// wantKind checks that err is an *misp.Error matching the sentinel and,
// when fields are given, that its Fields name each of them.
func wantKind(t *testing.T, err error, sentinel error, fields ...string) *misp.Error {
	t.Helper()
	var e *misp.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T (%v) is not a *misp.Error", err, err)
	}
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
