package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/history"
)

const (
	uuidA = "5f1b8c2e-0000-4000-8000-00000000000a"
	uuidB = "5f1b8c2e-0000-4000-8000-00000000000b"
	uuidM = "5f1b8c2e-0000-4000-8000-00000000000c"
)

// twoSides starts two admins, A and B, in one test app.
func twoSides(t *testing.T) (*side, *side) {
	a, loop := newTestApp(t)
	return newSide(t, a, loop, "Example CERT A", uuidA), newSide(t, a, loop, "Example CERT B", uuidB)
}

// handOver copies from's code as text and pastes it into to with Ctrl+V,
// the way two admins on a call do it.
func handOver(t *testing.T, from, to *side) {
	t.Helper()
	from.tap("Copy as text")
	text := from.ui.app.Clipboard().Content()
	if !strings.HasPrefix(text, codes.TextPrefix) {
		t.Fatalf("clipboard after Copy as text: %.40q", text)
	}
	to.ui.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutPaste{})
	to.idle()
}

// review accepts the loopback partner URL and creates the partnership.
func review(t *testing.T, s *side) {
	t.Helper()
	reviewAndTap(t, s, "Create partnership")
}

// reviewAndTap accepts the loopback partner URL and taps the button
// labelled create.
func reviewAndTap(t *testing.T, s *side, create string) {
	t.Helper()
	s.waitStage(string(bump.StageReview))
	if !s.button(create).Disabled() {
		t.Fatalf("%q is enabled before the private partner URL was accepted", create)
	}
	s.findCheck("Create it anyway").SetChecked(true)
	s.tap(create)
	s.idle()
}

// bumpUntilCompare runs the four messages between a (initiator) and b
// (responder) through the widgets and leaves both comparing codes.
func bumpUntilCompare(t *testing.T, a, b *side) {
	t.Helper()
	bumpUntilCompareWith(t, a, b, "Create partnership")
}

// bumpUntilCompareWith is bumpUntilCompare with create as the label of
// the review card's button.
func bumpUntilCompareWith(t *testing.T, a, b *side, create string) {
	t.Helper()
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))

	handOver(t, a, b)
	b.waitStage(string(bump.StageShowReply))
	handOver(t, b, a)
	reviewAndTap(t, a, create)
	handOver(t, a, b)
	reviewAndTap(t, b, create)
	handOver(t, b, a)
	a.waitStage(string(bump.StageCompare))
	b.waitStage(string(bump.StageCompare))
}

// bumpVerified runs a whole bump through the widgets.
func bumpVerified(t *testing.T, a, b *side) {
	t.Helper()
	bumpUntilCompare(t, a, b)
	a.tap("Codes match")
	b.tap("Codes match")
	a.waitStage(string(bump.StageDone))
	b.waitStage(string(bump.StageDone))
}

func TestWholeBumpThroughWidgets(t *testing.T) {
	a, b := twoSides(t)

	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	if got := a.ui.win.Title(); got != "mispbump — Example CERT A" {
		t.Errorf("window title %q", got)
	}
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))

	handOver(t, a, b)
	b.waitStage(string(bump.StageShowReply))
	if !b.shows("Received the partner's hello (1 of 4).") {
		t.Errorf("responder does not say what it received: %s", b.texts())
	}
	handOver(t, b, a)
	review(t, a)
	if a.ui.bump.state.stage != bump.StageShowOffer {
		t.Fatalf("initiator at %s after Create", a.ui.bump.state.stage)
	}
	if !a.shows("On your MISP: 3 of 4 steps done") {
		t.Errorf("initiator shows no step progress after Create: %s", a.texts())
	}
	handOver(t, a, b)
	review(t, b)
	handOver(t, b, a)
	a.waitStage(string(bump.StageCompare))
	b.waitStage(string(bump.StageCompare))

	codeA, codeB := a.ui.bump.state.code, b.ui.bump.state.code
	if codeA == "" || codeA != codeB {
		t.Fatalf("confirmation codes %q and %q", codeA, codeB)
	}
	a.tap("Codes match")
	b.tap("Codes match")
	a.waitStage(string(bump.StageDone))
	b.waitStage(string(bump.StageDone))

	for _, s := range []*side{a, b} {
		v := s.ui.bump.state.verification
		if v == nil || !verified(v) {
			t.Errorf("%s: verification %+v", s.ui.win.Title(), v)
		}
		if !s.shows("The sync connection works") {
			t.Errorf("%s does not show the result: %s", s.ui.win.Title(), s.texts())
		}
	}
	if _, ok := a.sim.OrgByUUID(uuidB); !ok {
		t.Error("A's MISP has no organisation with B's uuid")
	}
	if _, ok := b.sim.OrgByUUID(uuidA); !ok {
		t.Error("B's MISP has no organisation with A's uuid")
	}
	if n := len(a.sim.Servers()); n != 1 {
		t.Errorf("A's MISP has %d server entries, want 1", n)
	}

	partners, err := a.ui.store.Partners()
	if err != nil || len(partners) != 1 || partners[0].Status != history.StatusVerified {
		t.Fatalf("A's history: %v, %+v", err, partners)
	}
	for _, s := range []*side{a, b} {
		if strings.Contains(s.logs.String(), s.sim.AdminKey().Reveal()) {
			t.Errorf("%s logged its admin key", s.ui.win.Title())
		}
	}
}

func TestResponderConfirmsBeforeKeyScanned(t *testing.T) {
	a, b := twoSides(t)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	b.waitStage(string(bump.StageShowReply))
	handOver(t, b, a)
	review(t, a)
	handOver(t, a, b)
	review(t, b)
	b.waitStage(string(bump.StageCompare))

	// B confirms while A has not scanned B's last code yet.
	b.tap("Codes match")
	b.waitFor("the verification to start", func() bool { return b.ui.bump.state.stage == bump.StageVerify })
	if msg, step := b.ui.bump.displayed(); msg == nil || step != 4 {
		t.Fatalf("the responder no longer shows its key while verifying: step %d", step)
	}
	handOver(t, b, a)
	a.waitStage(string(bump.StageCompare))
	a.tap("Codes match")
	a.waitStage(string(bump.StageDone))
	b.waitStage(string(bump.StageDone))
	for _, s := range []*side{a, b} {
		if v := s.ui.bump.state.verification; v == nil || !verified(v) {
			t.Errorf("%s: verification %+v", s.ui.win.Title(), v)
		}
	}
}
