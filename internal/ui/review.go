package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/provision"
)

// reviewView returns the card the admin reads before anything is created:
// who the partner is, where its MISP is, what it requests, and what this
// app will do on the admin's MISP.
func (b *bumpScreen) reviewView(st bumpState) fyne.CanvasObject {
	p := st.partner
	if st.plan != nil && st.plan.Options.NewKey != b.newKey {
		// Show the plan as it will run with the admin's key choice.
		withChoice := *st.plan
		withChoice.Options.NewKey = b.newKey
		st.plan = &withChoice
	}
	details := container.NewVScroll(container.NewVBox(heading(p.OrgName), partnerForm(p), planView(st)))

	create := widget.NewButtonWithIcon(createLabel(st.plan), theme.ConfirmIcon(), b.approve)
	create.Importance = widget.HighImportance
	b.buttons[actCreate] = create
	cancel := widget.NewButtonWithIcon("Cancel bump", theme.CancelIcon(), b.cancelBump)

	// The decision stays in view below the scrolling details.
	bottom := container.NewVBox(widget.NewSeparator())
	if check := b.newKeyCheck(st); check != nil {
		bottom.Add(check)
	}
	if st.private != "" {
		// A check's own text does not wrap, so the reason is a label.
		check := widget.NewCheck("Create it anyway", func(on bool) {
			b.privateAccepted = on
			b.updateCreate()
		})
		check.SetChecked(b.privateAccepted)
		b.privateCheck = check
		reason := wrapLabel("Your partner's MISP is on a private network: " + st.private + ". " +
			"Go ahead only if both MISPs can reach each other there.")
		reason.Importance = widget.WarningImportance
		bottom.Add(reason)
		bottom.Add(check)
	}
	b.updateCreate()
	b.addStatus(bottom)
	// One above the other: side by side they are wider than a phone.
	bottom.Add(create)
	bottom.Add(cancel)
	return container.NewBorder(nil, bottom, nil, nil, details)
}

// newKeyCheck offers a new key when the partner's sync user already
// exists on this MISP, for a partner that lost its key or whose key
// leaked. It returns nil when this bump creates the user, which comes
// with a key anyway.
func (b *bumpScreen) newKeyCheck(st bumpState) fyne.CanvasObject {
	if st.plan == nil || st.planErr != nil || st.plan.User.Action != provision.ActionReuse {
		return nil
	}
	check := widget.NewCheck("Give the partner a new key", func(on bool) {
		if on == b.newKey {
			return
		}
		b.newKey = on
		b.render()
	})
	check.SetChecked(b.newKey)
	b.newKeyToggle = check
	help := wrapLabel(fmt.Sprintf("Its other keys on your MISP are set to expire %d days after you confirm that the codes match.",
		int(provision.DefaultKeyGrace.Hours()/24)))
	return container.NewVBox(check, help)
}

// createLabel names the button that approves the plan. A repeat bump
// whose plan finds everything in place creates nothing, so the button
// does not promise to.
func createLabel(plan *provision.Plan) string {
	if plan != nil && plan.NothingToDo() {
		return "Continue (nothing to change)"
	}
	return "Create partnership"
}

// updateCreate enables Create only when the plan has no conflict and a
// private partner URL, if any, was accepted.
func (b *bumpScreen) updateCreate() {
	create := b.buttons[actCreate]
	if create == nil {
		return
	}
	st := b.state
	ok := b.busy == "" && st.planErr == nil && st.plan != nil && (st.private == "" || b.privateAccepted)
	if ok {
		create.Enable()
	} else {
		create.Disable()
	}
}

// partnerForm lists the partner's profile as received.
func partnerForm(p exchange.Profile) fyne.CanvasObject {
	pin := "none: the certificate chains to a trusted CA, or the URL is plain http"
	if len(p.TLSPin) > 0 {
		pin = config.FormatPin(p.TLSPin)
	}
	form := widget.NewForm(
		formRow("Organisation", p.OrgName),
		formRow("UUID", p.OrgUUID),
		formRow("MISP URL", p.URL),
		formRow("MISP version", orDash(p.MISPVersion)),
		formRow("Sector", orDash(p.Sector)),
		formRow("Nationality", orDash(p.Nationality)),
		formRow("Sync e-mail", p.SyncEmail),
		formRow("They ask to", directions(p.Pull, p.Push)),
		formRow("TLS pin", pin),
	)
	return form
}

// directions describes the sync directions the partner runs against us.
func directions(pull, push bool) string {
	switch {
	case pull && push:
		return "pull events from you and push events to you"
	case pull:
		return "pull events from you only"
	case push:
		return "push events to you only"
	}
	return "neither pull nor push (a connection without sync)"
}

// planView lists what the app will do, the notes, and the conflict that
// stops it.
func planView(st bumpState) fyne.CanvasObject {
	box := container.NewVBox(widget.NewLabelWithStyle("On your MISP", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if st.plan != nil {
		for _, s := range st.plan.Steps() {
			box.Add(wrapLabel(fmt.Sprintf("%s: %s", stepName(s.Kind), s.Detail)))
		}
		if st.plan.NothingToDo() {
			box.Add(wrapLabel("Everything already exists: nothing will be created."))
		}
		for _, n := range st.plan.Notes {
			note := wrapLabel("Note: " + n)
			note.Importance = widget.WarningImportance
			box.Add(note)
		}
	}
	if st.planErr != nil {
		title := "This partnership cannot be created"
		if errors.Is(st.planErr, provision.ErrConflict) {
			title = "Conflict with what is on your MISP"
		}
		box.Add(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(dangerLabel(capitalise(st.planErr.Error())))
	}
	return box
}

func formRow(name, value string) *widget.FormItem {
	l := widget.NewLabel(value)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return widget.NewFormItem(name, l)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
