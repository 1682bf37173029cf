package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
)

// pollInterval is how often the --in directory is read for new files.
const pollInterval = 250 * time.Millisecond

// bumpRun is one run of `mispbump bump`.
type bumpRun struct {
	env     *Env
	flags   bumpFlags
	session *bump.Session
	out     io.Writer

	written   map[exchange.Step]bool
	inbox     *inbox
	confirmed bool
	// newSession opens a fresh session with the same settings, for a
	// responder whose partner started the bump again.
	newSession func() (*bump.Session, error)
}

func (r *bumpRun) run(ctx context.Context) error {
	r.written = map[exchange.Step]bool{}
	r.inbox = newInbox(r.flags.inDir, r.env.Logger)
	if n := clearOldCodes(r.flags.outDir); n > 0 {
		fmt.Fprintf(r.out, "Removed %d code files of an earlier bump from %s.\n", n, r.flags.outDir)
	}
	if r.session.Role() == history.RoleInitiator {
		fmt.Fprintf(r.out, "Starting a bump as initiator. Give your partner the codes written to %s.\n", r.flags.outDir)
	} else {
		fmt.Fprintf(r.out, "Starting a bump as responder. Waiting for your partner's first code in %s.\n", r.flags.inDir)
	}
	for {
		if err := r.writeOutgoing(ctx); err != nil {
			return err
		}
		var err error
		switch stage := r.session.Stage(); stage {
		case bump.StageShowHello, bump.StageWaitHello, bump.StageShowReply, bump.StageShowOffer:
			err = r.receive(ctx)
		case bump.StageReview:
			err = r.review(ctx)
		case bump.StageFailed:
			err = r.session.LastError()
		case bump.StageCompare:
			err = r.compare(ctx)
		case bump.StageVerify:
			return r.verify(ctx)
		case bump.StageCancelled:
			return errors.New("the bump was cancelled")
		default:
			return fmt.Errorf("the bump stopped at an unexpected stage %q", stage)
		}
		if err != nil {
			return err
		}
	}
}

// writeOutgoing writes the current message for the partner once.
func (r *bumpRun) writeOutgoing(ctx context.Context) error {
	msg, step := r.session.Outgoing()
	if msg == nil || r.written[step] {
		return nil
	}
	files, err := writeCode(r.flags.outDir, step, msg, r.flags.animated)
	if err != nil {
		return err
	}
	r.written[step] = true
	fmt.Fprintf(r.out, "Wrote your %s (%d of 4) for the partner: %s\n", step, int(step), joinNames(files))
	if r.flags.terminal {
		drawTerminal(r.out, msg)
	}
	return nil
}

// receive waits until a file in --in holds the next message.
func (r *bumpRun) receive(ctx context.Context) error {
	want := r.session.Expected()
	fmt.Fprintf(r.out, "Waiting for your partner's %s (%d of 4) in %s…\n", want, int(want), r.flags.inDir)
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		for _, c := range r.inbox.poll(r.out) {
			got, err := r.session.Receive(ctx, c.message)
			if err != nil {
				if r.restartOnNewHello(ctx, c) {
					return nil
				}
				if r.session.Stage() == bump.StageCancelled {
					return err
				}
				r.inbox.reject(r.out, c, err, r.session.Role())
				continue
			}
			fmt.Fprintf(r.out, "Received the %s from %s.\n", got.Description, c.file)
			if got.StepErr != nil {
				return got.StepErr
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}

// restartOnNewHello handles a partner who started the bump again, for
// example after a failure: a responder that has only shown its reply
// (nothing is created yet) and finds a hello of another bump answers
// that one instead. It reports whether it did.
func (r *bumpRun) restartOnNewHello(ctx context.Context, c candidate) bool {
	if r.session.Role() != history.RoleResponder || r.session.Stage() != bump.StageShowReply {
		return false
	}
	h, err := exchange.Inspect(c.message)
	if err != nil || h.Step != exchange.StepHello || h.Session == r.session.SessionID() {
		return false
	}
	fresh, err := r.newSession()
	if err != nil {
		return false
	}
	if _, err := fresh.Receive(ctx, c.message); err != nil {
		fresh.Close()
		return false
	}
	r.session.Close()
	r.session = fresh
	r.written = map[exchange.Step]bool{}
	fmt.Fprintf(r.out, "Your partner started the bump again (%s): answering the new first code.\n", c.file)
	return true
}

// review shows the partner and the plan and asks before creating.
func (r *bumpRun) review(ctx context.Context) error {
	partner := r.session.Partner()
	plan, planErr := r.session.Plan()
	printPartner(r.out, partner)
	if planErr != nil {
		return fmt.Errorf("cannot set up this partner: %w", planErr)
	}
	fmt.Fprintf(r.out, "\nOn %s, mispbump will:\n", r.env.Config.MISPURL)
	for _, s := range plan.Steps() {
		fmt.Fprintf(r.out, "  - %s\n", s.Detail)
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(r.out, "  Note: %s\n", n)
	}
	allowPrivate := r.flags.allowPrivate
	if reason := r.session.PrivateURL(); reason != "" && !allowPrivate {
		var err error
		allowPrivate, err = r.askUser(ctx, fmt.Sprintf("The partner URL %s is not public: %s. Your MISP would call it. Accept it?", partner.URL, reason), false)
		if err != nil {
			return err
		}
		if !allowPrivate {
			return fmt.Errorf("the partner URL %s was not accepted: it points at a private address (%s); pass --allow-private-url if this partner is on your network", partner.URL, reason)
		}
	}
	question := "Create this partnership?"
	if plan.NothingToDo() {
		question = "Nothing needs to change on your MISP. Continue?"
	}
	yes, err := r.askUser(ctx, question, r.flags.yes)
	if err != nil {
		return err
	}
	if !yes {
		return errors.New("you declined to create the partnership")
	}
	return r.session.Approve(ctx, allowPrivate)
}

// compare shows the confirmation code and asks whether it matches.
func (r *bumpRun) compare(ctx context.Context) error {
	code, err := r.session.Code()
	if err != nil {
		return err
	}
	fmt.Fprintf(r.out, "\n    Confirmation code:  %s\n\n", code)
	if !r.session.Changed() {
		fmt.Fprintln(r.out, "Nothing needed changing on your MISP: this partnership already exists.")
	}
	match, err := r.askUser(ctx, "Does your partner see the same code?", r.flags.yes)
	if err != nil {
		return err
	}
	if err := r.session.Confirm(ctx, match); err != nil {
		return err
	}
	if !match && !r.session.Changed() {
		fmt.Fprintln(r.out, "The codes differ. This bump created nothing, so nothing was removed: the existing partnership stays as it was.")
		return errors.New("the confirmation codes differed: someone else's code may have been used; start again, face to face or on a call")
	}
	if !match {
		fmt.Fprintln(r.out, "The codes differ: everything this bump created was removed.")
		return errors.New("the confirmation codes differed: someone else's code may have been used; start again, face to face or on a call")
	}
	r.confirmed = true
	return nil
}

// verify runs the connection test and prints the outcome.
func (r *bumpRun) verify(ctx context.Context) error {
	v, err := r.session.Verify(ctx, func(msg string) { fmt.Fprintln(r.out, msg) })
	if v != nil {
		fmt.Fprintf(r.out, "Connection test from your MISP: %s\n", v.Message)
		if v.ReverseMessage != "" {
			fmt.Fprintf(r.out, "Partner's key, tried from here: %s\n", v.ReverseMessage)
		}
	}
	if err != nil {
		return err
	}
	partner := r.session.Partner()
	if !v.OK {
		return fmt.Errorf("the partnership with %s is set up, but the connection test failed: fix the cause above and run 'mispbump verify %s'", partner.OrgName, partner.OrgUUID)
	}
	if r.session.Changed() {
		fmt.Fprintf(r.out, "Done: the partnership with %s is set up and verified.\n", partner.OrgName)
	} else {
		fmt.Fprintf(r.out, "Done: nothing changed; the partnership with %s already existed and is verified.\n", partner.OrgName)
	}
	return nil
}

// askUser asks a yes/no question unless the answer is given. It returns
// the context's error when the bump times out or is interrupted while
// waiting for the answer.
func (r *bumpRun) askUser(ctx context.Context, question string, given bool) (bool, error) {
	if given {
		fmt.Fprintf(r.out, "%s yes (--yes)\n", question)
		return true, nil
	}
	return askContext(ctx, &r.env.streams, question)
}

// cancel undoes the bump after an error and prints the outcome.
func (r *bumpRun) cancel(cause error) {
	if r.session.Stage() == bump.StageCancelled {
		// Already undone, and said so (codes that differed).
		return
	}
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if err := r.session.Cancel(ctx, "bump stopped: "+cause.Error()); err != nil {
		fmt.Fprintf(r.out, "Could not undo everything: %v\n", err)
		return
	}
	rec := r.session.Record()
	if rec == nil || rec.Status != history.StatusRemoved {
		return
	}
	keptNotes := rec.KeptNotes()
	for _, note := range keptNotes {
		fmt.Fprintf(r.out, "On your MISP %s.\n", note)
	}
	switch {
	case removedSomething(rec) && len(keptNotes) > 0:
		fmt.Fprintln(r.out, "Undone: everything else this bump created on your MISP was removed.")
	case removedSomething(rec):
		fmt.Fprintln(r.out, "Undone: everything this bump created on your MISP was removed.")
	case len(keptNotes) == 0:
		fmt.Fprintln(r.out, "This bump had created nothing on your MISP, so nothing was removed.")
	}
}

// removedSomething reports whether a rollback deleted objects.
func removedSomething(b *history.Bump) bool {
	for _, o := range b.Objects {
		if o.State == history.StateRemoved {
			return true
		}
	}
	return false
}

func (r *bumpRun) result(err error) bumpResult {
	res := bumpResult{Role: r.flags.role, Partner: history.Partner{}, Objects: []history.Object{}, Status: history.StatusFailed}
	if r.session == nil {
		res.Error = errorText(err)
		return res
	}
	if rec := r.session.Record(); rec != nil {
		res.BumpID, res.Partner, res.Status, res.Objects = rec.ID, rec.Partner, rec.Status, rec.Objects
		res.Changed = rec.Changed()
	}
	if code, codeErr := r.session.Code(); codeErr == nil {
		res.Code = code
	}
	res.Verification = r.session.Verification()
	res.Error = errorText(err)
	return res
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func printPartner(w io.Writer, p exchange.Profile) {
	fmt.Fprintln(w, "\nYour partner:")
	t := table(w)
	fmt.Fprintf(t, "  Organisation\t%s\n", p.OrgName)
	fmt.Fprintf(t, "  uuid\t%s\n", p.OrgUUID)
	if p.Sector != "" || p.Nationality != "" || p.OrgType != "" {
		fmt.Fprintf(t, "  sector, nationality, type\t%s, %s, %s\n", orNone(p.Sector), orNone(p.Nationality), orNone(p.OrgType))
	}
	fmt.Fprintf(t, "  MISP\t%s (version %s)\n", p.URL, orNone(p.MISPVersion))
	fmt.Fprintf(t, "  Sync user e-mail\t%s\n", p.SyncEmail)
	fmt.Fprintf(t, "  Wants to\tpull %s, push %s\n", yesNo(p.Pull), yesNo(p.Push))
	if len(p.TLSPin) > 0 {
		fmt.Fprintf(t, "  Certificate pin\t%s\n", config.FormatPin(p.TLSPin))
	}
	t.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
