package bump

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
	"github.com/mispbump/mispbump/internal/provision"
)

// app is one admin's mispbump against its own simulated MISP.
type app struct {
	sim     *mispsim.Sim
	url     string
	client  *misp.Client
	store   *history.Store
	profile *provision.Profile
	logs    *bytes.Buffer
	logger  *slog.Logger
}

func newApp(t *testing.T, name, uuid string) *app {
	t.Helper()
	sim, err := mispsim.New(mispsim.Options{DataDir: t.TempDir(), OrgName: name, OrgUUID: uuid})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	a := &app{sim: sim, url: url, logs: &bytes.Buffer{}}
	a.logger = slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a.client, err = misp.New(misp.Config{URL: url, Key: sim.AdminKey(), Logger: a.logger, RetryBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a.store, err = history.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a.profile, err = provision.Fetch(context.Background(), a.client, provision.FetchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func threeApps(t *testing.T) (*app, *app, *app) {
	return newApp(t, "Example CERT A", "5f1b8c2e-0000-4000-8000-00000000000a"),
		newApp(t, "Example CERT B", "5f1b8c2e-0000-4000-8000-00000000000b"),
		newApp(t, "Example CERT M", "5f1b8c2e-0000-4000-8000-00000000000c")
}

func (a *app) session(t *testing.T, role history.Role) *Session {
	t.Helper()
	s, err := New(Config{
		Role: role, Client: a.client, Store: a.store, Profile: a.profile,
		Sync:       provision.SyncSettings{Pull: true, Push: true, Email: "sync@" + a.profile.Identity().UUID[len(a.profile.Identity().UUID)-4:] + ".example"},
		Logger:     a.logger,
		VerifyWait: 20 * time.Second,
	})
	if err != nil {
		t.Fatalf("New session: %v", err)
	}
	return s
}

// pass moves the current outgoing message of from into to.
func pass(t *testing.T, from, to *Session) Received {
	t.Helper()
	msg, step := from.Outgoing()
	if msg == nil {
		t.Fatalf("%s at %s has nothing to show", from.Role(), from.Stage())
	}
	got, err := to.Receive(context.Background(), msg)
	if err != nil {
		t.Fatalf("%s receiving %s: %v", to.Role(), step, err)
	}
	if got.StepErr != nil {
		t.Fatalf("%s after %s: %v", to.Role(), step, got.StepErr)
	}
	return got
}

func approve(t *testing.T, s *Session) {
	t.Helper()
	if _, err := s.Plan(); err != nil {
		t.Fatalf("%s plan: %v", s.Role(), err)
	}
	if err := s.Approve(context.Background(), true); err != nil {
		t.Fatalf("%s approve: %v", s.Role(), err)
	}
}

// handshake runs all four messages between an initiator and a responder
// and leaves both comparing codes.
func handshake(t *testing.T, in, re *Session) {
	t.Helper()
	pass(t, in, re)
	pass(t, re, in)
	approve(t, in)
	pass(t, in, re)
	approve(t, re)
	pass(t, re, in)
	for _, s := range []*Session{in, re} {
		if s.Stage() != StageCompare {
			t.Fatalf("%s at %s after four messages, want compare", s.Role(), s.Stage())
		}
	}
}

// snapshot lists the objects on a simulator, to compare before and after.
func snapshot(a *app) []string {
	var rows []string
	for _, o := range a.sim.Orgs() {
		rows = append(rows, "org "+o.UUID+" "+o.Name)
	}
	for _, u := range a.sim.Users() {
		rows = append(rows, "user "+u.Email+" "+u.OrgUUID)
	}
	for _, s := range a.sim.Servers() {
		rows = append(rows, "server "+s.URL+" "+s.RemoteOrgUUID)
	}
	sort.Strings(rows)
	return rows
}
