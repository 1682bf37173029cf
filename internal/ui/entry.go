package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// formEntry is a widget.Entry that passes the app's shortcuts and Escape
// on to the app. A focused entry receives every shortcut before the
// canvas does and drops those it does not know, so without this Ctrl+2
// would do nothing while the cursor is in a profile field.
type formEntry struct {
	widget.Entry
	ui *UI
	// onSubmit, when set, runs on Ctrl+Return, which submits a
	// multi-line entry whose Return key starts a new line.
	onSubmit func()
}

func newFormEntry(u *UI) *formEntry {
	e := &formEntry{ui: u}
	e.ExtendBaseWidget(e)
	return e
}

func newPasswordEntry(u *UI) *formEntry {
	e := newFormEntry(u)
	e.Password = true
	return e
}

func newMultiLineEntry(u *UI) *formEntry {
	e := newFormEntry(u)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *formEntry) TypedShortcut(s fyne.Shortcut) {
	if a, ok := bindingFor(s); ok && a == actCreate && e.onSubmit != nil {
		e.onSubmit()
		return
	}
	if a, ok := bindingFor(s); ok && e.ui != nil {
		e.ui.act(a)
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey implements fyne.Focusable.
func (e *formEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.ui != nil {
		e.ui.act(actCancel)
		return
	}
	e.Entry.TypedKey(ev)
}
