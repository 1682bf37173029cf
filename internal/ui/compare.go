package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/history"
)

// confirmationCodeSize is the text size of the confirmation code, large
// enough to read aloud from across a desk.
const confirmationCodeSize = 40

// comparePanel shows the confirmation code and the two verdict buttons.
func (b *bumpScreen) comparePanel(st bumpState) fyne.CanvasObject {
	code := newBigText(st.code, confirmationCodeSize)

	help := widget.NewLabel("Your partner sees a code too. Compare them, aloud on a call. " +
		"Only identical codes prove that the codes you scanned came from your partner.")
	help.Wrapping = fyne.TextWrapWord

	match := widget.NewButtonWithIcon("Codes match", theme.ConfirmIcon(), func() { b.confirm(true) })
	match.Importance = widget.HighImportance
	differ := widget.NewButtonWithIcon("Codes differ", theme.CancelIcon(), func() { b.confirm(false) })
	differ.Importance = widget.DangerImportance
	if b.busy != "" {
		match.Disable()
		differ.Disable()
	}
	b.buttons[actMatch], b.buttons[actDiffer] = match, differ

	box := container.NewVBox(
		widget.NewLabelWithStyle("Confirmation code", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		code,
		help,
		container.NewGridWithColumns(2, match, differ),
	)
	if st.created && !st.changed {
		box.Add(nothingChangedLabel())
	}
	return box
}

func nothingChangedLabel() fyne.CanvasObject {
	l := widget.NewLabel("Nothing changed: this partnership already existed.")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.MediumImportance
	return l
}

// verifyingView shows the connection test while it waits for the partner.
func (b *bumpScreen) verifyingView() fyne.CanvasObject {
	note := widget.NewLabel(b.verifyNote)
	note.Wrapping = fyne.TextWrapWord
	return container.NewVBox(
		wrapLabel("The codes match and your side is enabled. Now MISP tests the connection to your partner."),
		widget.NewProgressBarInfinite(),
		note,
	)
}

// resultView shows the verification result and what to do about it.
func (b *bumpScreen) resultView(st bumpState) fyne.CanvasObject {
	box := container.NewVBox()
	v := st.verification
	if v == nil {
		box.Add(dangerLabel("The connection was not tested. Use \"Verify again\" on the History screen."))
	} else {
		box.Add(verificationView(v))
		if !verified(v) {
			box.Add(wrapLabel(verifyAdvice))
		}
	}
	if !st.changed {
		box.Add(nothingChangedLabel())
	}
	if b.steps.any() {
		box.Add(widget.NewLabelWithStyle("On your MISP", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(b.steps.view(b.state.plan))
	}
	return box
}

// verified reports whether a verification passed in both directions that
// were checked.
func verified(v *history.Verification) bool {
	return v.OK && (v.ReverseOK || v.ReverseMessage == "")
}

// verificationView shows one connection test result.
func verificationView(v *history.Verification) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("The sync connection works", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	icon := widget.NewIcon(theme.ConfirmIcon())
	if !verified(v) {
		title.SetText("The sync connection does not work yet")
		title.Importance = widget.DangerImportance
		icon.SetResource(theme.ErrorIcon())
	}
	box := container.NewVBox(container.NewHBox(icon, title), wrapLabel(capitalise(v.Message)))
	if v.ReverseMessage != "" {
		box.Add(wrapLabel(capitalise(v.ReverseMessage)))
	}
	box.Add(widget.NewLabel("Tested " + v.Time.Local().Format("2006-01-02 15:04")))
	return box
}

// verifyAdvice lists the usual causes of a failed connection test.
const verifyAdvice = "What to check: your partner confirmed the codes too; each MISP can reach " +
	"the other's URL (firewalls, proxies, DNS); the URL in the profile is the one partners use " +
	"(MISP.external_baseurl or MISP.baseurl); the certificate is trusted or pinned. " +
	"Then use \"Verify again\" on the History screen."

func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func dangerLabel(text string) *widget.Label {
	l := wrapLabel(text)
	l.Importance = widget.DangerImportance
	return l
}

// heading is a large title that wraps, so a long organisation name does
// not widen the window beyond a phone screen.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}
