package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// paste puts text on the clipboard and presses Ctrl+V.
func (s *side) paste(text string) {
	s.t.Helper()
	s.ui.app.Clipboard().SetContent(text)
	s.ui.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutPaste{})
	s.idle()
}

// pasteInDialog types text into the Paste text dialog and reads it.
func (s *side) pasteInDialog(text string) {
	s.t.Helper()
	s.ui.app.Clipboard().SetContent("")
	s.tap("Paste text")
	var entry *formEntry
	for _, o := range s.objects() {
		if e, ok := o.(*formEntry); ok && e.MultiLine {
			entry = e
		}
	}
	if entry == nil {
		s.t.Fatalf("no text field in the paste dialog: %s", s.texts())
	}
	entry.SetText(text)
	s.tap("Read code")
	s.idle()
}

// notice returns the bump screen's inline message and whether it is an
// error.
func (s *side) notice() (string, bool) {
	return s.ui.bump.notice, s.ui.bump.noticeIsErr
}

func TestPastedCodeErrorsAreShown(t *testing.T) {
	a, b := twoSides(t)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	hello := codes.EncodeText(a.ui.bump.state.outgoing)

	// One character changed in the middle of the text.
	damaged := []byte(hello)
	i := len(damaged) / 2
	if damaged[i] == 'A' {
		damaged[i] = 'B'
	} else {
		damaged[i] = 'A'
	}
	cases := []struct {
		name string
		to   *side
		text string
		want string
	}{
		{"damaged", b, string(damaged), "damaged"},
		{"own code", a, hello, "this is your own code"},
		{"not a code", b, "hello, here is my code", "no line starting with"},
	}
	for _, c := range cases {
		stage := c.to.ui.bump.state.stage
		if hasCode(c.text) {
			c.to.paste(c.text)
		} else {
			// Ctrl+V with no code on the clipboard opens the dialog.
			c.to.pasteInDialog(c.text)
		}
		text, isErr := c.to.notice()
		if !isErr || !strings.Contains(text, c.want) {
			t.Errorf("%s: notice %q (error %v), want an error containing %q", c.name, text, isErr, c.want)
		}
		if !c.to.shows(text) {
			t.Errorf("%s: the notice is not on screen: %s", c.name, c.to.texts())
		}
		if got := c.to.ui.bump.state.stage; got != stage {
			t.Errorf("%s: stage moved from %s to %s", c.name, stage, got)
		}
		if !strings.Contains(c.to.logs.String(), c.want) {
			t.Errorf("%s: the error did not reach the log", c.name)
		}
	}

	// The hello again, once the responder waits for the offer.
	b.paste(hello)
	b.waitStage(string(bump.StageShowReply))
	b.paste(hello)
	text, isErr := b.notice()
	if !isErr || !strings.Contains(text, "already read") && !strings.Contains(text, "step") {
		t.Errorf("the hello a second time: notice %q (error %v)", text, isErr)
	}
	if b.ui.bump.state.stage != bump.StageShowReply {
		t.Errorf("stage after a repeated hello: %s", b.ui.bump.state.stage)
	}
}

func TestMISPDownAtStart(t *testing.T) {
	s := oneSide(t)
	_ = s.sim.Close()
	s.key(fyne.Key2, ctrl)
	s.key(fyne.KeyI, ctrl)
	s.idle()

	text, isErr := s.notice()
	if !isErr || !strings.HasPrefix(text, "Cannot start the bump: ") {
		t.Fatalf("notice %q (error %v)", text, isErr)
	}
	if s.ui.bump.session != nil {
		t.Error("a session started without a MISP")
	}
	if !s.shows(text) || !s.hasButton("Show my code first") {
		t.Errorf("start view without the error: %s", s.texts())
	}
}

func TestFailedStepShowsRetry(t *testing.T) {
	a, b := twoSides(t)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	handOver(t, b, a)
	review(t, a)
	handOver(t, a, b)

	b.sim.InjectFault(mispsim.Fault{Method: "POST", Path: "/servers/add", Kind: mispsim.FaultStatus, Status: 500})
	review(t, b)
	b.waitStage(string(bump.StageFailed))
	shoot(t, b, "bump-failed")
	if !b.shows("Server entry") || !b.shows("failed") {
		t.Errorf("the failed step is not named: %s", b.texts())
	}
	if n := strings.Count(b.texts(), "An Internal Error Has Occurred"); n != 1 {
		t.Errorf("MISP's error is shown %d times, want once: %s", n, b.texts())
	}
	if !b.hasButton("Retry") || !b.hasButton("Cancel bump") {
		t.Fatalf("no Retry and Cancel: %s", b.texts())
	}
	b.key(fyne.KeyT, ctrl) // Retry
	b.waitStage(string(bump.StageCompare))
	if n := len(b.sim.Servers()); n != 1 {
		t.Errorf("%d server entries after the retry, want 1", n)
	}
}

func TestCodesDifferRemovesEverything(t *testing.T) {
	a, b := twoSides(t)
	bumpUntilCompare(t, a, b)
	a.key(fyne.KeyD, ctrl)
	a.waitStage(string(bump.StageCancelled))
	if !a.shows("The confirmation codes differed") || !a.shows("was removed") {
		t.Errorf("no explanation after Codes differ: %s", a.texts())
	}
	if _, ok := a.sim.OrgByUUID(uuidB); ok {
		t.Error("the partner organisation is still on A's MISP")
	}
	if n := len(a.sim.Servers()); n != 0 {
		t.Errorf("%d server entries left on A's MISP", n)
	}
	a.key(fyne.KeyN, ctrl)
	if a.ui.bump.session != nil || !a.hasButton("Show my code first") {
		t.Errorf("Ctrl+N did not start over: %s", a.texts())
	}
}

func TestEscapeCancelsBump(t *testing.T) {
	a, b := twoSides(t)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	handOver(t, b, a)
	review(t, a)
	if _, ok := a.sim.OrgByUUID(uuidB); !ok {
		t.Fatal("Create made no organisation")
	}
	a.key(fyne.KeyEscape, 0)
	a.waitStage(string(bump.StageCancelled))
	if _, ok := a.sim.OrgByUUID(uuidB); ok {
		t.Error("Escape left the partner organisation on A's MISP")
	}
	if !a.shows("You cancelled the bump.") {
		t.Errorf("no explanation after Escape: %s", a.texts())
	}
}

// Cancelling drops a notice about the bump that no longer applies.
func TestCancelDropsCopiedNotice(t *testing.T) {
	a, _ := twoSides(t)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	a.tap("Copy as text")
	if !a.shows("Copied your hello") {
		t.Fatalf("no notice after Copy as text: %s", a.texts())
	}
	a.key(fyne.KeyEscape, 0)
	a.waitStage(string(bump.StageCancelled))
	if a.shows("Copied") {
		t.Errorf("the cancelled bump still shows the copy notice: %s", a.texts())
	}
}
