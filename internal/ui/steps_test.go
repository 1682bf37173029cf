package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/bump"
)

// plannedDetails returns the plan's step details, which say what a step
// is going to do.
func plannedDetails(s *side) []string {
	var out []string
	if plan := s.ui.bump.state.plan; plan != nil {
		for _, step := range plan.Steps() {
			out = append(out, step.Detail)
		}
	}
	return out
}

func TestDoneStepsSayWhatHappened(t *testing.T) {
	a, b := twoSides(t)
	bumpVerified(t, a, b)

	for _, s := range []*side{a, b} {
		name := s.ui.win.Title()
		planned := plannedDetails(s)
		if len(planned) != 4 {
			t.Fatalf("%s: plan with %d steps, want 4", name, len(planned))
		}
		for _, detail := range planned {
			if s.shows(detail) {
				t.Errorf("%s: the finished bump shows the plan's %q: %s", name, detail, s.texts())
			}
		}
		for _, want := range []string{"created id", ", enabled", "came with the new sync user", "pull on, push on"} {
			if !s.shows(want) {
				t.Errorf("%s: the finished bump lacks %q: %s", name, want, s.texts())
			}
		}
	}
}

func TestRepeatBumpOffersContinue(t *testing.T) {
	a, b := twoSides(t)
	bumpVerified(t, a, b)
	orgs, servers := len(a.sim.Orgs()), len(a.sim.Servers())

	a.key(fyne.KeyN, ctrl)
	b.key(fyne.KeyN, ctrl)
	bumpUntilCompareWith(t, a, b, "Continue (nothing to change)")
	a.tap("Codes match")
	b.tap("Codes match")
	a.waitStage(string(bump.StageDone))
	b.waitStage(string(bump.StageDone))

	for _, s := range []*side{a, b} {
		name := s.ui.win.Title()
		for _, want := range []string{
			"Nothing changed: this partnership already existed.",
			"reused id",
			"the partner keeps its existing key",
			"existing id",
		} {
			if !s.shows(want) {
				t.Errorf("%s: the repeated bump lacks %q: %s", name, want, s.texts())
			}
		}
		if s.shows("created id") {
			t.Errorf("%s: the repeated bump reports a new object: %s", name, s.texts())
		}
	}
	if n := len(a.sim.Orgs()); n != orgs {
		t.Errorf("A's MISP has %d organisations after the repeat, want %d", n, orgs)
	}
	if n := len(a.sim.Servers()); n != servers {
		t.Errorf("A's MISP has %d server entries after the repeat, want %d", n, servers)
	}
}
