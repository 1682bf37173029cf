package provision

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

func TestBothSidesReachStatusOne(t *testing.T) {
	a, b := twoSides(t)
	ra, rb := fullBump(t, a, b)

	va := ra.verify(t, b, rb.key)
	vb := rb.verify(t, a, ra.key)
	for name, v := range map[string]*history.Verification{"A": va, "B": vb} {
		if v.Status != 1 || !v.OK {
			t.Errorf("%s: connection test status %d: %s", name, v.Status, v.Message)
		}
		if !v.ReverseOK {
			t.Errorf("%s: reverse check failed: %s", name, v.ReverseMessage)
		}
	}
	assertPartnership(t, a, b, rb.key)
	assertPartnership(t, b, a, ra.key)
	if ra.bump.Status != history.StatusVerified || rb.bump.Status != history.StatusVerified {
		t.Errorf("statuses %s and %s, want verified", ra.bump.Status, rb.bump.Status)
	}
}

func TestRepeatBumpChangesNothing(t *testing.T) {
	a, b := twoSides(t)
	ra, rb := fullBump(t, a, b)
	ra.verify(t, b, rb.key)
	rb.verify(t, a, ra.key)
	a.sim.Reset()
	b.sim.Reset()

	ra2, rb2 := fullBump(t, a, b)
	for name, r := range map[string]*bumpRun{"A": ra2, "B": rb2} {
		if !r.plan.NothingToDo() {
			t.Errorf("%s: second plan has work: %+v", name, r.plan.Steps())
		}
		if !r.key.IsZero() {
			t.Errorf("%s: second bump made a new key", name)
		}
		if r.bump.Changed() {
			t.Errorf("%s: second bump records changes: %+v", name, r.bump.Objects)
		}
	}
	v := ra2.verify(t, b, secret.Key{})
	if !v.OK {
		t.Errorf("second bump verification: %s", v.Message)
	}
	for name, s := range map[string]*side{"A": a, "B": b} {
		for endpoint, n := range s.sim.Counts() {
			if strings.HasPrefix(endpoint, "POST") && !strings.Contains(endpoint, "testConnection") && !strings.Contains(endpoint, "postTest") && n > 0 {
				t.Errorf("%s: second bump called %s %d times", name, endpoint, n)
			}
		}
	}
	assertPartnership(t, a, b, rb.key)
	assertPartnership(t, b, a, ra.key)
}

func TestNewKeyForExistingUser(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	opts := loopbackOptions
	opts.NewKey = true
	r, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.account(t); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if r.key.IsZero() {
		t.Fatal("no new key made")
	}
	if o := r.bump.Object(history.KindAuthKey); o == nil || o.State != history.StateCreated {
		t.Errorf("key not recorded as created: %+v", o)
	}
	if err := a.pv.Rollback(context.Background(), r.bump, "test"); err != nil {
		t.Fatal(err)
	}
	u, _ := a.sim.UserByEmail(b.profile.Exchange(SyncSettings{}).SyncEmail)
	if _, ok := a.sim.UserByEmail(u.Email); !ok {
		t.Error("rollback of a new key deleted the reused sync user")
	}
}

func TestKeepWithoutServerEntryAsksForKey(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	for _, srv := range a.sim.Servers() {
		if err := a.client.DeleteServer(context.Background(), misp.ID(srv.ID)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.account(t); err != nil {
		t.Fatal(err)
	}
	err = r.server(t, secret.Key{})
	if !errors.Is(err, ErrNeedKey) {
		t.Fatalf("ApplyServer without key: %v, want ErrNeedKey", err)
	}
	if !strings.Contains(err.Error(), "new key") {
		t.Errorf("error does not say what to do: %v", err)
	}
}

func TestMismatchRollsBackBothSides(t *testing.T) {
	a, b := twoSides(t)
	ra, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := ra.account(t); err != nil {
		t.Fatal(err)
	}
	rb, err := b.start(t, a.exchangeProfile(t), history.RoleResponder, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := rb.account(t); err != nil {
		t.Fatal(err)
	}
	if err := rb.server(t, ra.key); err != nil {
		t.Fatal(err)
	}
	if err := ra.server(t, rb.key); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*bumpRun{ra, rb} {
		if err := r.s.pv.Rollback(context.Background(), r.bump, "codes differ"); err != nil {
			t.Fatalf("rollback: %v", err)
		}
		if r.bump.Status != history.StatusRemoved {
			t.Errorf("status after rollback %s", r.bump.Status)
		}
	}
	assertNothingFor(t, a, b)
	assertNothingFor(t, b, a)
}

func TestServerEntryInertUntilConfirmed(t *testing.T) {
	a, b := twoSides(t)
	ra, _ := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err := ra.account(t); err != nil {
		t.Fatal(err)
	}
	if err := ra.server(t, secret.New(strings.Repeat("k", 40))); err != nil {
		t.Fatal(err)
	}
	for _, srv := range a.sim.Servers() {
		if srv.Pull || srv.Push {
			t.Errorf("server entry %d has pull=%v push=%v before confirmation", srv.ID, srv.Pull, srv.Push)
		}
	}
	u, _ := a.sim.UserByEmail(b.profile.Exchange(SyncSettings{}).SyncEmail)
	if !u.Disabled {
		t.Error("sync user enabled before confirmation")
	}
}

func TestRemovePartnership(t *testing.T) {
	a, b := twoSides(t)
	ra, rb := fullBump(t, a, b)
	ra.verify(t, b, rb.key)

	p, err := a.store.FindPartner(b.sim.Identity().OrgUUID, "")
	if err != nil {
		t.Fatal(err)
	}
	done, err := a.pv.Remove(context.Background(), p)
	if err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if len(done) != 3 {
		t.Errorf("Remove reported %v, want three deletions", done)
	}
	assertNothingFor(t, a, b)
	p, _ = a.store.FindPartner(b.sim.Identity().OrgUUID, "")
	if p.Status != history.StatusRemoved {
		t.Errorf("partner status %s after removal", p.Status)
	}
	if p.Current(history.KindServer) != nil {
		t.Error("removed server entry still current")
	}
}

func TestRemoveKeepsPreexistingOrganisation(t *testing.T) {
	a, b := twoSides(t)
	id := b.sim.Identity()
	if _, err := a.client.AddOrganisation(context.Background(), misp.OrganisationInput{Name: id.OrgName, UUID: id.OrgUUID}); err != nil {
		t.Fatal(err)
	}
	fullBump(t, a, b)
	p, err := a.store.FindPartner(id.OrgUUID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.pv.Remove(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.sim.OrgByUUID(id.OrgUUID); !ok {
		t.Error("Remove deleted an organisation that existed before the bump")
	}
}

func TestRecoverRollsBackUnfinished(t *testing.T) {
	a, b := twoSides(t)
	r, _ := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err := r.account(t); err != nil {
		t.Fatal(err)
	}
	// The process that ran the bump ends, which releases its lock.
	a.pv.Release(r.bump)
	rolled, err := a.pv.Recover(context.Background())
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if len(rolled) != 1 {
		t.Fatalf("Recover rolled back %d bumps, want 1", len(rolled))
	}
	assertNothingFor(t, a, b)
	again, _ := a.store.Load(r.bump.ID)
	if again.Status != history.StatusRemoved {
		t.Errorf("status %s after recovery", again.Status)
	}
}
