package ui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/config"
)

// oneSide starts one admin with the profile screen selected.
func oneSide(t *testing.T) *side {
	a, loop := newTestApp(t)
	s := newSide(t, a, loop, "Example CERT A", uuidA)
	s.ui.tabs.SelectIndex(tabProfile)
	s.profileIdle()
	return s
}

func (s *side) profileIdle() {
	s.t.Helper()
	s.waitFor("the profile screen to finish", func() bool { return !s.ui.profile.busy })
}

func TestProfileTestConnectionShowsOrg(t *testing.T) {
	s := oneSide(t)
	s.ui.profile.result.RemoveAll()
	s.tap("Test connection")
	s.profileIdle()

	for _, want := range []string{
		"Connected to Example CERT A",
		uuidA,
		"2.5.1",
		s.url,
		"(plain-http)", // the simulator serves http, which the profile check warns about
	} {
		if !s.shows(want) {
			t.Errorf("profile result lacks %q: %s", want, s.texts())
		}
	}
	if got := s.ui.profile.status.Text; got != "Connected." {
		t.Errorf("status %q", got)
	}
}

func TestProfileWrongKeyShowsError(t *testing.T) {
	s := oneSide(t)
	test.Type(s.ui.profile.key, strings.Repeat("x", 40))
	s.tap("Test connection")
	s.profileIdle()

	status := s.ui.profile.status
	if !strings.HasPrefix(status.Text, "Connection failed: ") {
		t.Fatalf("status after a wrong key: %q", status.Text)
	}
	t.Logf("status: %s", status.Text)
	if status.Importance != widget.DangerImportance {
		t.Errorf("the error is shown with importance %v", status.Importance)
	}
	if !strings.Contains(strings.ToLower(status.Text), "key") {
		t.Errorf("the error does not name the key: %q", status.Text)
	}
	if strings.Contains(s.texts(), "Connected to") {
		t.Error("the result of a failed test still shows a profile")
	}
	if !strings.Contains(s.logs.String(), "Connection failed") {
		t.Error("the error did not reach the log")
	}
}

func TestProfileRejectsBadInput(t *testing.T) {
	s := oneSide(t)
	cases := []struct {
		field *formEntry
		text  string
		want  string
	}{
		{s.ui.profile.url, "misp.example.org", "MISP URL"},
		{s.ui.profile.key, "short", "API key: a MISP key has exactly 40 letters and digits"},
		{s.ui.profile.pin, "12:34", "certificate pin"},
		{s.ui.profile.email, "nobody", "Contact e-mail \"nobody\""},
	}
	for _, c := range cases {
		old := c.field.Text
		c.field.SetText(c.text)
		s.tap("Save")
		if got := s.ui.profile.status.Text; !strings.Contains(got, c.want) {
			t.Errorf("saving %q: status %q, want it to contain %q", c.text, got, c.want)
		}
		c.field.SetText(old)
	}
	if _, err := os.Stat(s.cfg.File); err == nil {
		t.Error("invalid input was saved")
	}
}

func TestProfileSaveStoresKeyAndConfig(t *testing.T) {
	s := oneSide(t)
	key := s.sim.AdminKey().Reveal()
	s.ui.profile.email.SetText("sync@cert-a.example")
	s.ui.profile.push.SetChecked(false)
	test.Type(s.ui.profile.key, key)
	s.key(fyne.KeyS, ctrl) // the Save shortcut
	s.profileIdle()

	if got := s.ui.profile.status.Text; !strings.HasPrefix(got, "Saved to ") {
		t.Fatalf("status after Save: %q", got)
	}
	info, err := os.Stat(s.cfg.File)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("config file mode %o, want 600", mode)
	}
	data, _ := os.ReadFile(s.cfg.File)
	if strings.Contains(string(data), key) {
		t.Error("the API key was written to the config file")
	}
	if !strings.Contains(string(data), "sync@cert-a.example") {
		t.Errorf("config file lacks the contact e-mail:\n%s", data)
	}
	if s.ui.cfg.Push {
		t.Error("push is still on in the app's configuration")
	}
	stored, err := s.ui.keys.Get(s.url)
	if err != nil || stored.Reveal() != key {
		t.Errorf("key store after Save: err %v, key matches %v", err, stored.Reveal() == key)
	}
	store := s.ui.keys.(config.FileStore)
	if note := s.ui.profile.keyNote.Text; note != "Stored in "+store.Describe()+"." {
		t.Errorf("key note %q", note)
	}
	if s.ui.profile.key.Text != "" {
		t.Error("the key entry still holds the key after saving")
	}
}
