package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/history"
)

// startView offers the two ways to start a bump.
func (b *bumpScreen) startView() fyne.CanvasObject {
	show := widget.NewButtonWithIcon("Show my code first", theme.VisibilityIcon(), func() {
		b.start(history.RoleInitiator)
	})
	show.Importance = widget.HighImportance
	scanFirst := widget.NewButtonWithIcon("Scan partner's code first", theme.SearchIcon(), func() {
		b.start(history.RoleResponder)
	})
	b.buttons[actShowFirst], b.buttons[actScanFirst] = show, scanFirst
	if b.busy != "" {
		show.Disable()
		scanFirst.Disable()
	}

	intro := wrapLabel("A bump connects your MISP with a partner's MISP for sync. You and your partner " +
		"each open mispbump: one shows a code first, the other scans it. Four codes later, each app has " +
		"created the partner's organisation, sync user, key and server entry on its own MISP, after you " +
		"reviewed them.")
	box := container.NewVBox(
		widget.NewLabelWithStyle("Start a bump", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro,
		show,
		wrapLabel("Choose this if your partner has not started yet."),
		scanFirst,
		wrapLabel("Choose this if your partner already shows a code."),
	)
	b.addStatus(box)
	return container.NewVScroll(box)
}

// sessionView shows the session's stage under its heading.
func (b *bumpScreen) sessionView() fyne.CanvasObject {
	st := b.state
	heading := widget.NewLabelWithStyle(st.heading(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.Wrapping = fyne.TextWrapWord
	var body fyne.CanvasObject
	switch st.stage {
	case bump.StageShowHello, bump.StageShowReply, bump.StageShowOffer:
		body = b.withCode(b.showPanel(st))
	case bump.StageWaitHello:
		body = b.waitView(st)
	case bump.StageReview:
		if b.busy != "" {
			body = b.workingView()
		} else {
			body = b.reviewView(st)
		}
	case bump.StageCompare:
		if st.outgoing != nil {
			body = b.withCode(container.NewVBox(b.codeTools(), b.comparePanel(st), b.statusBox()))
		} else {
			body = container.NewVScroll(container.NewVBox(b.comparePanel(st), b.statusBox()))
		}
	case bump.StageFailed:
		body = b.failedView(st)
	case bump.StageVerify:
		if msg, _ := b.displayed(); msg != nil {
			body = b.withCode(container.NewVBox(
				wrapLabel("If your partner has not scanned this code yet, they scan it now."),
				b.codeTools(), b.verifyingView()))
		} else {
			body = b.verifyingView()
		}
	case bump.StageDone:
		body = b.endView(b.resultView(st))
	case bump.StageCancelled:
		body = b.endView(b.cancelledView())
	default:
		body = wrapLabel(string(st.stage))
	}
	return container.NewBorder(heading, nil, nil, nil, body)
}

// withCode puts the code (or the camera preview while the camera scans)
// beside or above panel.
func (b *bumpScreen) withCode(panel fyne.CanvasObject) fyne.CanvasObject {
	var area fyne.CanvasObject = b.code
	if b.scanning == scanCamera {
		area = b.camera
	}
	msg, _ := b.displayed()
	b.code.show(msg)
	return container.New(codeLayout{}, area, panel)
}

// showPanel is the panel beside a shown code: what to do, the code
// tools, the scan sources for the partner's next code, and Cancel.
func (b *bumpScreen) showPanel(st bumpState) fyne.CanvasObject {
	box := container.NewVBox(wrapLabel(st.help()), b.codeTools(), widget.NewSeparator())
	box.Add(b.scanBox(st))
	if b.steps.any() {
		box.Add(b.steps.summary(st.plan))
	}
	box.Add(b.cancelButton())
	return box
}

// waitView is the responder's first stage: nothing to show, only the
// scan sources and, while the camera scans, its preview.
func (b *bumpScreen) waitView(st bumpState) fyne.CanvasObject {
	box := container.NewVBox(wrapLabel(st.help()), b.scanBox(st), b.cancelButton())
	if b.scanning == scanCamera {
		return container.New(codeLayout{}, b.camera, box)
	}
	return container.NewVScroll(box)
}

// codeTools are the buttons that act on the shown code.
func (b *bumpScreen) codeTools() fyne.CanvasObject {
	animated := widget.NewCheck("Animated code (for cameras)", b.setAnimated)
	animated.SetChecked(b.animated)
	full := widget.NewButtonWithIcon("Full screen", theme.ViewFullScreenIcon(), b.enterFullScreen)
	copyText := widget.NewButtonWithIcon("Copy as text", theme.ContentCopyIcon(), b.copyText)
	b.buttons[actFullScreen], b.buttons[actCopyText] = full, copyText
	return container.NewVBox(animated, container.NewGridWithColumns(2, full, copyText))
}

// scanBox offers the scan sources for the expected message, with the
// scan's progress and the last notice.
func (b *bumpScreen) scanBox(st bumpState) fyne.CanvasObject {
	box := container.NewVBox()
	if want := st.waitingFor(); want != "" {
		box.Add(wrapLabel("Next: scan the " + want + "."))
	}
	var sources []fyne.CanvasObject
	if b.ui.opts.Camera != nil {
		sources = append(sources, b.sourceButton(actCamera, "Camera", theme.MediaPhotoIcon(), b.scanCamera))
	}
	sources = append(sources,
		b.sourceButton(actScanScreen, "Scan screen", theme.ComputerIcon(), b.scanScreen),
		b.sourceButton(actOpenImage, "Open image", theme.FolderOpenIcon(), b.openImage),
		b.sourceButton(actPasteText, "Paste text", theme.ContentPasteIcon(), b.pasteDialog),
	)
	box.Add(container.NewGridWithColumns(2, sources...))
	b.addStatus(box)
	return box
}

// sourceButton makes a scan source button, disabled while another
// operation runs or when no message is expected.
func (b *bumpScreen) sourceButton(a action, label string, icon fyne.Resource, tapped func()) *widget.Button {
	btn := widget.NewButtonWithIcon(label, icon, tapped)
	if b.state.expected == 0 || (b.busy != "" && b.scanning == "") {
		btn.Disable()
	}
	b.buttons[a] = btn
	return btn
}

// statusBox returns the running operation and the last notice.
func (b *bumpScreen) statusBox() fyne.CanvasObject {
	box := container.NewVBox()
	b.addStatus(box)
	return box
}

// addStatus adds the running operation, with Stop when it can be
// stopped, and the last notice to box.
func (b *bumpScreen) addStatus(box *fyne.Container) {
	if b.busy != "" {
		row := container.NewBorder(nil, nil, widget.NewIcon(theme.MoreHorizontalIcon()), nil, wrapLabel(b.busy))
		if b.stopOp != nil {
			stop := widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), b.stopOp)
			row = container.NewBorder(nil, nil, widget.NewIcon(theme.MoreHorizontalIcon()), stop, wrapLabel(b.busy))
		}
		box.Add(row)
		box.Add(widget.NewProgressBarInfinite())
	}
	if b.notice != "" {
		box.Add(noticeRow(b.notice, b.noticeIsErr))
	}
}

func (b *bumpScreen) cancelButton() fyne.CanvasObject {
	cancel := widget.NewButtonWithIcon("Cancel bump", theme.CancelIcon(), b.cancelBump)
	if b.busy != "" && b.scanning == "" {
		cancel.Disable()
	}
	return cancel
}

// workingView shows the provisioning steps while they run.
func (b *bumpScreen) workingView() fyne.CanvasObject {
	box := container.NewVBox(b.steps.view(b.state.plan))
	b.addStatus(box)
	return container.NewVScroll(box)
}

// failedView shows the step that failed, with Retry and Cancel.
func (b *bumpScreen) failedView(st bumpState) fyne.CanvasObject {
	retry := widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), b.retry)
	retry.Importance = widget.HighImportance
	b.buttons[actRetry] = retry
	cancel := b.cancelButton()
	if b.busy != "" {
		retry.Disable()
	}
	box := container.NewVBox(b.steps.view(b.state.plan))
	if st.lastErr != nil {
		box.Add(dangerLabel(errText(st.lastErr)))
	}
	box.Add(wrapLabel("Every step can run again safely: Retry continues where it stopped. " +
		"Cancel bump removes what this bump created on your MISP."))
	b.addStatus(box)
	box.Add(container.NewGridWithColumns(2, retry, cancel))
	return container.NewVScroll(box)
}

// cancelledView explains why the bump ended and that its objects are gone.
func (b *bumpScreen) cancelledView() fyne.CanvasObject {
	box := container.NewVBox()
	if b.cancelNote != "" {
		box.Add(wrapLabel(b.cancelNote))
	}
	for _, note := range b.state.keptNotes {
		box.Add(wrapLabel("On your MISP " + note + "."))
	}
	if b.state.created && len(b.state.keptNotes) > 0 {
		box.Add(wrapLabel("Everything else this bump created on your MISP was removed."))
	} else if b.state.created {
		box.Add(wrapLabel("What this bump created on your MISP was removed."))
	} else {
		box.Add(wrapLabel("Nothing was created on your MISP."))
	}
	return box
}

// endView adds "Start a new bump" under the final view of a bump.
func (b *bumpScreen) endView(v fyne.CanvasObject) fyne.CanvasObject {
	again := widget.NewButtonWithIcon("Start a new bump", theme.ViewRefreshIcon(), b.reset)
	b.buttons[actNewBump] = again
	if b.busy != "" {
		again.Disable()
	}
	box := container.NewVBox(v)
	b.addStatus(box)
	box.Add(again)
	return container.NewVScroll(box)
}

// noticeRow shows a message with an icon: red for a problem, in the
// normal text colour otherwise, because green text on white is hard to
// read.
func noticeRow(text string, isErr bool) fyne.CanvasObject {
	l := wrapLabel(text)
	icon := widget.NewIcon(theme.ConfirmIcon())
	if isErr {
		l.Importance = widget.DangerImportance
		icon.SetResource(theme.NewErrorThemedResource(theme.WarningIcon()))
	}
	return container.NewBorder(nil, nil, icon, nil, l)
}
