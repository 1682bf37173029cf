package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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

func TestHistoryKeepsEachMISPApart(t *testing.T) {
	a, b := twoSides(t)
	bumpVerified(t, a, b)
	oldURL := a.url

	// The admin of A points the app at another MISP and bumps with B
	// again from there.
	sim2, newURL := startSim(t, "Example CERT A2", uuidM)
	a.cfg.MISPURL, a.cfg.Key = newURL, sim2.AdminKey()
	a.cfg.SyncEmail = "sync-a2@example.org"
	a.key(fyne.KeyN, ctrl)
	b.key(fyne.KeyN, ctrl)
	bumpVerified(t, a, b)

	a.key(fyne.Key3, ctrl)
	a.waitFor("two partnerships in the history", func() bool { return len(a.buttons("Details")) == 2 })
	if !a.shows("On your MISP " + oldURL + " (not the MISP configured now)") {
		t.Errorf("the list does not name the old MISP: %s", a.texts())
	}
	if !a.shows("On your MISP " + newURL) {
		t.Errorf("the list does not name the configured MISP: %s", a.texts())
	}

	// Newest first: the partnership on the configured MISP.
	test.Tap(a.buttons("Details")[0])
	if !a.shows(newURL) || a.shows(oldURL) {
		t.Errorf("details of the new partnership: %s", a.texts())
	}
	if a.button("Verify again").Disabled() || a.button("Remove partnership").Disabled() {
		t.Errorf("actions disabled on the configured MISP: %s", a.texts())
	}
	a.tap("Verify again")
	a.historyIdle()
	a.waitFor("the verification result", func() bool { return a.shows("Verified: ") })

	a.tap("Partners")
	test.Tap(a.buttons("Details")[1])
	if !a.shows("This partnership is on " + oldURL + ", not on the MISP configured now") {
		t.Errorf("details of the old partnership lack the note: %s", a.texts())
	}
	for _, action := range []string{"Verify again", "Remove partnership"} {
		if a.hasButton(action) {
			t.Errorf("%q is offered for a partnership on another MISP", action)
		}
	}
	if n := len(a.sim.Servers()); n != 1 {
		t.Errorf("the old MISP has %d server entries, want 1", n)
	}
}
