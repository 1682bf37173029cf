package ui

import (
	"context"
	"testing"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// reopen closes the side's window and opens a new one on the same
// configuration and data directory, as a restart of the app does.
func (s *side) reopen() {
	s.t.Helper()
	s.ui.closed()
	u, err := newUI(context.Background(), s.ui.app, s.ui.opts, s.loop.do)
	if err != nil {
		s.t.Fatal(err)
	}
	s.ui = u
}

func TestUnfinishedBumpRolledBackAtStart(t *testing.T) {
	a, b := twoSides(t)
	before := len(b.sim.Orgs())
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	handOver(t, b, a)
	review(t, a)
	handOver(t, a, b)
	b.sim.InjectFault(mispsim.Fault{Method: "POST", Path: "/servers/add", Kind: mispsim.FaultStatus, Status: 500, Repeat: true})
	review(t, b)
	b.waitStage(string(bump.StageFailed))
	if len(b.sim.Orgs()) != before+1 {
		t.Fatalf("the failed bump made %d organisations, want 1", len(b.sim.Orgs())-before)
	}

	// The app closes with the bump unfinished and starts again.
	b.sim.ClearFaults()
	b.reopen()
	b.waitFor("the roll-back question", func() bool { return b.shows("did not finish") })
	b.tap("Roll back")
	b.waitFor("the roll-back result", func() bool { return b.shows("The unfinished bump was rolled back.") })
	if got := len(b.sim.Orgs()); got != before {
		t.Errorf("%d organisations after the roll-back, want %d", got, before)
	}
	for _, u := range b.sim.Users() {
		if u.OrgUUID == uuidA {
			t.Errorf("sync user %s survived the roll-back", u.Email)
		}
	}
	unfinished, err := b.ui.store.Unfinished()
	if err != nil || len(unfinished) != 0 {
		t.Errorf("unfinished bumps after the roll-back: %v, %d", err, len(unfinished))
	}
}
