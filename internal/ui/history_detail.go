package ui

import (
	"encoding/hex"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/history"

	"github.com/mispbump/mispbump/internal/config"
)

// timeFormat is the layout of times in the history, which shows them in
// the local zone.
const timeFormat = "2006-01-02 15:04:05"

// detailView shows one partner: its profile, the actions, the last
// verification and every bump with its objects and timeline.
func (h *historyScreen) detailView(p *history.Partnership) fyne.CanvasObject {
	back := widget.NewButtonWithIcon("Partners", theme.NavigateBackIcon(), func() {
		h.selected, h.notice = "", ""
		h.render()
	})
	box := container.NewVBox(
		widget.NewLabelWithStyle(p.Partner.OrgName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		statusRow(p),
		h.actionsView(p),
	)
	if h.busy != "" {
		box.Add(wrapLabel(h.busy))
		box.Add(widget.NewProgressBarInfinite())
	}
	if h.notice != "" {
		n := wrapLabel(h.notice)
		n.Importance = widget.SuccessImportance
		box.Add(n)
	}
	if v := p.LastVerification; v != nil {
		box.Add(verificationView(v))
	}
	box.Add(widget.NewForm(
		formRow("UUID", p.Partner.OrgUUID),
		formRow("Partner's MISP", p.Partner.URL),
		formRow("MISP version", orDash(p.Partner.MISPVersion)),
		formRow("Sync e-mail", orDash(p.Partner.SyncEmail)),
		formRow("TLS pin", orDash(hexPin(p.Partner.TLSPin))),
		formRow("Your MISP", orDash(p.MISPURL)),
	))
	box.Add(widget.NewLabelWithStyle("Bumps", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	bumps := widget.NewAccordion()
	for _, b := range slices.Backward(p.Bumps) {
		title := fmt.Sprintf("%s, %s: %s", b.Started.Local().Format("2006-01-02 15:04"), b.Role, statusText(b.Status))
		bumps.Append(widget.NewAccordionItem(title, bumpDetail(b)))
	}
	if len(bumps.Items) > 0 {
		bumps.Open(0)
	}
	box.Add(bumps)
	return container.NewBorder(container.NewHBox(back), nil, nil, nil, container.NewVScroll(box))
}

// actionsView offers Verify again and Remove partnership for a
// partnership on the configured MISP. For one on another MISP, whose
// recorded ids name objects there, it says which MISP to configure.
func (h *historyScreen) actionsView(p *history.Partnership) fyne.CanvasObject {
	if !h.onConfiguredMISP(p) {
		note := wrapLabel(fmt.Sprintf("This partnership is on %s, not on the MISP configured now (%s). "+
			"To verify or remove it, set that MISP on the Profile screen.", orDash(p.MISPURL), orDash(h.ui.cfg.MISPURL)))
		note.Importance = widget.WarningImportance
		return note
	}
	verify := widget.NewButtonWithIcon("Verify again", theme.ViewRefreshIcon(), func() { h.verifyAgain(p) })
	remove := widget.NewButtonWithIcon("Remove partnership", theme.DeleteIcon(), func() { h.removePartnership(p) })
	remove.Importance = widget.DangerImportance
	if h.busy != "" || p.Status == history.StatusRemoved {
		verify.Disable()
		remove.Disable()
	}
	return container.NewVBox(verify, remove)
}

// bumpDetail lists a bump's objects and its timeline.
func bumpDetail(b *history.Bump) fyne.CanvasObject {
	box := container.NewVBox(wrapLabel("Bump " + b.ID))
	if !b.Changed() {
		box.Add(wrapLabel("Nothing changed: everything existed already."))
	}
	for _, o := range b.Objects {
		line := fmt.Sprintf("%s: %s", stepName(o.Kind), o.State)
		if o.ID != 0 {
			line += fmt.Sprintf(", id %d", o.ID)
		}
		if o.Natural != "" {
			line += " (" + o.Natural + ")"
		}
		if o.Note != "" {
			line += ": " + o.Note
		}
		box.Add(wrapLabel(line))
	}
	box.Add(widget.NewLabelWithStyle("Timeline", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
	for _, e := range b.Timeline {
		line := e.Time.Local().Format(timeFormat) + "  " + statusText(e.Status)
		if e.Note != "" {
			line += ": " + e.Note
		}
		box.Add(wrapLabel(line))
	}
	return box
}

// hexPin shows a pin stored as hex in the history the way the rest of
// the app shows pins: upper-case pairs joined by colons.
func hexPin(stored string) string {
	pin, err := hex.DecodeString(stored)
	if err != nil || len(pin) == 0 {
		return stored
	}
	return config.FormatPin(pin)
}
