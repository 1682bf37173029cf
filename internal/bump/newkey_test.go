package bump

import (
	"context"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
)

// syncKeyIDs lists the ids of the keys that the sync user for partner
// holds on a's MISP.
func syncKeyIDs(t *testing.T, a *app, partner *Session) []int {
	t.Helper()
	u, ok := a.sim.UserByEmail(partner.Own().SyncEmail)
	if !ok {
		t.Fatalf("no sync user %s", partner.Own().SyncEmail)
	}
	var ids []int
	for _, k := range a.sim.AuthKeys(u.ID) {
		ids = append(ids, k.ID)
	}
	return ids
}

// A first bump creates the sync user with its key, so a new key cannot
// be asked for; a repeat bump can, and it rotates the key: the partner
// ends with one working key, not the one it had.
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
	before := syncKeyIDs(t, a, re)
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
	after := syncKeyIDs(t, a, re)
	if len(after) != 1 || after[0] == before[0] {
		t.Errorf("after the rotation the sync user has keys %v, want one other than %v", after, before)
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
