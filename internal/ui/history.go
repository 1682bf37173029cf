package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// historyScreen lists the partners and the bumps behind them.
type historyScreen struct {
	ui      *UI
	content *fyne.Container

	partners []*history.Partnership
	loadErr  error
	// selected is the partnerKey of the partnership whose details are
	// shown; "" shows the list.
	selected string
	busy     string
	notice   string
}

func newHistoryScreen(u *UI) *historyScreen {
	h := &historyScreen{ui: u, content: container.NewStack()}
	h.render()
	return h
}

// reload reads the history again on a worker goroutine.
func (h *historyScreen) reload() {
	store := h.ui.store
	h.ui.goWork("load history", func(context.Context) {
		partners, err := store.Partners()
		h.ui.do(func() {
			h.partners, h.loadErr = partners, err
			if err != nil {
				h.ui.log.Warn("history", "err", err)
			}
			h.render()
		})
	})
}

func (h *historyScreen) render() {
	var view fyne.CanvasObject
	if p := h.find(h.selected); p != nil {
		view = h.detailView(p)
	} else {
		h.selected = ""
		view = h.listView()
	}
	h.content.Objects = []fyne.CanvasObject{container.NewPadded(view)}
	h.content.Refresh()
}

func (h *historyScreen) find(key string) *history.Partnership {
	if key == "" {
		return nil
	}
	for _, p := range h.partners {
		if partnerKey(p) == key {
			return p
		}
	}
	return nil
}

// partnerKey identifies a partnership in the list. The partner's uuid
// alone is not enough, because an admin who changed the configured MISP
// URL has a partnership with the same partner on each MISP.
func partnerKey(p *history.Partnership) string {
	return p.MISPURL + " " + p.Partner.OrgUUID
}

// onConfiguredMISP reports whether p was set up on the MISP that the
// profile configures now. Its recorded ids name objects on that MISP
// only, so only then can the app verify or remove it.
func (h *historyScreen) onConfiguredMISP(p *history.Partnership) bool {
	return p.Latest != nil && p.Latest.OnMISP(h.ui.cfg.MISPURL)
}

// showMISP reports whether the list names each partnership's MISP:
// when the history holds several MISPs or one other than the
// configured MISP.
func (h *historyScreen) showMISP() bool {
	for _, p := range h.partners {
		if !h.onConfiguredMISP(p) {
			return true
		}
	}
	return false
}

// listView shows one row per partner, newest activity first.
func (h *historyScreen) listView() fyne.CanvasObject {
	refresh := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), h.reload)
	top := container.NewBorder(nil, nil,
		widget.NewLabelWithStyle("Partners", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), refresh)
	box := container.NewVBox()
	if h.loadErr != nil {
		box.Add(dangerLabel("Some bump records cannot be read: " + h.loadErr.Error()))
	}
	if len(h.partners) == 0 {
		box.Add(wrapLabel("No partners yet. Bumps you make appear here."))
	}
	showMISP := h.showMISP()
	for _, p := range slices.Backward(h.partners) {
		box.Add(h.partnerRow(p, showMISP))
	}
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(box))
}

// partnerRow is a partner's name, status and last verification, with
// a button to its details, and with showMISP the MISP it is set up on.
func (h *historyScreen) partnerRow(p *history.Partnership, showMISP bool) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(p.Partner.OrgName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	key := partnerKey(p)
	details := widget.NewButtonWithIcon("Details", theme.NavigateNextIcon(), func() {
		h.selected = key
		h.notice = ""
		h.render()
	})
	row := container.NewVBox(container.NewBorder(nil, nil, nil, details, name), statusRow(p))
	if showMISP {
		row.Add(wrapLabel(h.mispLine(p)))
	}
	row.Add(widget.NewSeparator())
	return row
}

// mispLine names the MISP a partnership is set up on, and notes when it
// is not the configured one.
func (h *historyScreen) mispLine(p *history.Partnership) string {
	line := "On your MISP " + orDash(p.MISPURL)
	if !h.onConfiguredMISP(p) {
		line += " (not the MISP configured now)"
	}
	return line
}

// statusLine summarises a partnership: status and last verification.
func statusLine(p *history.Partnership) string {
	line := statusText(p.Status)
	if v := p.LastVerification; v != nil {
		result := "passed"
		if !verified(v) {
			result = "failed"
		}
		line += fmt.Sprintf("; last verification %s, %s", v.Time.Local().Format("2006-01-02 15:04"), result)
	} else {
		line += "; never verified"
	}
	return line
}

func statusText(s history.Status) string {
	switch s {
	case history.StatusPending:
		return "Unfinished"
	case history.StatusApplied:
		return "Set up, waiting for the codes to be confirmed"
	case history.StatusConfirmed:
		return "Confirmed, not verified yet"
	case history.StatusVerified:
		return "Verified"
	case history.StatusFailed:
		return "Failed"
	case history.StatusRemoved:
		return "Removed"
	}
	return string(s)
}

// statusRow shows a partnership's status line with an icon. Only a
// failure is coloured: green text on a light background is hard to read.
func statusRow(p *history.Partnership) fyne.CanvasObject {
	text := wrapLabel(statusLine(p))
	icon := theme.InfoIcon()
	switch p.Status {
	case history.StatusVerified:
		icon = theme.ConfirmIcon()
	case history.StatusFailed:
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		text.Importance = widget.DangerImportance
	case history.StatusRemoved:
		icon = theme.DeleteIcon()
		text.Importance = widget.LowImportance
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, text)
}

// verifyAgain runs MISP's connection test for the partnership.
func (h *historyScreen) verifyAgain(p *history.Partnership) {
	pv, err := h.provisioner()
	if err != nil {
		h.ui.showError("Cannot verify", err)
		return
	}
	h.runAction("Verifying the connection to "+p.Partner.OrgName+"…", func(ctx context.Context) (string, error) {
		v, err := pv.VerifyAgain(ctx, p)
		if err != nil {
			return "", err
		}
		if verified(v) {
			return "Verified: " + v.Message, nil
		}
		return "", fmt.Errorf("the connection test failed: %s", v.Message)
	})
}

// removePartnership asks for confirmation, then ends the partnership on
// the admin's MISP.
func (h *historyScreen) removePartnership(p *history.Partnership) {
	pv, err := h.provisioner()
	if err != nil {
		h.ui.showError("Cannot remove the partnership", err)
		return
	}
	msg := fmt.Sprintf("Remove the partnership with %s? This deletes the server entry and the sync user "+
		"on your MISP, so the partner's key stops working, and the organisation if a bump created it and "+
		"no user is left in it. Ask your partner to remove its side too.", p.Partner.OrgName)
	h.ui.confirm("Remove partnership", msg, "Remove", func() {
		h.runAction("Removing the partnership with "+p.Partner.OrgName+"…", func(ctx context.Context) (string, error) {
			done, err := pv.Remove(ctx, p)
			if err != nil {
				return "", err
			}
			return "Removed: " + strings.Join(done, "; ") + ".", nil
		})
	})
}

// provisioner returns a provisioner for the configured MISP.
func (h *historyScreen) provisioner() (*provision.Provisioner, error) {
	client, err := h.ui.cfg.MISPClient(h.ui.log)
	if err != nil {
		return nil, err
	}
	return &provision.Provisioner{Client: client, Store: h.ui.store, Logger: h.ui.log}, nil
}

// runAction runs a history action on a worker goroutine, shows its
// result and reloads the history.
func (h *historyScreen) runAction(busy string, action func(ctx context.Context) (string, error)) {
	if h.busy != "" {
		return
	}
	h.busy, h.notice = busy, ""
	h.render()
	h.ui.goWork(busy, func(ctx context.Context) {
		result, err := action(ctx)
		h.ui.do(func() {
			h.busy = ""
			if err != nil {
				h.ui.showError("The action failed", err)
			} else {
				h.notice = result
			}
			h.render()
			h.reload()
		})
	})
}
