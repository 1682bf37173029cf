package ui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/mispbump/mispbump/internal/bump"
)

func TestShortcutsSwitchScreens(t *testing.T) {
	s := oneSide(t)
	for _, c := range []struct {
		key fyne.KeyName
		tab int
	}{{fyne.Key2, tabBump}, {fyne.Key3, tabHistory}, {fyne.Key1, tabProfile}} {
		s.key(c.key, ctrl)
		if got := s.ui.tabs.SelectedIndex(); got != c.tab {
			t.Errorf("Ctrl+%s selected tab %d, want %d", c.key, got, c.tab)
		}
	}
}

func TestFocusedEntryForwardsShortcuts(t *testing.T) {
	s := oneSide(t)
	entry := s.ui.profile.url
	s.ui.win.Canvas().Focus(entry)
	entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: ctrl})
	if s.ui.tabs.SelectedIndex() != tabBump {
		t.Errorf("Ctrl+2 in a focused entry left tab %d selected", s.ui.tabs.SelectedIndex())
	}
	if s.ui.win.Canvas().Focused() != nil {
		t.Error("the entry on the profile screen keeps the focus after the switch")
	}

	// Shortcuts the app does not bind still reach the entry.
	entry.SetText("abc")
	entry.TypedShortcut(&fyne.ShortcutSelectAll{})
	if entry.SelectedText() != "abc" {
		t.Errorf("select all in the entry selected %q", entry.SelectedText())
	}
}

func TestShortcutsStartBothRoles(t *testing.T) {
	s := oneSide(t)
	s.key(fyne.KeyR, ctrl)
	s.waitStage(string(bump.StageWaitHello))
	// A second start is ignored while a bump runs.
	s.key(fyne.KeyI, ctrl)
	s.idle()
	if s.ui.bump.state.stage != bump.StageWaitHello {
		t.Fatalf("Ctrl+I during a bump moved it to %s", s.ui.bump.state.stage)
	}
	s.key(fyne.KeyEscape, 0)
	s.waitStage(string(bump.StageCancelled))
	s.key(fyne.KeyN, ctrl)
	s.key(fyne.KeyI, ctrl)
	s.waitStage(string(bump.StageShowHello))
}

func TestEveryShortcutIsSafeAnywhere(t *testing.T) {
	s := oneSide(t)
	for _, stage := range []string{"start", "show-hello"} {
		if stage == "show-hello" {
			s.key(fyne.KeyI, ctrl)
			s.waitStage(stage)
		}
		for _, b := range keyBindings {
			if b.action == actCancel || b.action == actNewBump || b.action == actFullScreen {
				continue
			}
			s.key(b.key, b.mod)
			if stage == "show-hello" && b.action == actScanScreen && s.ui.bump.scanning != scanScreenSource {
				t.Errorf("%s did not start a scan of the screen: %s", b.label, s.texts())
			}
			for _, d := range append([]interface{ Dismiss() }{}, dialogsOf(s)...) {
				d.Dismiss()
			}
			s.stopScan()
			s.idle()
		}
	}
	// Full screen and back.
	s.key(fyne.KeyF, ctrl)
	if s.ui.bump.fullScreen == nil {
		t.Fatal("Ctrl+F did not show the code full screen")
	}
	s.key(fyne.KeyEscape, 0)
	if s.ui.bump.fullScreen != nil || s.ui.win.Content() != s.ui.tabs {
		t.Error("Escape did not leave full screen")
	}
	if s.ui.bump.session == nil {
		t.Error("leaving full screen cancelled the bump")
	}
}

// stopScan stops a running scan with Escape, as the admin does. A scan
// of the screen runs until it finds a code when the machine has a
// display, as under the Xvfb of scripts/test.sh, and ends at once
// without one, so waiting for it to end by itself would hang.
func (s *side) stopScan() {
	if s.ui.bump.stopOp != nil && s.ui.bump.scanning != "" {
		s.key(fyne.KeyEscape, 0)
	}
}

func dialogsOf(s *side) []interface{ Dismiss() } {
	var out []interface{ Dismiss() }
	for _, d := range s.ui.dialogs {
		out = append(out, d)
	}
	return out
}

// TestShortcutsDocumented keeps docs/gui.md in step with the bindings.
func TestShortcutsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/gui.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range append(keyBindings, otherBindings...) {
		row := "| " + b.label + " | " + b.help + " |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/gui.md lacks the row %q", row)
		}
	}
}

func TestParseWindowSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want fyne.Size
		ok   bool
	}{
		{"360x740", fyne.NewSize(360, 740), true},
		{" 1280X800 ", fyne.NewSize(1280, 800), true},
		{"360", fyne.Size{}, false},
		{"100x740", fyne.Size{}, false},
		{"axb", fyne.Size{}, false},
		{"360x74000", fyne.Size{}, false},
	} {
		got, err := ParseWindowSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseWindowSize(%q) = %v, %v", c.in, got, err)
		}
	}
	t.Setenv(windowSizeEnv, "bad")
	if size, err := windowSize(fyne.Size{}); err == nil || size != DefaultWindowSize {
		t.Errorf("invalid %s: %v, %v", windowSizeEnv, size, err)
	}
	t.Setenv(windowSizeEnv, "400x800")
	if size, err := windowSize(fyne.Size{}); err != nil || size != fyne.NewSize(400, 800) {
		t.Errorf("%s=400x800: %v, %v", windowSizeEnv, size, err)
	}
}
