package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// act runs a keyboard action. It runs on the UI goroutine.
func (u *UI) act(a action) {
	if a == actCancel {
		u.escape()
		return
	}
	if len(u.dialogs) > 0 {
		// A dialog is open: the keys belong to it.
		return
	}
	switch a {
	case actProfile:
		u.tabs.SelectIndex(tabProfile)
	case actBump:
		u.tabs.SelectIndex(tabBump)
	case actHistory:
		u.tabs.SelectIndex(tabHistory)
	case actTestConnection, actSave:
		u.tabs.SelectIndex(tabProfile)
		u.profile.act(a)
	case actRefresh:
		u.tabs.SelectIndex(tabHistory)
		u.history.reload()
	default:
		u.tabs.SelectIndex(tabBump)
		u.bump.act(a)
	}
}

// escape closes the top dialog, or else lets the bump screen stop what
// it is doing.
func (u *UI) escape() {
	if n := len(u.dialogs); n > 0 {
		u.dialogs[n-1].Dismiss()
		return
	}
	if u.bump.fullScreen != nil {
		u.bump.leaveFullScreen()
		return
	}
	if u.tabs.SelectedIndex() == tabBump {
		u.bump.escape()
	}
}

// showDialog shows d and keeps it on the stack that Escape closes.
func (u *UI) showDialog(d dialog.Dialog) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		for i, open := range u.dialogs {
			if open == d {
				u.dialogs = append(u.dialogs[:i], u.dialogs[i+1:]...)
				break
			}
		}
	})
	d.Show()
}

// showError logs err and shows it in a dialog titled with what failed.
// The text of errors from the bump packages is written for people, so it
// is shown as it is.
func (u *UI) showError(what string, err error) {
	if err == nil {
		return
	}
	u.log.Error(what, "err", err)
	u.showDialog(dialog.NewCustom(what, "Close", u.wrappedText(capitalise(err.Error())), u.win))
}

// showInfo shows a message in a dialog.
func (u *UI) showInfo(title, message string) {
	u.showDialog(dialog.NewCustom(title, "Close", u.wrappedText(message), u.win))
}

// confirm shows a yes/no question. yes runs only on the confirm button.
func (u *UI) confirm(title, message, yesLabel string, yes func()) {
	d := dialog.NewCustomConfirm(title, yesLabel, "Cancel", u.wrappedText(message), func(ok bool) {
		if ok {
			yes()
		}
	}, u.win)
	u.showDialog(d)
}

// wrappedText is a label that wraps inside a dialog narrower than the
// window, so long error messages stay readable on a phone.
func (u *UI) wrappedText(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	width := min(440, u.win.Canvas().Size().Width-80)
	return container.New(&maxWidthLayout{width: max(width, 200)}, l)
}

// capitalise starts a message with a capital letter for display; errors
// are lowercase by convention.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// errText returns the message of err for an inline label, or "".
func errText(err error) string {
	if err == nil {
		return ""
	}
	return capitalise(err.Error())
}
