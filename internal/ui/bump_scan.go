package ui

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/scan"
)

// The scan sources, as bumpScreen.scanning names them.
const (
	scanScreenSource = "screen"
	scanCamera       = "camera"
	scanFiles        = "files"
	scanText         = "text"
)

// canScan reports whether a scan may start now. When none may, it shows
// why.
func (b *bumpScreen) canScan() bool {
	switch {
	case b.session == nil:
		b.setNotice("Start a bump first: \"Show my code first\" or \"Scan partner's code first\".", true)
	case b.state.expected == 0:
		b.setNotice("No code is expected now.", true)
	case b.busy != "" && b.scanning == "":
		return false
	default:
		if b.stopOp != nil {
			// Another scan runs: the new source replaces it.
			b.stopOp()
		}
		return true
	}
	b.render()
	return false
}

// scanLive scans a live source (the screen or a camera) until the
// session accepts a message or the admin stops it.
func (b *bumpScreen) scanLive(kind, busy string, open func(ctx context.Context) (scan.Source, error)) {
	if !b.canScan() {
		return
	}
	sess := b.session
	var got bump.Received
	b.scanning = kind
	b.notice = ""
	b.run(busy, true, func(ctx context.Context) error {
		src, err := open(ctx)
		if err != nil {
			return err
		}
		defer src.Close()
		got, err = b.scanSource(ctx, sess, kind, busy, src)
		return err
	}, func(err error) { b.scanDone(kind, got, err) })
}

// scanSource runs scan.Run on src through scanWith.
func (b *bumpScreen) scanSource(ctx context.Context, sess *bump.Session, kind, busy string, src scan.Source) (bump.Received, error) {
	return b.scanWith(ctx, sess, kind, busy, func(accept func([]byte) error, progress func(codes.Progress)) ([]byte, error) {
		return scan.Run(ctx, src, b.reader, codes.NewCollector(), accept, progress)
	})
}

// scanWith runs a scan with an accept check that hands complete messages
// to the session. A rejection is shown and scanning goes on, except when
// the session stopped waiting (a cancelled bump). The scan must end when
// ctx does.
func (b *bumpScreen) scanWith(ctx context.Context, sess *bump.Session, kind, busy string,
	run func(accept func([]byte) error, progress func(codes.Progress)) ([]byte, error)) (bump.Received, error) {

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var got bump.Received
	var final error
	accept := func(msg []byte) error {
		r, err := sess.Receive(ctx, msg)
		if err == nil {
			got = r
			return nil
		}
		live := kind == scanScreenSource || kind == scanCamera
		if !(live && errors.Is(err, exchange.ErrOwnMessage)) {
			// On a live source the admin's own code is in view all
			// the time, so a notice each time would only distract.
			text := rejectionText(err)
			b.ui.do(func() {
				b.setNotice(text, true)
				b.render()
			})
		}
		if sess.Expected() == 0 {
			final = err
			stop()
		}
		return err
	}
	progress := func(p codes.Progress) {
		if p.Need <= 1 || p.Complete {
			return
		}
		text := fmt.Sprintf("%s Animated code: %s frames.", busy, p)
		b.ui.do(func() {
			if b.session == sess && b.scanning == kind {
				b.busy = text
				b.render()
			}
		})
	}
	_, err := run(accept, progress)
	if final != nil {
		return got, final
	}
	return got, err
}

// scanDone shows the result of a scan.
func (b *bumpScreen) scanDone(kind string, got bump.Received, err error) {
	switch {
	case err == nil:
		b.receivedNotice(got)
	case errors.Is(err, context.Canceled):
		b.setNotice("Scanning stopped.", false)
	case errors.Is(err, scan.ErrScreenUnavailable):
		b.setNotice("This device cannot capture its screen: use the camera, Open image or Paste text.", true)
	case errors.Is(err, scan.ErrNoMessage) && kind == scanFiles:
		b.setNotice("No usable bump code in the file: "+err.Error(), true)
	default:
		b.setNotice(errText(err), true)
	}
}

// scanScreen reads the codes shown anywhere on the screen, such as the
// partner's window in a video call.
func (b *bumpScreen) scanScreen() {
	b.scanLive(scanScreenSource, "Scanning the screen…", func(context.Context) (scan.Source, error) {
		return scan.Screen(scan.ScreenOptions{})
	})
}

// receiveFiles decodes opened or dropped files and hands the first
// complete message to the session: text files first, then images.
func (b *bumpScreen) receiveFiles(read func() (openedFiles, error)) {
	if !b.canScan() {
		return
	}
	sess := b.session
	var got bump.Received
	b.scanning = scanFiles
	b.notice = ""
	b.run("Reading the file…", true, func(ctx context.Context) error {
		files, err := read()
		if err != nil && len(files.images) == 0 && len(files.texts) == 0 {
			return err
		}
		collector := codes.NewCollector()
		for _, text := range files.texts {
			r, partial, terr := b.receiveText(ctx, sess, collector, text)
			if terr == nil && partial == "" {
				got = r
				return nil
			}
			if terr != nil {
				err = errors.Join(err, terr)
			}
		}
		if len(files.images) == 0 {
			return errors.Join(err, errors.New("no image and no complete code in the files"))
		}
		got, err = b.scanSource(ctx, sess, scanFiles, "Reading the image…", &imageSource{images: files.images})
		return err
	}, func(err error) { b.scanDone(scanFiles, got, err) })
}

// receiveText adds pasted or stored text to c and hands a complete
// message to the session. partial describes an animated code that still
// misses frames.
func (b *bumpScreen) receiveText(ctx context.Context, sess *bump.Session, c *codes.Collector, text string) (got bump.Received, partial string, err error) {
	progress, addErr := scan.AddText(c, text)
	for _, p := range progress {
		if p.Complete {
			got, err = sess.Receive(ctx, p.Message)
			return got, "", err
		}
	}
	if addErr != nil {
		return got, "", addErr
	}
	for _, p := range progress {
		partial = fmt.Sprintf("Read %s frames of an animated code: paste the other frames too.", p)
	}
	return got, partial, nil
}

// dropped takes image and text files dropped on the window.
func (b *bumpScreen) dropped(_ fyne.Position, uris []fyne.URI) {
	if len(b.ui.dialogs) > 0 {
		return
	}
	b.ui.tabs.SelectIndex(tabBump)
	b.receiveFiles(func() (openedFiles, error) { return readURIs(uris) })
}
