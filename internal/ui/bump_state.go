package ui

import (
	"fmt"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// bumpState is a copy of what the bump screen shows about a session. The
// worker goroutine takes it after each operation, because the session's
// methods wait while another call (such as Verify) holds its lock, and a
// wait on the UI goroutine would freeze the window.
type bumpState struct {
	stage    bump.Stage
	role     history.Role
	outgoing []byte
	outStep  exchange.Step
	expected exchange.Step
	partner  exchange.Profile
	plan     *provision.Plan
	planErr  error
	private  string
	code     string
	lastErr  error
	changed  bool
	// created is true once Approve recorded the bump in the history.
	created bool
	// keptNotes lists, after a rollback, the created objects that stayed
	// on MISP and why.
	keptNotes    []string
	verification *history.Verification
}

// snapshot copies the session's state. It may wait for the session's
// lock, so it runs on a worker goroutine.
func snapshot(s *bump.Session) bumpState {
	st := bumpState{stage: s.Stage(), role: s.Role()}
	st.outgoing, st.outStep = s.Outgoing()
	st.expected = s.Expected()
	st.partner = s.Partner()
	st.plan, st.planErr = s.Plan()
	st.private = s.PrivateURL()
	if code, err := s.Code(); err == nil {
		st.code = code
	}
	st.lastErr = s.LastError()
	st.changed = s.Changed()
	if rec := s.Record(); rec != nil {
		st.created = true
		st.keptNotes = rec.KeptNotes()
	}
	st.verification = s.Verification()
	return st
}

// ownStepText names the message this side shows, such as "your hello
// (1 of 4)".
func ownStepText(step exchange.Step) string {
	return fmt.Sprintf("your %s (%d of 4)", step, int(step))
}

// heading returns the title of the stage for the admin.
func (st bumpState) heading() string {
	switch st.stage {
	case bump.StageShowHello, bump.StageShowReply, bump.StageShowOffer:
		return fmt.Sprintf("Step %d of 4: show this code to your partner", int(st.outStep))
	case bump.StageWaitHello:
		return "Step 1 of 4: scan your partner's code"
	case bump.StageReview:
		return "Review your partner before anything is created"
	case bump.StageCompare:
		if st.outgoing != nil {
			return "Step 4 of 4: show this code, then compare the confirmation code"
		}
		return "Compare the confirmation code"
	case bump.StageFailed:
		return "A step failed"
	case bump.StageVerify:
		return "Checking the sync connection"
	case bump.StageDone:
		return "Bump finished"
	case bump.StageCancelled:
		return "Bump cancelled"
	}
	return string(st.stage)
}

// help returns what to do at the stage.
func (st bumpState) help() string {
	switch st.stage {
	case bump.StageShowHello:
		return "Your partner chooses \"Scan partner's code first\" and scans this code. " +
			"Then scan their reply."
	case bump.StageShowReply, bump.StageShowOffer:
		return "Let your partner scan this code, then scan their next one."
	case bump.StageWaitHello:
		return "Your partner chose \"Show my code first\". Scan the code on their screen, " +
			"or open or paste it."
	case bump.StageCompare:
		if st.outgoing != nil {
			return "Your partner scans this last code. Then you both see the confirmation code below."
		}
	}
	return ""
}

// waitingFor names the next message to scan, or "" when none is expected.
func (st bumpState) waitingFor() string {
	if st.expected == 0 {
		return ""
	}
	return bump.Describe(st.expected)
}
