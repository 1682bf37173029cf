package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// maxWidthLayout gives its objects a fixed width and the height they need
// at that width, which makes wrapping labels wrap instead of shrinking to
// one word per line inside a dialog.
type maxWidthLayout struct {
	width float32
}

func (l *maxWidthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		o.Resize(fyne.NewSize(l.width, o.MinSize().Height))
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.width, h)
}

func (l *maxWidthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// codeLayout places a square code and a panel of controls: side by side
// when the space is wide (a desktop window), the code above the panel
// when it is tall (a phone). The code gets whatever the panel leaves.
// objects[0] is the code, objects[1] the panel.
type codeLayout struct{}

// minCodeSide is the smallest code side in the layout's MinSize, so the
// window can still shrink to a phone screen.
const minCodeSide = 160

func (codeLayout) wide(size fyne.Size) bool {
	return size.Width > size.Height*1.2
}

func (l codeLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	panel := objects[1].MinSize()
	return fyne.NewSize(max(panel.Width, minCodeSide), panel.Height+minCodeSide+theme.Padding())
}

func (l codeLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	code, panel := objects[0], objects[1]
	pad := theme.Padding()
	if !code.Visible() {
		panel.Move(fyne.NewPos(0, 0))
		panel.Resize(size)
		return
	}
	if l.wide(size) {
		panelW := max(panel.MinSize().Width, min(380, size.Width*0.4))
		side := max(0, min(size.Height, size.Width-panelW-pad))
		code.Move(fyne.NewPos(0, (size.Height-side)/2))
		code.Resize(fyne.NewSquareSize(side))
		panel.Move(fyne.NewPos(side+pad, 0))
		panel.Resize(fyne.NewSize(size.Width-side-pad, size.Height))
		return
	}
	panelH := panel.MinSize().Height
	side := max(0, min(size.Width, size.Height-panelH-pad))
	code.Move(fyne.NewPos((size.Width-side)/2, 0))
	code.Resize(fyne.NewSquareSize(side))
	panel.Move(fyne.NewPos(0, side+pad))
	panel.Resize(fyne.NewSize(size.Width, size.Height-side-pad))
}
