package ui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
)

// bumpScreen runs one side of a bump. All its fields belong to the UI
// goroutine; workers hand results back through ui.do.
type bumpScreen struct {
	ui      *UI
	content *fyne.Container

	session *bump.Session
	state   bumpState
	// busy describes the running operation; "" when none runs.
	busy string
	// opID numbers the operations, so that only the newest one clears
	// busy when it ends.
	opID int
	// snapshots numbers the state copies in the order they were taken,
	// and shownSeq is the number of the copy in state.
	snapshots atomic.Int64
	shownSeq  int64
	// stopOp cancels the running operation that can be stopped (a scan,
	// the verification); nil when there is none.
	stopOp context.CancelFunc
	// scanning names the running scan source; "" when none runs.
	scanning string
	// notice is the inline message about the last scan or operation.
	notice      string
	noticeIsErr bool
	steps       stepTracker
	verifyNote  string
	cancelNote  string

	privateAccepted bool
	// newKey is the review's "give the partner a new key" choice.
	newKey       bool
	newKeyToggle *widget.Check
	privateCheck *widget.Check
	animated     bool

	reader *codes.Reader
	// pasted collects the frames of animated codes pasted as text, which
	// may arrive in several pastes.
	pasted *codes.Collector

	// keyMessage is the responder's key message, kept for displayed.
	keyMessage []byte

	code       *codeView
	camera     CameraView
	fullScreen *fullScreenView
	// buttons are the buttons of the current view by action, so that a
	// shortcut does nothing when its button is disabled or absent.
	buttons map[action]*widget.Button
}

func newBumpScreen(u *UI) *bumpScreen {
	b := &bumpScreen{
		ui:      u,
		content: container.NewStack(),
		reader:  codes.NewReader(codes.ReaderOptions{}),
		steps:   stepTracker{},
		buttons: map[action]*widget.Button{},
	}
	b.animated = u.app.Preferences().Bool(prefAnimated)
	b.code = newCodeView(u)
	b.code.setAnimated(b.animated)
	if u.opts.Camera != nil {
		b.camera = u.opts.Camera(u.app)
	}
	b.render()
	return b
}

// prefAnimated remembers the choice between a single and an animated code.
const prefAnimated = "code.animated"

// act runs a shortcut of the bump flow when its button is enabled.
func (b *bumpScreen) act(a action) {
	switch a {
	case actPasteText:
		b.pasteFromClipboard()
		return
	case actAcceptPrivate:
		if b.privateCheck != nil && b.busy == "" {
			b.privateCheck.SetChecked(!b.privateCheck.Checked)
		}
		return
	case actAnimate:
		if msg, _ := b.displayed(); msg != nil {
			b.setAnimated(!b.animated)
		}
		return
	}
	btn := b.buttons[a]
	if btn == nil || btn.Disabled() || !btn.Visible() {
		return
	}
	btn.OnTapped()
}

// escape stops the running scan or verification, or else cancels the bump.
func (b *bumpScreen) escape() {
	if b.stopOp != nil {
		b.stopOp()
		return
	}
	if b.session == nil || b.busy != "" {
		return
	}
	switch b.state.stage {
	case bump.StageDone, bump.StageCancelled, bump.StageVerify:
		return
	}
	b.cancelBump()
}

// shown runs when the Bump tab is selected.
func (b *bumpScreen) shown() {
	b.render()
}

// left runs when another tab is selected: a live scan stops, because
// the camera or the screen capture should not run unseen.
func (b *bumpScreen) left() {
	if b.stopOp != nil && (b.scanning == scanCamera || b.scanning == scanScreenSource) {
		b.stopOp()
	}
}

// stopAll stops scans and animations before the window closes.
func (b *bumpScreen) stopAll() {
	if b.stopOp != nil {
		b.stopOp()
	}
	b.code.stopAnimation()
}

// closeSession releases the session's lock on its history record when
// the window closes, so that the next start can roll back a bump left
// half-way. It runs on the UI goroutine after the window's context was
// cancelled, so a running operation returns and frees the session soon;
// waiting for it here makes sure that a new window in the same process
// does not find the record still locked.
func (b *bumpScreen) closeSession() {
	if b.session != nil {
		b.session.Close()
	}
}

func (b *bumpScreen) setAnimated(on bool) {
	b.animated = on
	b.ui.app.Preferences().SetBool(prefAnimated, on)
	b.code.setAnimated(on)
	if b.fullScreen != nil {
		b.fullScreen.code.setAnimated(on)
	}
}

// setNotice shows an inline message about the last scan or operation and
// logs it when it is an error.
func (b *bumpScreen) setNotice(text string, isErr bool) {
	b.notice, b.noticeIsErr = text, isErr
	if isErr {
		b.ui.log.Warn("bump", "problem", text)
	}
}

// render rebuilds the screen for the current state. The code view is
// kept, so an animation keeps running across renders.
func (b *bumpScreen) render() {
	b.buttons = map[action]*widget.Button{}
	b.privateCheck = nil
	b.newKeyToggle = nil
	var view fyne.CanvasObject
	switch {
	case b.session == nil:
		view = b.startView()
	default:
		view = b.sessionView()
	}
	b.content.Objects = []fyne.CanvasObject{container.NewPadded(view)}
	b.content.Refresh()
	if b.fullScreen != nil {
		if msg, _ := b.displayed(); msg == nil {
			b.leaveFullScreen()
		} else {
			b.fullScreen.code.show(msg)
		}
	}
}

// displayed returns the message the screen shows and its step. That is
// the session's outgoing message, or, while the responder verifies, the
// key message it showed last: the session drops it once the codes
// matched, but a partner who has not scanned it yet still needs it.
func (b *bumpScreen) displayed() ([]byte, exchange.Step) {
	if b.state.outgoing != nil {
		return b.state.outgoing, b.state.outStep
	}
	if b.state.stage == bump.StageVerify && b.keyMessage != nil {
		return b.keyMessage, exchange.StepKey
	}
	return nil, 0
}
