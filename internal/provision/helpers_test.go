package provision

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
	"github.com/mispbump/mispbump/internal/secret"
)

// side is one MISP with its admin's mispbump: a simulator on loopback,
// a client with the admin key, a history and a provisioner.
type side struct {
	opts    sideOptions
	dataDir string
	sim     *mispsim.Sim
	url     string
	client  *misp.Client
	store   *history.Store
	pv      *Provisioner
	profile *Profile
	logs    *bytes.Buffer
}

type sideOptions struct {
	name, uuid string
	tls        bool
	listen     string
	dataDir    string
	seedOrgs   int
	seedUsers  int
	timeout    time.Duration
}

func newSide(t *testing.T, o sideOptions) *side {
	t.Helper()
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	if o.listen == "" {
		o.listen = "127.0.0.1:0"
	}
	sim, err := mispsim.New(mispsim.Options{
		DataDir: o.dataDir, OrgName: o.name, OrgUUID: o.uuid, TLS: o.tls,
		SeedOrgs: o.seedOrgs, SeedUsers: o.seedUsers, ConnectionTimeout: 3 * time.Second,
	})
	if err != nil {
		t.Fatalf("start simulator %s: %v", o.name, err)
	}
	url, err := sim.Start(o.listen)
	if err != nil {
		t.Fatalf("listen simulator %s: %v", o.name, err)
	}
	t.Cleanup(func() { _ = sim.Close() })

	s := &side{opts: o, dataDir: o.dataDir, sim: sim, url: url, logs: &bytes.Buffer{}}
	logger := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	timeout := o.timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	cfg := misp.Config{URL: url, Key: sim.AdminKey(), Timeout: timeout, Logger: logger, RetryBackoff: 10 * time.Millisecond}
	if o.tls {
		info, err := misp.ProbeTLS(context.Background(), url, "")
		if err != nil {
			t.Fatalf("probe %s: %v", url, err)
		}
		cfg.PinSHA256 = info.SHA256
	}
	s.client, err = misp.New(cfg)
	if err != nil {
		t.Fatalf("client for %s: %v", url, err)
	}
	s.store, err = history.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.pv = &Provisioner{Client: s.client, Store: s.store, Logger: logger,
		VerifyWait: 20 * time.Second, VerifyPeriod: 100 * time.Millisecond}
	s.profile, err = Fetch(context.Background(), s.client, FetchOptions{Logger: logger})
	if err != nil {
		t.Fatalf("profile of %s: %v", o.name, err)
	}
	return s
}

func twoSides(t *testing.T) (*side, *side) {
	t.Helper()
	a := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a"})
	b := newSide(t, sideOptions{name: "Example CERT B", uuid: "5f1b8c2e-0000-4000-8000-00000000000b"})
	return a, b
}

// exchangeProfile is what this side sends in the handshake.
func (s *side) exchangeProfile(t *testing.T) exchange.Profile {
	t.Helper()
	p, err := exchange.PrepareProfile(s.profile.Exchange(SyncSettings{Pull: true, Push: true}))
	if err != nil {
		t.Fatalf("prepare profile: %v", err)
	}
	return p
}

var loopbackOptions = Options{Pull: true, Push: true, AllowPrivateURL: true}

// bumpRun is one side's state during a test bump.
type bumpRun struct {
	s    *side
	bump *history.Bump
	plan *Plan
	key  secret.Key // the key this side made for the partner
}

func (s *side) start(t *testing.T, partner exchange.Profile, role history.Role, opts Options) (*bumpRun, error) {
	t.Helper()
	plan, err := s.pv.Plan(context.Background(), s.profile, partner, opts)
	if err != nil {
		return nil, err
	}
	b := s.store.NewBump(role, history.Versions{Protocol: exchange.Version, App: "test"})
	b.Partner = history.Partner{OrgName: partner.OrgName, OrgUUID: partner.OrgUUID, URL: partner.URL}
	return &bumpRun{s: s, bump: b, plan: plan}, nil
}

func (r *bumpRun) account(t *testing.T) error {
	t.Helper()
	key, err := r.s.pv.ApplyAccount(context.Background(), r.bump, r.plan)
	r.key = key
	return err
}

func (r *bumpRun) server(t *testing.T, partnerKey secret.Key) error {
	t.Helper()
	return r.s.pv.ApplyServer(context.Background(), r.bump, r.plan, partnerKey)
}

// fullBump runs both sides in the handshake's order and confirms.
func fullBump(t *testing.T, a, b *side) (*bumpRun, *bumpRun) {
	t.Helper()
	ra, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatalf("plan on A: %v", err)
	}
	if err := ra.account(t); err != nil {
		t.Fatalf("apply account on A: %v", err)
	}
	rb, err := b.start(t, a.exchangeProfile(t), history.RoleResponder, loopbackOptions)
	if err != nil {
		t.Fatalf("plan on B: %v", err)
	}
	if err := rb.account(t); err != nil {
		t.Fatalf("apply account on B: %v", err)
	}
	if err := rb.server(t, ra.key); err != nil {
		t.Fatalf("apply server on B: %v", err)
	}
	if err := ra.server(t, rb.key); err != nil {
		t.Fatalf("apply server on A: %v", err)
	}
	for _, r := range []*bumpRun{ra, rb} {
		partnerKey := rb.key
		if r == rb {
			partnerKey = ra.key
		}
		if err := r.s.pv.Confirm(context.Background(), r.bump, r.plan, partnerKey); err != nil {
			t.Fatalf("confirm: %v", err)
		}
	}
	return ra, rb
}

func (r *bumpRun) verify(t *testing.T, partner *side, partnerKey secret.Key) *history.Verification {
	t.Helper()
	v, err := r.s.pv.Verify(context.Background(), r.bump, partner.exchangeProfile(t), partnerKey, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return v
}

// assertPartnership checks the simulator of s holds exactly one complete
// setup for partner p, with the partner key.
func assertPartnership(t *testing.T, s, p *side, partnerKey secret.Key) {
	t.Helper()
	id := p.sim.Identity()
	org, ok := s.sim.OrgByUUID(id.OrgUUID)
	if !ok {
		t.Fatalf("%s has no organisation with uuid %s", s.url, id.OrgUUID)
	}
	if org.Name != id.OrgName {
		t.Errorf("organisation name %q, want %q", org.Name, id.OrgName)
	}
	var syncUsers []mispsim.User
	for _, u := range s.sim.Users() {
		if u.OrgID == org.ID {
			syncUsers = append(syncUsers, u)
		}
	}
	if len(syncUsers) != 1 {
		t.Fatalf("%d users in the partner organisation, want 1", len(syncUsers))
	}
	if syncUsers[0].Disabled {
		t.Error("sync user is still disabled")
	}
	if syncUsers[0].RoleName != "Sync user" {
		t.Errorf("sync user role %q", syncUsers[0].RoleName)
	}
	var entries []mispsim.Server
	for _, srv := range s.sim.Servers() {
		if misp.SameServerURL(srv.URL, p.url) {
			entries = append(entries, srv)
		}
	}
	if len(entries) != 1 {
		t.Fatalf("%d server entries for %s, want 1", len(entries), p.url)
	}
	if entries[0].RemoteOrgID != org.ID {
		t.Errorf("remote_org_id %d, want %d", entries[0].RemoteOrgID, org.ID)
	}
	if !partnerKey.IsZero() && !entries[0].AuthKey.Equal(partnerKey) {
		t.Error("server entry does not hold the partner's key")
	}
}

// assertNothingFor checks that no object for partner p exists on s.
func assertNothingFor(t *testing.T, s, p *side) {
	t.Helper()
	id := p.sim.Identity()
	if _, ok := s.sim.OrgByUUID(id.OrgUUID); ok {
		t.Errorf("organisation %s still exists", id.OrgUUID)
	}
	email := p.profile.Exchange(SyncSettings{}).SyncEmail
	if _, ok := s.sim.UserByEmail(email); ok {
		t.Errorf("user %s still exists", email)
	}
	for _, srv := range s.sim.Servers() {
		if misp.SameServerURL(srv.URL, p.url) {
			t.Errorf("server entry %d for %s still exists", srv.ID, p.url)
		}
	}
}
