package ui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"

	"github.com/mispbump/mispbump/assets"
	_ "github.com/mispbump/mispbump/internal/clocale" // before Fyne reads the locale
	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/history"
)

// AppID is the Fyne application id, as in FyneApp.toml. Fyne keys the
// preferences and the app's storage by it.
const AppID = "org.mispbump.app"

// Options configure the app.
type Options struct {
	// Config is the loaded configuration. The profile screen edits it
	// and saves it with Config.Save. Required.
	Config *config.Config
	// KeyStore stores the API key that the profile screen saves.
	// Nil means config.DefaultKeyStore().
	KeyStore config.KeyStore
	// Logger receives every error the app shows and the start and end of
	// long operations; nil discards them.
	Logger *slog.Logger
	// Camera, when set, makes the live camera view once the app exists,
	// and the bump screen gets a Camera button. Nil means no camera.
	Camera func(fyne.App) CameraView
	// WindowSize is the initial window size. Zero uses the
	// MISPBUMP_WINDOW_SIZE environment variable (such as "360x740"), or
	// DefaultWindowSize.
	WindowSize fyne.Size
	// VerifyWait bounds the wait for the partner during verification;
	// zero means provision.DefaultVerifyWait.
	VerifyWait time.Duration
}

// UI is one app window with its three screens.
type UI struct {
	app  fyne.App
	win  fyne.Window
	opts Options
	cfg  *config.Config
	keys config.KeyStore
	log  *slog.Logger

	// do runs a function on the UI goroutine: fyne.Do in the app, a
	// queue drained by the test goroutine in tests.
	do func(func())
	// ctx ends when the window closes; every worker goroutine uses it.
	ctx    context.Context
	cancel context.CancelFunc

	store   *history.Store
	tabs    *container.AppTabs
	profile *profileScreen
	bump    *bumpScreen
	history *historyScreen
	dialogs []dialog.Dialog
	orgName string
}

// Run starts the app and blocks until its window is closed or ctx ends.
func Run(ctx context.Context, opts Options) error {
	a := app.NewWithID(AppID)
	a.SetIcon(assets.Icon)
	u, err := New(ctx, a, opts)
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
			fyne.Do(a.Quit)
		case <-stop:
		}
	}()
	u.win.ShowAndRun()
	u.cancel()
	return nil
}

// New builds the window on a (the real app, or a test app from
// fyne.io/fyne/v2/test) without showing it.
func New(ctx context.Context, a fyne.App, opts Options) (*UI, error) {
	return newUI(ctx, a, opts, fyne.Do)
}

func newUI(ctx context.Context, a fyne.App, opts Options, do func(func())) (*UI, error) {
	if opts.Config == nil {
		return nil, fmt.Errorf("start the app: no configuration")
	}
	u := &UI{app: a, opts: opts, cfg: opts.Config, keys: opts.KeyStore, log: opts.Logger, do: do}
	if u.keys == nil {
		u.keys = config.DefaultKeyStore()
	}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	u.ctx, u.cancel = context.WithCancel(ctx)

	store, err := history.Open(u.cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open the history in %s: %w", u.cfg.DataDir, err)
	}
	u.store = store

	u.win = a.NewWindow("mispbump")
	u.win.SetIcon(assets.Icon)
	u.profile = newProfileScreen(u)
	u.bump = newBumpScreen(u)
	u.history = newHistoryScreen(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Profile", theme.AccountIcon(), u.profile.content),
		container.NewTabItemWithIcon("Bump", theme.ViewRefreshIcon(), u.bump.content),
		container.NewTabItemWithIcon("History", theme.HistoryIcon(), u.history.content),
	)
	u.tabs.SetTabLocation(tabLocation())
	u.tabs.OnSelected = u.tabSelected
	u.win.SetContent(u.tabs)
	size, err := windowSize(opts.WindowSize)
	if err != nil {
		u.log.Warn("window size", "err", err)
	}
	u.win.Resize(size)
	u.win.SetOnDropped(u.bump.dropped)
	u.win.SetOnClosed(u.closed)
	u.registerShortcuts(u.win.Canvas())
	u.setTitle("")

	if u.cfg.MISPURL == "" || u.cfg.Key.IsZero() {
		u.tabs.SelectIndex(tabProfile)
	} else {
		u.tabs.SelectIndex(tabBump)
		u.profile.testConnection()
	}
	u.offerRecovery()
	return u, nil
}

// The tab indexes.
const (
	tabProfile = iota
	tabBump
	tabHistory
)

// tabLocation puts the tabs at the bottom on phones, where the thumb is,
// and at the top on desktops.
func tabLocation() container.TabLocation {
	if fyne.CurrentDevice().IsMobile() {
		return container.TabLocationBottom
	}
	return container.TabLocationTop
}

// Window returns the app window.
func (u *UI) Window() fyne.Window { return u.win }

// setTitle names the admin's organisation in the window title, so that two
// windows side by side can be distinguished.
func (u *UI) setTitle(org string) {
	if org != "" {
		u.orgName = org
	}
	if u.orgName == "" {
		u.win.SetTitle("mispbump")
		return
	}
	u.win.SetTitle("mispbump — " + u.orgName)
}

func (u *UI) tabSelected(*container.TabItem) {
	// A field on the screen just left would keep the focus and swallow
	// the keys meant for the new screen.
	u.win.Canvas().Unfocus()
	switch u.tabs.SelectedIndex() {
	case tabHistory:
		u.history.reload()
	case tabBump:
		u.bump.shown()
	}
	if u.tabs.SelectedIndex() != tabBump {
		u.bump.left()
	}
}

func (u *UI) closed() {
	u.bump.stopAll()
	u.cancel()
	u.bump.closeSession()
}

// goWork runs work in a new goroutine that gets the window's context.
func (u *UI) goWork(name string, work func(ctx context.Context)) {
	u.log.Debug("operation started", "operation", name)
	go func() {
		work(u.ctx)
		u.log.Debug("operation ended", "operation", name)
	}()
}
