package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/bump"
)

// A repeat bump offers a new key at the review. Ticking it changes the
// plan shown, and the bump then rotates the key: the old key of the
// partner's sync user is set to expire and a new one is added.
func TestReviewOffersNewKey(t *testing.T) {
	a, b := twoSides(t)
	bumpVerified(t, a, b)
	user, ok := a.sim.UserByEmail(b.ui.bump.session.Own().SyncEmail)
	if !ok {
		t.Fatal("A's MISP has no sync user for B")
	}
	before := a.sim.AuthKeys(user.ID)

	a.key(fyne.KeyN, ctrl)
	b.key(fyne.KeyN, ctrl)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	b.waitStage(string(bump.StageShowReply))
	handOver(t, b, a)
	a.waitStage(string(bump.StageReview))
	if a.shows("make a new key for the existing sync user") {
		t.Errorf("the plan promises a new key before it was asked for: %s", a.texts())
	}
	a.findCheck("Give the partner a new key").SetChecked(true)
	a.idle()
	if !a.shows("make a new key for the existing sync user") {
		t.Errorf("the plan does not show the new key once it was asked for: %s", a.texts())
	}
	reviewAndTap(t, a, "Create partnership")
	handOver(t, a, b)
	// B stores the new key in its existing server entry.
	reviewAndTap(t, b, "Create partnership")
	handOver(t, b, a)
	a.waitStage(string(bump.StageCompare))
	b.waitStage(string(bump.StageCompare))
	a.tap("Codes match")
	b.tap("Codes match")
	a.waitStage(string(bump.StageDone))
	b.waitStage(string(bump.StageDone))

	after := a.sim.AuthKeys(user.ID)
	if len(before) != 1 || len(after) != 2 {
		t.Fatalf("B's sync user had keys %+v and has %+v, want the old and a new one", before, after)
	}
	for _, k := range after {
		if old := k.ID == before[0].ID; old == (k.Expiration == 0) {
			t.Errorf("key %d (old: %v) expires at %d: only the old key must expire", k.ID, old, k.Expiration)
		}
	}
	if v := a.ui.bump.state.verification; v == nil || !verified(v) {
		t.Errorf("A's verification after the rotation: %+v", v)
	}
}
