package bump

import (
	"context"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
)

// syncKeys lists the keys that the sync user for partner has on a's
// MISP, by id, with their expiry (0 for never).
func syncKeys(t *testing.T, a *app, partner *Session) map[int]int64 {
	t.Helper()
	u, ok := a.sim.UserByEmail(partner.Own().SyncEmail)
	if !ok {
		t.Fatalf("no sync user %s", partner.Own().SyncEmail)
	}
	keys := map[int]int64{}
	for _, k := range a.sim.AuthKeys(u.ID) {
		keys[k.ID] = k.Expiration
	}
	return keys
}

// A first bump creates the sync user with its key, so a new key cannot
// be asked for. A repeat bump can, and it rotates the key: the old key
// is set to expire and a new one that never expires is added.
func TestNewKeyChosenAtReviewRotatesKey(t *testing.T) {
	a, b, _ := threeApps(t)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	pass(t, in, re)
	pass(t, re, in)
	if err := in.SetNewKey(true); err == nil {
		t.Error("a new key was accepted for a sync user that this bump creates")
	}
	approve(t, in)
	pass(t, in, re)
	approve(t, re)
	pass(t, re, in)
	finish(t, in, re)
	before := syncKeys(t, a, re)
	if len(before) != 1 {
		t.Fatalf("after the first bump the sync user has keys %v, want one", before)
	}

	in, re = a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	pass(t, in, re)
	pass(t, re, in)
	if err := in.SetNewKey(true); err != nil {
		t.Fatalf("choose a new key at the review: %v", err)
	}
	if plan, _ := in.Plan(); !plan.SendsKey() {
		t.Fatal("the plan does not send a key after a new key was chosen")
	}
	approve(t, in)
	if err := in.SetNewKey(false); err == nil {
		t.Error("the key choice changed after the review")
	}
	pass(t, in, re)
	approve(t, re)
	pass(t, re, in)
	finish(t, in, re)
	after := syncKeys(t, a, re)
	if len(after) != 2 {
		t.Fatalf("after the rotation the sync user has keys %v, want the old and a new one", after)
	}
	for id, expiration := range after {
		_, old := before[id]
		if old == (expiration == 0) {
			t.Errorf("key %d (old: %v) expires at %d: only the old key must expire", id, old, expiration)
		}
	}
}

// finish confirms both sides and checks both verify.
func finish(t *testing.T, in, re *Session) {
	t.Helper()
	for _, s := range []*Session{in, re} {
		if err := s.Confirm(context.Background(), true); err != nil {
			t.Fatalf("%s confirm: %v", s.Role(), err)
		}
	}
	for _, s := range []*Session{re, in} {
		v, err := s.Verify(context.Background(), nil)
		if err != nil || !v.OK {
			t.Fatalf("%s verify: %v %+v", s.Role(), err, v)
		}
	}
}
