package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// offerRecovery looks for bumps that a crash or a closed window left
// unfinished and offers to roll them back. Their handshake keys lived
// only in memory, so they cannot be finished.
func (u *UI) offerRecovery() {
	store := u.store
	u.goWork("look for unfinished bumps", func(context.Context) {
		all, err := store.Unfinished()
		// Only bumps on the MISP configured now can be rolled back from
		// here, and not those another mispbump process is still running.
		var unfinished []*history.Bump
		for _, b := range all {
			if (b.MISPURL == "" || b.OnMISP(u.cfg.MISPURL)) && !store.Running(b.ID) {
				unfinished = append(unfinished, b)
			}
		}
		u.do(func() {
			if err != nil {
				u.log.Warn("read unfinished bumps", "err", err)
			}
			if len(unfinished) > 0 {
				u.askRecovery(unfinished)
			}
		})
	})
}

func (u *UI) askRecovery(unfinished []*history.Bump) {
	var names []string
	for _, b := range unfinished {
		names = append(names, fmt.Sprintf("%s (started %s, %s)",
			b.Partner.OrgName, b.Started.Local().Format("2006-01-02 15:04"), statusText(b.Status)))
	}
	what := "A bump did not finish"
	if len(unfinished) > 1 {
		what = fmt.Sprintf("%d bumps did not finish", len(unfinished))
	}
	msg := fmt.Sprintf("%s: %s. It may have left objects on your MISP, and it cannot be completed, "+
		"because its handshake lived only in the program that ran it. "+
		"Roll back now? This removes only what those bumps created.",
		what, strings.Join(names, "; "))
	u.confirm("Unfinished bump", msg, "Roll back", u.recoverBumps)
}

// recoverBumps rolls back the unfinished bumps on a worker goroutine.
func (u *UI) recoverBumps() {
	client, err := u.cfg.MISPClient(u.log)
	if err != nil {
		u.showError("Cannot roll back", err)
		return
	}
	pv := &provision.Provisioner{Client: client, Store: u.store, Logger: u.log}
	u.goWork("roll back unfinished bumps", func(ctx context.Context) {
		done, err := pv.Recover(ctx)
		u.do(func() {
			if err != nil {
				u.showError("Roll-back failed", fmt.Errorf("%w: the app offers it again at the next start", err))
				return
			}
			switch len(done) {
			case 0:
				u.showInfo("Nothing rolled back", "The unfinished bumps are running in another mispbump, or belong to another MISP.")
			case 1:
				u.showInfo("Rolled back", "The unfinished bump was rolled back.")
			default:
				u.showInfo("Rolled back", fmt.Sprintf("%d unfinished bumps were rolled back.", len(done)))
			}
			u.history.reload()
		})
	})
}
