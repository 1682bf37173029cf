package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// bigText is one line of large monospace text in the theme's text colour,
// for the confirmation code. Unlike a bare canvas.Text it follows a theme
// change.
type bigText struct {
	widget.BaseWidget
	text string
	size float32
}

func newBigText(text string, size float32) *bigText {
	t := &bigText{text: text, size: size}
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer implements fyne.Widget.
func (t *bigText) CreateRenderer() fyne.WidgetRenderer {
	c := canvas.NewText(t.text, theme.Color(theme.ColorNameForeground))
	c.TextSize = t.size
	c.TextStyle = fyne.TextStyle{Monospace: true, Bold: true}
	c.Alignment = fyne.TextAlignCenter
	return &bigTextRenderer{WidgetRenderer: widget.NewSimpleRenderer(c), text: c, owner: t}
}

type bigTextRenderer struct {
	fyne.WidgetRenderer
	text  *canvas.Text
	owner *bigText
}

func (r *bigTextRenderer) Refresh() {
	r.text.Text = r.owner.text
	r.text.Color = theme.Color(theme.ColorNameForeground)
	r.text.Refresh()
}
