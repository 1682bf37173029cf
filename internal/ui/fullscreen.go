package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fullScreenView shows the current code alone, on the whole screen, for a
// partner scanning from a distance or with a poor camera.
type fullScreenView struct {
	code    *codeView
	content fyne.CanvasObject
	// size is the window size before, restored on leaving, because a
	// display without a window manager keeps the full-screen size.
	size fyne.Size
}

// enterFullScreen replaces the window content with the code.
func (b *bumpScreen) enterFullScreen() {
	msg, _ := b.displayed()
	if msg == nil || b.fullScreen != nil {
		return
	}
	v := &fullScreenView{code: newCodeView(b.ui), size: b.ui.win.Canvas().Size()}
	v.code.setAnimated(b.animated)
	v.code.show(msg)
	leave := widget.NewButtonWithIcon("Leave full screen (Escape)", theme.ViewRestoreIcon(), b.leaveFullScreen)
	v.content = container.NewBorder(nil, container.NewCenter(leave), nil, nil, v.code)
	b.fullScreen = v
	b.ui.win.SetContent(v.content)
	b.ui.win.SetFullScreen(true)
}

// leaveFullScreen brings the screens back.
func (b *bumpScreen) leaveFullScreen() {
	if b.fullScreen == nil {
		return
	}
	size := b.fullScreen.size
	b.fullScreen.code.stopAnimation()
	b.fullScreen = nil
	b.ui.win.SetFullScreen(false)
	b.ui.win.Resize(size)
	b.ui.win.SetContent(b.ui.tabs)
	b.render()
}
