package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// action names one keyboard-driven action of the app.
type action string

// The actions that have a shortcut. docs/gui.md lists them with their keys.
const (
	actProfile        action = "profile"
	actBump           action = "bump"
	actHistory        action = "history"
	actShowFirst      action = "show-first"
	actScanFirst      action = "scan-first"
	actScanScreen     action = "scan-screen"
	actOpenImage      action = "open-image"
	actPasteText      action = "paste-text"
	actCamera         action = "camera"
	actCopyText       action = "copy-text"
	actAnimate        action = "animate"
	actFullScreen     action = "full-screen"
	actAcceptPrivate  action = "accept-private"
	actCreate         action = "create"
	actMatch          action = "codes-match"
	actDiffer         action = "codes-differ"
	actRetry          action = "retry"
	actNewBump        action = "new-bump"
	actTestConnection action = "test-connection"
	actSave           action = "save"
	actRefresh        action = "refresh"
	actCancel         action = "cancel"
)

// keyBinding is one shortcut: a key with modifiers, the action it runs and
// how docs/gui.md writes it.
type keyBinding struct {
	key    fyne.KeyName
	mod    fyne.KeyModifier
	action action
	label  string
	help   string
}

const ctrl = fyne.KeyModifierShortcutDefault

// keyBindings is every shortcut of the app. Ctrl+V is missing here
// because the desktop driver turns it into fyne.ShortcutPaste, which
// registerShortcuts binds separately, and Escape is a plain key handled
// by onTypedKey.
var keyBindings = []keyBinding{
	{fyne.Key1, ctrl, actProfile, "Ctrl+1", "Profile screen"},
	{fyne.Key2, ctrl, actBump, "Ctrl+2", "Bump screen"},
	{fyne.Key3, ctrl, actHistory, "Ctrl+3", "History screen"},
	{fyne.KeyI, ctrl, actShowFirst, "Ctrl+I", "Show my code first (start as initiator)"},
	{fyne.KeyR, ctrl, actScanFirst, "Ctrl+R", "Scan partner's code first (start as responder)"},
	{fyne.KeyS, ctrl | fyne.KeyModifierShift, actScanScreen, "Ctrl+Shift+S", "Scan screen"},
	{fyne.KeyO, ctrl, actOpenImage, "Ctrl+O", "Open image"},
	{fyne.KeyK, ctrl, actCamera, "Ctrl+K", "Scan with the camera (when one is available)"},
	{fyne.KeyC, ctrl | fyne.KeyModifierShift, actCopyText, "Ctrl+Shift+C", "Copy the shown code as text"},
	{fyne.KeyA, ctrl | fyne.KeyModifierShift, actAnimate, "Ctrl+Shift+A", "Switch between a single code and an animated sequence"},
	{fyne.KeyF, ctrl, actFullScreen, "Ctrl+F", "Show the code full screen (Escape leaves)"},
	{fyne.KeyP, ctrl, actAcceptPrivate, "Ctrl+P", "Tick \"Create it anyway\" for a partner on a private network (review)"},
	{fyne.KeyReturn, ctrl, actCreate, "Ctrl+Return", "Create the partnership (review card)"},
	{fyne.KeyEnter, ctrl, actCreate, "Ctrl+Enter", "Same as Ctrl+Return (keypad)"},
	{fyne.KeyM, ctrl, actMatch, "Ctrl+M", "Codes match"},
	{fyne.KeyD, ctrl, actDiffer, "Ctrl+D", "Codes differ"},
	{fyne.KeyT, ctrl, actRetry, "Ctrl+T", "Retry the failed step"},
	{fyne.KeyN, ctrl, actNewBump, "Ctrl+N", "Start over with a new bump (after one ended)"},
	{fyne.KeyE, ctrl, actTestConnection, "Ctrl+E", "Test connection (profile)"},
	{fyne.KeyS, ctrl, actSave, "Ctrl+S", "Save the profile"},
	{fyne.KeyF5, 0, actRefresh, "F5", "Reload the history"},
}

// otherBindings are the shortcuts outside keyBindings, for docs/gui.md.
var otherBindings = []keyBinding{
	{fyne.KeyV, ctrl, actPasteText, "Ctrl+V", "Paste text (a code copied as text)"},
	{fyne.KeyEscape, 0, actCancel, "Escape", "Close the open dialog, leave full screen, stop a scan or the verification, or cancel the bump, in that order"},
}

// registerShortcuts binds every shortcut on the canvas to u.act.
func (u *UI) registerShortcuts(c fyne.Canvas) {
	for _, b := range keyBindings {
		if b.mod == 0 {
			continue
		}
		b := b
		c.AddShortcut(&desktop.CustomShortcut{KeyName: b.key, Modifier: b.mod}, func(fyne.Shortcut) {
			u.act(b.action)
		})
	}
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { u.act(actPasteText) })
	c.SetOnTypedKey(u.onTypedKey)
}

// onTypedKey handles the keys without modifiers that reach the canvas,
// which happens when no widget has the focus.
func (u *UI) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		u.act(actCancel)
	case fyne.KeyF5:
		u.act(actRefresh)
	}
}

// bindingFor returns the shortcut that triggers s, for entries that
// forward it; ok is false for shortcuts the app does not bind.
func bindingFor(s fyne.Shortcut) (action, bool) {
	custom, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return "", false
	}
	for _, b := range keyBindings {
		if b.key == custom.KeyName && b.mod == custom.Modifier {
			return b.action, true
		}
	}
	return "", false
}
