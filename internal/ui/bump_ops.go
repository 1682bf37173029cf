package ui

import (
	"context"
	"errors"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// run starts op on a worker goroutine and shows busy until it returns.
// Then, still on the worker, it copies the session's state, and on the UI
// goroutine it stores that state, calls after with op's error and renders.
// A result that arrives after the admin started another bump is dropped,
// and a state copied before the one on screen is not shown.
func (b *bumpScreen) run(busy string, stoppable bool, op func(ctx context.Context) error, after func(error)) {
	sess := b.session
	ctx, stop := context.WithCancel(b.ui.ctx)
	b.opID++
	id := b.opID
	b.busy, b.stopOp = busy, nil
	if stoppable {
		b.stopOp = stop
	}
	b.render()
	b.ui.goWork(busy, func(context.Context) {
		defer stop()
		err := op(ctx)
		var st bumpState
		seq := b.snapshots.Add(1)
		if sess != nil {
			st = snapshot(sess)
		}
		b.ui.do(func() {
			if b.session != sess {
				return
			}
			if id == b.opID {
				b.busy, b.stopOp, b.scanning = "", nil, ""
			}
			if sess != nil && seq > b.shownSeq {
				b.state, b.shownSeq = st, seq
				if st.outStep == exchange.StepKey {
					b.keyMessage = st.outgoing
				}
			}
			if after != nil {
				after(err)
			}
			b.render()
			b.next()
		})
	})
}

// next starts what follows by itself: the verification once the codes
// matched.
func (b *bumpScreen) next() {
	if b.session != nil && b.busy == "" && b.state.stage == bump.StageVerify {
		b.verify()
	}
}

// start reads the admin's profile from MISP and starts a session.
func (b *bumpScreen) start(role history.Role) {
	if b.busy != "" || (b.session != nil && !b.ended()) {
		return
	}
	cfg := *b.ui.cfg
	client, err := cfg.MISPClient(b.ui.log)
	if err != nil {
		b.setNotice(errText(err)+". Set it on the Profile screen.", true)
		b.render()
		return
	}
	b.reset()
	sync := provision.SyncSettings{Pull: cfg.Pull, Push: cfg.Push, Email: cfg.SyncEmail}
	var sess *bump.Session
	b.run("Reading your MISP profile…", false, func(ctx context.Context) error {
		profile, err := provision.Fetch(ctx, client, provision.FetchOptions{Logger: b.ui.log})
		if err != nil {
			return err
		}
		b.ui.do(func() { b.ui.setTitle(profile.Org.Name) })
		sess, err = bump.New(bump.Config{
			Role: role, Client: client, Store: b.ui.store, Profile: profile, Sync: sync,
			Logger: b.ui.log, Progress: b.progressFunc(), VerifyWait: b.ui.opts.VerifyWait,
		})
		return err
	}, func(err error) {
		if err != nil {
			b.setNotice("Cannot start the bump: "+err.Error(), true)
			return
		}
		b.session = sess
		b.state = snapshotNew(sess)
	})
}

// snapshotNew copies a session that was just made; no other goroutine
// can hold its lock yet, so this is safe on the UI goroutine.
func snapshotNew(s *bump.Session) bumpState { return snapshot(s) }

// progressFunc passes provisioning events to the step display.
func (b *bumpScreen) progressFunc() func(provision.Event) {
	return func(e provision.Event) {
		b.ui.do(func() {
			b.steps.add(e)
			if b.busy != "" {
				b.render()
			}
		})
	}
}

// ended reports whether the current session is over.
func (b *bumpScreen) ended() bool {
	switch b.state.stage {
	case bump.StageDone, bump.StageCancelled:
		return true
	}
	return false
}

// reset drops the finished session and shows the start view.
func (b *bumpScreen) reset() {
	if b.busy != "" {
		return
	}
	if sess := b.session; sess != nil {
		// An ended session has released its record already; Close
		// makes sure, off the UI goroutine.
		b.ui.goWork("close the bump session", func(context.Context) { sess.Close() })
	}
	b.session, b.state = nil, bumpState{}
	b.steps = stepTracker{}
	b.notice, b.noticeIsErr, b.verifyNote, b.cancelNote = "", false, "", ""
	b.privateAccepted = false
	b.newKey = false
	b.keyMessage = nil
	b.pasted = nil
	b.code.show(nil)
	b.render()
}

// approve creates this side's part of the partnership.
func (b *bumpScreen) approve() {
	if b.busy != "" || b.state.stage != bump.StageReview {
		return
	}
	sess, allow, newKey := b.session, b.privateAccepted, b.newKey
	b.notice = ""
	busy := "Creating the partnership on your MISP…"
	if b.state.plan != nil && b.state.plan.NothingToDo() {
		busy = "Recording the bump; nothing changes on your MISP…"
	}
	b.run(busy, false, func(ctx context.Context) error {
		if err := sess.SetNewKey(newKey); err != nil {
			return err
		}
		return sess.Approve(ctx, allow)
	}, func(err error) {
		if err != nil && b.state.stage != bump.StageFailed {
			// Rejected before any step ran, e.g. a private URL not
			// accepted: the review stays.
			b.setNotice(errText(err), true)
			b.ui.showError("Cannot create the partnership", err)
		}
	})
}

// retry runs the failed step again.
func (b *bumpScreen) retry() {
	if b.busy != "" || b.state.stage != bump.StageFailed {
		return
	}
	sess := b.session
	b.notice = ""
	b.run("Retrying…", false, func(ctx context.Context) error {
		return sess.Retry(ctx)
	}, func(err error) {
		if err != nil {
			b.ui.log.Warn("retry failed", "err", err)
		}
	})
}

// confirm takes the admin's verdict on the confirmation codes.
func (b *bumpScreen) confirm(match bool) {
	if b.busy != "" || b.state.stage != bump.StageCompare {
		return
	}
	sess := b.session
	busy := "Enabling the sync user and the server entry…"
	if !match {
		busy = "Removing what this bump created…"
		b.cancelNote = "The confirmation codes differed, so a code may have come from someone else. " +
			"Start again, face to face if you can."
	}
	b.notice = ""
	b.run(busy, false, func(ctx context.Context) error {
		return sess.Confirm(ctx, match)
	}, func(err error) {
		if err != nil && b.state.stage != bump.StageFailed {
			b.ui.showError("Cannot record the verdict", err)
		}
	})
}

// verify runs the connection test, waiting for the partner.
func (b *bumpScreen) verify() {
	sess := b.session
	b.verifyNote = "Testing the connection…"
	b.run("Verifying the sync connection…", true, func(ctx context.Context) error {
		_, err := sess.Verify(ctx, func(note string) {
			b.ui.do(func() {
				b.verifyNote = capitalise(note)
				b.render()
			})
		})
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, context.Canceled):
			b.setNotice("Verification stopped. Use \"Verify again\" on the History screen later.", false)
		case err != nil:
			b.ui.showError("Verification failed", err)
		}
	})
}

// cancelBump stops the bump and removes what it created.
func (b *bumpScreen) cancelBump() {
	if b.session == nil || b.ended() {
		return
	}
	if b.stopOp != nil {
		b.stopOp()
	}
	sess := b.session
	if b.cancelNote == "" {
		b.cancelNote = "You cancelled the bump."
	}
	// A notice such as "Copied …" no longer applies; a problem may be the
	// reason for the cancel, so it stays.
	if !b.noticeIsErr {
		b.notice = ""
	}
	b.run("Cancelling the bump…", false, func(ctx context.Context) error {
		return sess.Cancel(ctx, "cancelled by the admin")
	}, func(err error) {
		if err != nil {
			b.ui.showError("Could not remove everything this bump created", errors.Join(err,
				errors.New("the bump stays in the history as unfinished: the app offers to roll it back at the next start")))
		}
	})
}

// receivedNotice shows what a scan delivered.
func (b *bumpScreen) receivedNotice(got bump.Received) {
	b.setNotice("Received the "+got.Description+".", false)
	if got.StepErr != nil {
		b.setNotice("Received the "+got.Description+", but the next step failed: "+got.StepErr.Error(), true)
	}
}

// rejectionText explains why a complete code was not taken.
func rejectionText(err error) string {
	if errors.Is(err, exchange.ErrCommitment) {
		return errText(err)
	}
	return "This code cannot be used: " + err.Error()
}
