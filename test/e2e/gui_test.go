package e2e

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbinani/screenshot"

	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
)

// display is a private Xvfb server for one test.
type display struct {
	name string
	cmd  *exec.Cmd
}

// startDisplay starts Xvfb on a free display number. Without Xvfb or
// xdotool the GUI test skips, unless MISPBUMP_REQUIRE_GUI=1 (set by
// scripts/test.sh) makes that a failure.
func startDisplay(t *testing.T) *display {
	t.Helper()
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("MISPBUMP_REQUIRE_GUI") == "1" {
				t.Fatalf("%s is missing: run scripts/deps.sh", tool)
			}
			t.Skipf("%s is missing: the GUI test needs Xvfb and xdotool (scripts/deps.sh installs them)", tool)
		}
	}
	for n := 150; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		d := &display{name: fmt.Sprintf(":%d", n)}
		d.cmd = exec.Command("Xvfb", d.name, "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
		if err := d.cmd.Start(); err != nil {
			t.Fatalf("start Xvfb: %v", err)
		}
		t.Cleanup(func() {
			_ = d.cmd.Process.Kill()
			_ = d.cmd.Wait()
		})
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				t.Setenv("DISPLAY", d.name)
				return d
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", d.name)
	}
	t.Fatal("no free X display number between :150 and :199")
	return nil
}

// xdotool runs xdotool on the test's display and returns its output.
func xdotool(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("xdotool", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// window is one app window.
type window struct {
	id   string
	name string
}

func (w window) keys(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		xdotool(t, "key", "--window", w.id, k)
		time.Sleep(150 * time.Millisecond)
	}
}

// startApp opens the app for an admin and places its window.
func (a *admin) startApp(t *testing.T, x int) window {
	t.Helper()
	cmd := a.command(context.Background())
	cmd.Env = append(cmd.Env, "MISPBUMP_WINDOW_SIZE=940x1000", "FYNE_THEME=light", "DISPLAY="+os.Getenv("DISPLAY"))
	logs, err := os.Create(filepath.Join(a.home, "app.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logs.Close()
	})
	name := "mispbump — " + a.sim.name
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xdotool", "search", "--name", name).Output()
		if id := strings.TrimSpace(string(out)); err == nil && id != "" {
			w := window{id: strings.Fields(id)[0], name: name}
			xdotool(t, "windowmove", w.id, fmt.Sprint(x), "0")
			return w
		}
		time.Sleep(200 * time.Millisecond)
	}
	data, _ := os.ReadFile(filepath.Join(a.home, "app.log"))
	t.Fatalf("no window named %q appeared; app log:\n%s", name, data)
	return window{}
}

// screen captures the display and lists the handshake steps of the
// codes visible on it.
func screen(t *testing.T) (image.Image, map[exchange.Step]bool) {
	t.Helper()
	img, err := screenshot.CaptureDisplay(0)
	if err != nil {
		t.Fatalf("capture the screen: %v", err)
	}
	steps := map[exchange.Step]bool{}
	for _, s := range codes.NewReader(codes.ReaderOptions{}).Scan(img) {
		msg, err := codes.DecodeText(s.Text)
		if err != nil {
			continue
		}
		if h, err := exchange.Inspect(msg); err == nil {
			steps[h.Step] = true
		}
	}
	return img, steps
}

// shots saves numbered screenshots as test artefacts, and into
// docs/screenshots when MISPBUMP_UPDATE_SCREENSHOTS=1.
type shots struct {
	dir string
	n   int
}

func newShots(t *testing.T) *shots {
	dir := filepath.Join("..", "artifacts", "gui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &shots{dir: dir}
}

func (s *shots) save(t *testing.T, name string, img image.Image) {
	t.Helper()
	s.n++
	file := fmt.Sprintf("demo-%02d-%s.png", s.n, name)
	targets := []string{filepath.Join(s.dir, file)}
	if os.Getenv("MISPBUMP_UPDATE_SCREENSHOTS") == "1" {
		targets = append(targets, filepath.Join("..", "..", "docs", "screenshots", file))
	}
	for _, path := range targets {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

// waitScreen waits until the visible codes satisfy want, then saves a
// screenshot.
func waitScreen(t *testing.T, s *shots, name string, want func(map[exchange.Step]bool) bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	var img image.Image
	var steps map[exchange.Step]bool
	for time.Now().Before(deadline) {
		img, steps = screen(t)
		if want(steps) {
			s.save(t, name, img)
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	s.save(t, name+"-timeout", img)
	t.Fatalf("%s: the screen shows codes of steps %v", name, steps)
}

// waitVerified waits until an admin's history records a verified bump.
func waitVerified(t *testing.T, a *admin) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if store, err := history.Open(filepath.Join(a.home, "data")); err == nil {
			bumps, _ := store.List()
			for _, b := range bumps {
				if b.Status == history.StatusVerified {
					return
				}
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	data, _ := os.ReadFile(filepath.Join(a.home, "app.log"))
	t.Fatalf("%s recorded no verified bump; app log:\n%s", a.sim.name, data)
}

func TestGUIBumpThroughScreen(t *testing.T) {
	startDisplay(t)
	simA, simB := startSim(t, "Example CERT A", uuidA), startSim(t, "Example CERT B", uuidB)
	a, b := newAdmin(t, simA), newAdmin(t, simB)
	winA, winB := a.startApp(t, 0), b.startApp(t, 960)
	s := newShots(t)
	time.Sleep(time.Second)
	img, _ := screen(t)
	s.save(t, "start", img)

	winA.keys(t, "ctrl+i")
	waitScreen(t, s, "a-shows-hello", func(v map[exchange.Step]bool) bool { return v[exchange.StepHello] })

	winB.keys(t, "ctrl+r", "ctrl+shift+s")
	waitScreen(t, s, "b-shows-reply", func(v map[exchange.Step]bool) bool { return v[exchange.StepReply] })

	winA.keys(t, "ctrl+shift+s")
	waitScreen(t, s, "a-reviews-partner", func(v map[exchange.Step]bool) bool { return !v[exchange.StepHello] })

	winA.keys(t, "ctrl+p", "ctrl+Return")
	waitScreen(t, s, "a-shows-offer", func(v map[exchange.Step]bool) bool { return v[exchange.StepOffer] })

	winB.keys(t, "ctrl+shift+s")
	waitScreen(t, s, "b-reviews-partner", func(v map[exchange.Step]bool) bool { return !v[exchange.StepReply] })

	winB.keys(t, "ctrl+p", "ctrl+Return")
	waitScreen(t, s, "b-shows-key", func(v map[exchange.Step]bool) bool { return v[exchange.StepKey] })

	winA.keys(t, "ctrl+shift+s")
	waitScreen(t, s, "both-compare-codes", func(v map[exchange.Step]bool) bool { return !v[exchange.StepOffer] })

	winA.keys(t, "ctrl+m")
	winB.keys(t, "ctrl+m")
	waitVerified(t, a)
	waitVerified(t, b)
	time.Sleep(500 * time.Millisecond)
	img, _ = screen(t)
	s.save(t, "verified", img)

	checkPartnership(t, simA, simB)
	checkPartnership(t, simB, simA)
}
