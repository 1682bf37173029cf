package provision

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/mispsim"
	"github.com/mispbump/mispbump/internal/secret"
)

// repeatWithNewKey runs a repeat bump in which A gives B a new key for
// B's existing sync user on A, up to B's server step. It returns both
// runs before anything is confirmed.
func repeatWithNewKey(t *testing.T, a, b *side) (*bumpRun, *bumpRun) {
	t.Helper()
	opts := loopbackOptions
	opts.NewKey = true
	ra, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, opts)
	if err != nil {
		t.Fatalf("plan the repeat bump on A: %v", err)
	}
	if err := ra.account(t); err != nil {
		t.Fatalf("apply account on A: %v", err)
	}
	if ra.key.IsZero() {
		t.Fatal("A made no new key although NewKey was set")
	}
	rb, err := b.start(t, a.exchangeProfile(t), history.RoleResponder, loopbackOptions)
	if err != nil {
		t.Fatalf("plan the repeat bump on B: %v", err)
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
	return ra, rb
}

// serverFor returns s's server entry for partner p.
func serverFor(t *testing.T, s, p *side) mispsim.Server {
	t.Helper()
	for _, srv := range s.sim.Servers() {
		if srv.URL == p.url {
			return srv
		}
	}
	t.Fatalf("%s has no server entry for %s", s.url, p.url)
	return mispsim.Server{}
}

// A repeat bump in which the partner sends a new key must store that key
// in the existing server entry at confirmation. When MISP rejects the
// edit (a 500 that saved nothing), Confirm must fail, so that the admin
// can retry, rather than report success because the entry's pull and
// push settings already matched.
func TestBreak2ConfirmIgnoresFailedKeyEdit(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)

	b.sim.InjectFault(mispsim.Fault{Path: "/servers/edit/*", Kind: mispsim.FaultStatus, Status: 500})
	err := b.pv.Confirm(context.Background(), rb.bump, rb.plan, ra.key)
	entry := serverFor(t, b, a)
	if err == nil && !entry.AuthKey.Equal(ra.key) {
		t.Errorf("Confirm on B returned no error, but the server entry still holds the old key, and the bump status is %q", rb.bump.Status)
	}
}

// A repeat bump in which A made a new key and the admins then found the
// codes differ removes only that key. The partnership itself stays
// live, so the history must not call it removed.
func TestBreak2CancelledNewKeyBumpKeepsStatus(t *testing.T) {
	a, b := twoSides(t)
	first, _ := fullBump(t, a, b)
	first.bump.SetStatus(history.StatusVerified, "test: verified", first.bump.Started)
	if err := a.store.Save(first.bump); err != nil {
		t.Fatal(err)
	}

	ra, _ := repeatWithNewKey(t, a, b)
	if err := a.pv.Rollback(context.Background(), ra.bump, "the confirmation codes differed"); err != nil {
		t.Fatalf("roll back the repeat bump: %v", err)
	}
	if _, ok := a.sim.UserByEmail(ra.plan.Partner.SyncEmail); !ok {
		t.Fatal("the rollback removed the partner's sync user")
	}
	p, err := a.store.FindPartner(ra.plan.Partner.OrgUUID, a.url)
	if err != nil {
		t.Fatalf("find the partner: %v", err)
	}
	if p.Status == history.StatusRemoved {
		t.Errorf("history status %q for a partnership whose organisation, sync user and server entry all exist", p.Status)
	}
}

// The partner's certificate changes, and the first repeat bump after it
// is cancelled at the code comparison. The next repeat bump must still
// upload the new certificate, because the cancelled one never did.
func TestBreak2CancelledBumpHidesNewCertificate(t *testing.T) {
	a := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a"})
	b := newSide(t, sideOptions{name: "Example CERT B", uuid: "5f1b8c2e-0000-4000-8000-00000000000b", tls: true})
	ra, _ := fullBump(t, a, b)
	b.saveHistoryPin(t, ra)
	oldCert := serverFor(t, a, b).CertFile

	opts := b.opts
	opts.listen = strings.TrimPrefix(b.url, "https://")
	if err := b.sim.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tls-cert.pem", "tls-key.pem"} {
		if err := os.Remove(filepath.Join(b.dataDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	b2 := newSide(t, opts)
	if bytes.Equal(b2.profile.TLSPin, b.profile.TLSPin) {
		t.Fatal("the restarted simulator kept its certificate")
	}

	// The first repeat bump reaches the comparison, where the codes differ.
	cancelled, err := a.start(t, b2.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatalf("plan the cancelled bump: %v", err)
	}
	if cancelled.plan.Server.Action != ActionUpdate {
		t.Fatalf("server step %s for a changed certificate, want update", cancelled.plan.Server.Action)
	}
	if err := cancelled.account(t); err != nil {
		t.Fatal(err)
	}
	if err := cancelled.server(t, secret.Key{}); err != nil {
		t.Fatal(err)
	}
	b2.saveHistoryPin(t, cancelled)
	if err := a.pv.Rollback(context.Background(), cancelled.bump, "the confirmation codes differed"); err != nil {
		t.Fatal(err)
	}
	if serverFor(t, a, b2).CertFile != oldCert {
		t.Fatal("the cancelled bump changed the certificate")
	}

	next, _ := fullBump(t, a, b2)
	if next.plan.Server.Action != ActionUpdate {
		t.Errorf("server step %q (%s) after a cancelled bump, want an update that uploads the new certificate",
			next.plan.Server.Action, next.plan.Server.Detail)
	}
	if v := next.verify(t, b2, secret.Key{}); v.Status != 1 {
		t.Errorf("connection test after the next bump: status %d: %s", v.Status, v.Message)
	}
}

// A bump that stopped after creating the organisation and the sync user
// stays unfinished when its roll-back is declined (the app's dialog) or
// fails (the command line then goes on). A later bump with the same
// partner reuses those objects. Rolling back the old bump afterwards must
// not delete what the later, live partnership uses.
func TestBreak2RecoverDeletesObjectsOfLaterBump(t *testing.T) {
	a, b := twoSides(t)
	abandoned, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := abandoned.account(t); err != nil {
		t.Fatal(err)
	}
	a.pv.Release(abandoned.bump) // the process ended

	// The next bump: without a new key, B would have no key at all, so
	// the admins follow the advice and ask for one.
	ra, rb := repeatWithNewKey(t, a, b)
	for _, r := range []*bumpRun{ra, rb} {
		partnerKey := rb.key
		if r == rb {
			partnerKey = ra.key
		}
		if err := r.s.pv.Confirm(context.Background(), r.bump, r.plan, partnerKey); err != nil {
			t.Fatalf("confirm: %v", err)
		}
	}
	if v := ra.verify(t, b, rb.key); v.Status != 1 {
		t.Fatalf("the later bump does not work: status %d: %s", v.Status, v.Message)
	}

	if _, err := a.pv.Recover(context.Background()); err != nil {
		t.Logf("Recover: %v", err)
	}
	assertPartnership(t, a, b, rb.key)
}
