package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/history"
)

// historyIdle waits until the history screen runs no action and shows
// the list or details loaded after it.
func (s *side) historyIdle() {
	s.t.Helper()
	s.waitFor("the history screen to finish", func() bool { return s.ui.history.busy == "" })
}

func TestHistoryVerifyAgainAndRemove(t *testing.T) {
	a, b := twoSides(t)
	bumpVerified(t, a, b)

	a.key(fyne.Key3, ctrl)
	if a.ui.tabs.SelectedIndex() != tabHistory {
		t.Fatalf("Ctrl+3 selected tab %d", a.ui.tabs.SelectedIndex())
	}
	a.waitFor("the partner in the history", func() bool { return a.shows("Example CERT B") })
	if !a.shows("Verified; last verification") {
		t.Errorf("partner row without status: %s", a.texts())
	}
	a.tap("Details")
	if !a.shows(uuidB) || !a.shows("Bump ") {
		t.Errorf("details lack the uuid or the bump: %s", a.texts())
	}

	a.tap("Verify again")
	a.historyIdle()
	a.waitFor("the verification result", func() bool { return a.shows("Verified: ") })

	a.tap("Remove partnership")
	if len(a.ui.dialogs) != 1 {
		t.Fatalf("%d dialogs after Remove partnership, want the confirmation", len(a.ui.dialogs))
	}
	if n := len(a.sim.Servers()); n != 1 {
		t.Fatalf("the server entry went before the confirmation: %d entries", n)
	}
	a.tap("Remove")
	a.historyIdle()
	a.waitFor("the removal result", func() bool { return a.shows("Removed: ") })

	if n := len(a.sim.Servers()); n != 0 {
		t.Errorf("%d server entries after removal", n)
	}
	for _, u := range a.sim.Users() {
		if u.OrgUUID == uuidB {
			t.Errorf("sync user %s still exists", u.Email)
		}
	}
	partners, err := a.ui.store.Partners()
	if err != nil || len(partners) != 1 || partners[0].Status != history.StatusRemoved {
		t.Fatalf("history after removal: %v, %+v", err, partners)
	}
	a.waitFor("the removed status", func() bool { return a.shows("Removed; last verification") })
	if !a.button("Verify again").Disabled() {
		t.Error("Verify again is enabled for a removed partnership")
	}
}

func TestHistoryRemoveCancelKeepsPartnership(t *testing.T) {
	a, b := twoSides(t)
	bumpVerified(t, a, b)
	a.key(fyne.Key3, ctrl)
	a.waitFor("the partner in the history", func() bool { return a.shows("Example CERT B") })
	a.tap("Details")
	a.tap("Remove partnership")
	a.key(fyne.KeyEscape, 0)
	if len(a.ui.dialogs) != 0 {
		t.Fatal("Escape left the confirmation open")
	}
	a.historyIdle()
	if n := len(a.sim.Servers()); n != 1 {
		t.Errorf("%d server entries after a cancelled removal, want 1", n)
	}
	if strings.Contains(a.texts(), "Removed") {
		t.Errorf("the screen reports a removal: %s", a.texts())
	}
}
