package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
)

// hasCode reports whether text contains the start of a code's text form.
func hasCode(text string) bool {
	return strings.Contains(strings.ToUpper(text), codes.TextPrefix)
}

// pasteFromClipboard reads a code from the clipboard at once when it
// holds one, and opens the paste dialog otherwise.
func (b *bumpScreen) pasteFromClipboard() {
	if b.session == nil || b.state.expected == 0 {
		b.canScan()
		return
	}
	if text := b.ui.app.Clipboard().Content(); hasCode(text) {
		b.receivePasted(text)
		return
	}
	b.pasteDialog()
}

// pasteDialog lets the admin paste the text of a code, such as one sent
// by chat or mail.
func (b *bumpScreen) pasteDialog() {
	if b.session == nil || b.state.expected == 0 {
		b.canScan()
		return
	}
	entry := newMultiLineEntry(b.ui)
	entry.SetPlaceHolder(codes.TextPrefix + "…")
	entry.SetMinRowsVisible(6)
	if text := b.ui.app.Clipboard().Content(); hasCode(text) {
		entry.SetText(text)
	}
	help := wrapLabel("Paste the text your partner copied with \"Copy as text\". " +
		"For an animated code, paste all its frames, one per line.")
	content := container.NewBorder(help, nil, nil, nil, entry)
	var d *dialog.ConfirmDialog
	submit := func() {
		d.Hide()
		b.receivePasted(entry.Text)
	}
	entry.onSubmit = submit
	d = dialog.NewCustomConfirm("Paste text", "Read code", "Cancel", content, func(ok bool) {
		if ok {
			b.receivePasted(entry.Text)
		}
	}, b.ui.win)
	d.Resize(fyne.NewSize(min(520, b.ui.win.Canvas().Size().Width-20), 360))
	b.ui.showDialog(d)
	b.ui.win.Canvas().Focus(entry)
}

// receivePasted hands pasted text to the session.
func (b *bumpScreen) receivePasted(text string) {
	if !b.canScan() {
		return
	}
	if b.pasted == nil {
		b.pasted = codes.NewCollector()
	}
	sess, collector := b.session, b.pasted
	var got bump.Received
	var partial string
	b.scanning = scanText
	b.notice = ""
	b.run("Reading the pasted code…", false, func(ctx context.Context) error {
		var err error
		got, partial, err = b.receiveText(ctx, sess, collector, text)
		return err
	}, func(err error) {
		switch {
		case err != nil:
			b.setNotice(rejectionText(err), true)
		case partial != "":
			b.setNotice(partial, false)
		default:
			b.receivedNotice(got)
		}
	})
}

// openImage opens a file dialog for an image or text file of the
// partner's code.
func (b *bumpScreen) openImage() {
	if b.session == nil || b.state.expected == 0 {
		b.canScan()
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			b.ui.showError("Cannot open the file", err)
			return
		}
		if r == nil {
			return
		}
		b.receiveFiles(func() (openedFiles, error) {
			defer r.Close()
			var files openedFiles
			err := files.read(r)
			return files, err
		})
	}, b.ui.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".txt"}))
	d.Resize(b.ui.win.Canvas().Size())
	b.ui.showDialog(d)
}

// copyText puts the text form of the shown code on the clipboard, for a
// partner who is not in the same room.
func (b *bumpScreen) copyText() {
	msg, step := b.displayed()
	if msg == nil {
		return
	}
	b.ui.app.Clipboard().SetContent(codes.EncodeText(msg))
	b.setNotice("Copied "+ownStepText(step)+" as text: send it to your partner, who pastes it.", false)
	b.render()
}
