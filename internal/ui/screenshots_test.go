package ui

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mispbump/mispbump/internal/bump"
)

// screenshotDir, when set with -screenshots, is where TestScreenshots
// writes its images; docs/gui.md gives the command.
var screenshotDir = flag.String("screenshots", "", "write the screenshots of TestScreenshots to this directory, such as ../../docs/screenshots")

// screenshotSizes are a phone in portrait and a desktop window.
var screenshotSizes = []struct {
	name string
	size fyne.Size
}{
	{"phone", fyne.NewSize(360, 740)},
	{"desktop", fyne.NewSize(1280, 800)},
}

var screenshotThemes = []struct {
	name    string
	variant fyne.ThemeVariant
}{
	{"light", theme.VariantLight},
	{"dark", theme.VariantDark},
}

// shoot renders the window at every size and theme, checks that nothing
// is clipped, and writes the images when -screenshots is set.
func shoot(t *testing.T, s *side, name string) {
	t.Helper()
	for _, sz := range screenshotSizes {
		for _, th := range screenshotThemes {
			s.ui.app.Settings().SetTheme(variantTheme{theme.DefaultTheme(), th.variant})
			s.ui.win.Resize(sz.size)
			s.ui.bump.render()
			s.ui.history.render()
			s.loop.drain()

			content := s.ui.win.Content()
			if min, got := content.MinSize(), content.Size(); min.Width > got.Width+0.5 || min.Height > got.Height+0.5 {
				t.Errorf("%s at %s: content needs %v but has %v, so it is clipped", name, sz.name, min, got)
			}
			img := s.ui.win.Canvas().Capture()
			if got := img.Bounds().Size(); got.X != int(sz.size.Width) || got.Y != int(sz.size.Height) {
				t.Errorf("%s at %s: image %v", name, sz.name, got)
			}
			if *screenshotDir != "" {
				writeScreenshot(t, filepath.Join(*screenshotDir, fmt.Sprintf("%s-%s-%s.png", name, sz.name, th.name)), img)
			}
		}
	}
	s.ui.app.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	s.ui.win.Resize(fyne.NewSize(900, 700))
}

func writeScreenshot(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestScreenshots walks a whole bump and renders every screen on the
// way at phone and desktop size, in light and dark, with Fyne's software
// renderer. The file names are stable so that the README can link them.
func TestScreenshots(t *testing.T) {
	if testing.Short() {
		t.Skip("renders many images")
	}
	a, b := twoSides(t)
	// Desktop builds have a live camera, so the screens show its button.
	a.withCamera(blankScene("Desk camera"))
	b.withCamera(blankScene("Desk camera"))

	// The window tests the connection at start-up.
	a.ui.tabs.SelectIndex(tabProfile)
	a.profileIdle()
	shoot(t, a, "profile")

	a.ui.tabs.SelectIndex(tabBump)
	shoot(t, a, "bump-start")
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	shoot(t, a, "bump-show-code")

	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	handOver(t, b, a)
	a.waitStage(string(bump.StageReview))
	shoot(t, a, "bump-review")

	review(t, a)
	handOver(t, a, b)
	review(t, b)
	b.waitStage(string(bump.StageCompare))
	shoot(t, b, "bump-compare-show-key")
	handOver(t, b, a)
	a.waitStage(string(bump.StageCompare))
	shoot(t, a, "bump-compare")

	a.tap("Codes match")
	b.tap("Codes match")
	a.waitStage(string(bump.StageDone))
	b.waitStage(string(bump.StageDone))
	shoot(t, a, "bump-done")

	a.ui.tabs.SelectIndex(tabHistory)
	a.waitFor("the partner in the history", func() bool { return a.shows("Example CERT B") })
	shoot(t, a, "history")
	a.tap("Details")
	shoot(t, a, "history-details")

	// A repeat bump, at the review, with a new key asked for.
	a.ui.tabs.SelectIndex(tabBump)
	a.key(fyne.KeyN, ctrl)
	b.key(fyne.KeyN, ctrl)
	a.tap("Show my code first")
	a.waitStage(string(bump.StageShowHello))
	b.tap("Scan partner's code first")
	b.waitStage(string(bump.StageWaitHello))
	handOver(t, a, b)
	handOver(t, b, a)
	a.waitStage(string(bump.StageReview))
	a.findCheck("Give the partner a new key").SetChecked(true)
	a.idle()
	shoot(t, a, "bump-review-repeat")
}
