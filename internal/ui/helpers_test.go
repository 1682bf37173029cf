package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// uiLoop replaces Fyne's event loop in tests. UI.do queues work, and the
// test goroutine runs it while it waits. So widgets are only touched from
// the test goroutine, as they are only touched from the main goroutine in
// the app.
type uiLoop struct {
	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
}

func newUILoop() *uiLoop { return &uiLoop{wake: make(chan struct{}, 1)} }

func (l *uiLoop) do(f func()) {
	l.mu.Lock()
	l.queue = append(l.queue, f)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// drain runs the queued work, including work queued while it runs.
func (l *uiLoop) drain() {
	for {
		l.mu.Lock()
		queue := l.queue
		l.queue = nil
		l.mu.Unlock()
		if len(queue) == 0 {
			return
		}
		for _, f := range queue {
			f()
		}
	}
}

// waitFor runs queued work until cond holds, and fails the test after
// timeout with what it waited for.
func (l *uiLoop) waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		l.drain()
		if cond() {
			return
		}
		select {
		case <-l.wake:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// variantTheme is Fyne's default theme fixed to one variant, as
// FYNE_THEME=light or dark fixes it in the app. Tests use it rather than
// the test driver's own theme, so they render what admins see.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (v variantTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return v.Theme.Color(name, v.variant)
}

// newTestApp returns a test app with the default theme in light, whose
// fyne.Do runs work through the returned loop. The test driver would run
// it at once on the calling goroutine, so widgets that other packages
// update with fyne.Do, such as the camera view, would race with the test.
func newTestApp(t *testing.T) (fyne.App, *uiLoop) {
	loop := newUILoop()
	a := loopApp{App: test.NewTempApp(t), loop: loop}
	fyne.SetCurrentApp(a)
	a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	return a, loop
}

// loopApp is a test app whose driver queues fyne.Do work on a uiLoop.
type loopApp struct {
	fyne.App
	loop *uiLoop
}

func (a loopApp) Driver() fyne.Driver { return loopDriver{Driver: a.App.Driver(), loop: a.loop} }

type loopDriver struct {
	fyne.Driver
	loop *uiLoop
}

// DoFromGoroutine queues f, and with wait blocks until the test
// goroutine ran it, as the app's event loop does.
func (d loopDriver) DoFromGoroutine(f func(), wait bool) {
	if !wait {
		d.loop.do(f)
		return
	}
	done := make(chan struct{})
	d.loop.do(func() {
		defer close(done)
		f()
	})
	<-done
}

// side is one admin: a simulated MISP and an app window on it.
type side struct {
	t    *testing.T
	sim  *mispsim.Sim
	url  string
	ui   *UI
	loop *uiLoop
	// logs receives the window's log; worker goroutines write to it
	// while the test reads it.
	logs *lockedWriter
	cfg  *config.Config
}

// newSide starts a simulator for org and an app window configured for
// it, in the test app a.
func newSide(t *testing.T, a fyne.App, loop *uiLoop, org, uuid string) *side {
	t.Helper()
	sim, url := startSim(t, org, uuid)
	dir := t.TempDir()
	keys := config.FileStore{Path: filepath.Join(dir, "keys.json")}
	if err := keys.Set(url, sim.AdminKey()); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{
		MISPURL: url, Key: sim.AdminKey(), KeySource: keys.Describe(),
		Timeout: 10 * time.Second, Pull: true, Push: true,
		DataDir: filepath.Join(dir, "data"), File: filepath.Join(dir, "config.yaml"),
	}

	s := &side{t: t, sim: sim, url: url, loop: loop, logs: &lockedWriter{w: &bytes.Buffer{}}, cfg: cfg}
	logger := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	s.ui, err = newUI(context.Background(), a, Options{
		Config:     cfg,
		KeyStore:   keys,
		Logger:     logger,
		VerifyWait: 30 * time.Second,
	}, loop.do)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.ui.closed() })
	s.ui.win.Resize(fyne.NewSize(900, 700))
	return s
}

// startSim starts a simulated MISP for org on loopback, stopped when
// the test ends, and returns it with its URL.
func startSim(t *testing.T, org, uuid string) (*mispsim.Sim, string) {
	t.Helper()
	sim, err := mispsim.New(mispsim.Options{DataDir: t.TempDir(), OrgName: org, OrgUUID: uuid})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return sim, url
}

// lockedWriter lets worker goroutines and the test log to one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// String returns what was written so far.
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

// objects returns every object in the window, dialogs included, in
// drawing order.
func (s *side) objects() []fyne.CanvasObject {
	c := s.ui.win.Canvas()
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		out = append(out, o)
		switch v := o.(type) {
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(v).Objects() {
				walk(child)
			}
		}
	}
	walk(c.Content())
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	return out
}

// button returns the visible button labelled text, or fails.
func (s *side) button(text string) *widget.Button {
	s.t.Helper()
	for _, o := range s.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	s.t.Fatalf("no button %q on screen; texts: %s", text, s.texts())
	return nil
}

// buttons returns the visible buttons labelled text, in drawing order.
func (s *side) buttons(text string) []*widget.Button {
	var out []*widget.Button
	for _, o := range s.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			out = append(out, b)
		}
	}
	return out
}

// hasButton reports whether a visible button labelled text exists.
func (s *side) hasButton(text string) bool {
	for _, o := range s.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return true
		}
	}
	return false
}

// tap taps the enabled button labelled text.
func (s *side) tap(text string) {
	s.t.Helper()
	b := s.button(text)
	if b.Disabled() {
		s.t.Fatalf("button %q is disabled; texts: %s", text, s.texts())
	}
	test.Tap(b)
}

// texts returns the text of every label, button and canvas text on
// screen, for assertions and failure messages.
func (s *side) texts() string {
	var parts []string
	for _, o := range s.objects() {
		switch v := o.(type) {
		case *widget.Label:
			parts = append(parts, v.Text)
		case *widget.Button:
			parts = append(parts, "["+v.Text+"]")
		case *widget.Check:
			parts = append(parts, "("+v.Text+")")
		case *widget.Accordion:
			for _, item := range v.Items {
				parts = append(parts, item.Title)
			}
		}
	}
	return strings.Join(parts, " | ")
}

// shows reports whether some text on screen contains sub.
func (s *side) shows(sub string) bool {
	return strings.Contains(s.texts(), sub)
}

// key sends a shortcut to the window canvas, as the desktop driver does
// when no widget has the focus.
func (s *side) key(name fyne.KeyName, mod fyne.KeyModifier) {
	c := s.ui.win.Canvas()
	if mod == 0 {
		c.(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: name})
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: name, Modifier: mod})
}

// waitFor waits for cond on this side's loop.
func (s *side) waitFor(what string, cond func() bool) {
	s.t.Helper()
	s.loop.waitFor(s.t, what, 30*time.Second, cond)
}

// waitStage waits until the bump screen shows stage and no operation runs.
func (s *side) waitStage(stage string) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("stage %s (texts: %s)", stage, "…"), func() bool {
		b := s.ui.bump
		return b.session != nil && string(b.state.stage) == stage && b.busy == ""
	})
}

// idle waits until the bump screen runs no operation.
func (s *side) idle() {
	s.t.Helper()
	s.waitFor("the bump screen to finish its operation", func() bool { return s.ui.bump.busy == "" })
}

// findCheck returns the first visible check whose text contains sub.
func (s *side) findCheck(sub string) *widget.Check {
	s.t.Helper()
	for _, o := range s.objects() {
		if c, ok := o.(*widget.Check); ok && strings.Contains(c.Text, sub) {
			return c
		}
	}
	s.t.Fatalf("no check containing %q; texts: %s", sub, s.texts())
	return nil
}
