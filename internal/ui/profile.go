package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/provision"
	"github.com/mispbump/mispbump/internal/secret"
)

// profileScreen edits the admin's MISP settings and tests them.
type profileScreen struct {
	ui      *UI
	content fyne.CanvasObject

	url, key, caFile, pin, email *formEntry
	pull, push                   *widget.Check
	keyNote                      *widget.Label
	test, save                   *widget.Button
	status                       *widget.Label
	result                       *fyne.Container
	busy                         bool
}

func newProfileScreen(u *UI) *profileScreen {
	p := &profileScreen{ui: u}
	cfg := u.cfg
	p.url = newFormEntry(u)
	p.url.SetPlaceHolder("https://misp.example.org")
	p.url.SetText(cfg.MISPURL)
	p.key = newPasswordEntry(u)
	p.key.SetPlaceHolder("40 letters and digits")
	if !cfg.Key.IsZero() {
		p.key.SetPlaceHolder("stored: leave empty to keep it")
	}
	p.keyNote = wrapLabel("")
	p.keyNote.Importance = widget.MediumImportance
	p.caFile = newFormEntry(u)
	p.caFile.SetPlaceHolder("PEM file of a private CA (optional)")
	p.caFile.SetText(cfg.CAFile)
	p.pin = newFormEntry(u)
	p.pin.SetPlaceHolder("SHA-256 fingerprint of a self-signed certificate (optional)")
	if cfg.PinSHA256 != nil {
		p.pin.SetText(config.FormatPin(cfg.PinSHA256))
	}
	p.pull = widget.NewCheck("Pull events from partners", nil)
	p.pull.SetChecked(cfg.Pull)
	p.push = widget.NewCheck("Push events to partners", nil)
	p.push.SetChecked(cfg.Push)
	p.email = newFormEntry(u)
	p.email.SetPlaceHolder("sync@your-domain (empty: derived from your e-mail)")
	p.email.SetText(cfg.SyncEmail)

	p.test = widget.NewButtonWithIcon("Test connection", theme.SearchIcon(), p.testConnection)
	p.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), p.saveSettings)
	p.save.Importance = widget.HighImportance
	p.status = wrapLabel("")
	p.result = container.NewVBox()
	p.updateKeyNote()

	form := widget.NewForm(
		widget.NewFormItem("MISP URL", p.url),
		widget.NewFormItem("API key", p.key),
		widget.NewFormItem("", p.keyNote),
		widget.NewFormItem("CA file", p.caFile),
		widget.NewFormItem("Certificate pin", p.pin),
		widget.NewFormItem("Sync", container.NewVBox(p.pull, p.push)),
		widget.NewFormItem("Contact e-mail", p.email),
	)
	help := wrapLabel("The contact e-mail is what partners give the sync user they create for you.")
	buttons := container.NewGridWithColumns(2, p.test, p.save)
	p.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle("Your MISP", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form, help, buttons, p.status, p.result,
	)))
	return p
}

func (p *profileScreen) act(a action) {
	switch a {
	case actTestConnection:
		p.testConnection()
	case actSave:
		p.saveSettings()
	}
}

// updateKeyNote names the store that holds the key, which is also where
// Save puts a typed key.
func (p *profileScreen) updateKeyNote() {
	cfg := p.ui.cfg
	store := p.ui.keys.Describe()
	switch {
	case cfg.Key.IsZero():
		p.keyNote.SetText("No key yet. Saving stores it in " + store + ".")
	case cfg.KeySource == store || cfg.KeySource == "":
		p.keyNote.SetText("Stored in " + store + ".")
	default:
		p.keyNote.SetText("Read from " + cfg.KeySource + ", which takes precedence. " +
			"A key typed here is stored in " + store + ".")
	}
}

// formConfig returns the configuration the form describes, or what is
// wrong with it.
func (p *profileScreen) formConfig() (*config.Config, secret.Key, error) {
	cfg := *p.ui.cfg
	cfg.MISPURL = strings.TrimRight(strings.TrimSpace(p.url.Text), "/")
	if err := config.CheckURL(cfg.MISPURL); err != nil {
		return nil, secret.Key{}, fmt.Errorf("MISP URL: %w", err)
	}
	var typed secret.Key
	if text := strings.TrimSpace(p.key.Text); text != "" {
		if !validKey(text) {
			return nil, secret.Key{}, fmt.Errorf("API key: a MISP key has exactly 40 letters and digits, the text entered has %d characters", len(text))
		}
		typed = secret.New(text)
		cfg.Key = typed
	}
	cfg.CAFile = strings.TrimSpace(p.caFile.Text)
	cfg.PinSHA256 = nil
	if pin := strings.TrimSpace(p.pin.Text); pin != "" {
		parsed, err := config.ParsePin(pin)
		if err != nil {
			return nil, secret.Key{}, fmt.Errorf("certificate pin: %w", err)
		}
		cfg.PinSHA256 = parsed
	}
	cfg.Pull, cfg.Push = p.pull.Checked, p.push.Checked
	cfg.SyncEmail = strings.TrimSpace(p.email.Text)
	if cfg.SyncEmail != "" && !strings.Contains(cfg.SyncEmail, "@") {
		return nil, secret.Key{}, fmt.Errorf("contact e-mail %q: not an e-mail address", cfg.SyncEmail)
	}
	return &cfg, typed, nil
}

func validKey(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(config.KeyAlphabet, r) {
			return false
		}
	}
	return true
}

// setStatus shows a line under the buttons; errors are also logged.
func (p *profileScreen) setStatus(text string, isErr bool) {
	p.status.SetText(text)
	p.status.Importance = widget.MediumImportance
	if isErr {
		p.status.Importance = widget.DangerImportance
		p.ui.log.Warn("profile", "problem", text)
	}
	p.status.Refresh()
}

func (p *profileScreen) setBusy(busy bool) {
	p.busy = busy
	for _, b := range []*widget.Button{p.test, p.save} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// testConnection fetches the profile with the form's settings and shows it.
func (p *profileScreen) testConnection() {
	if p.busy {
		return
	}
	cfg, _, err := p.formConfig()
	if err != nil {
		p.setStatus(errText(err), true)
		return
	}
	client, err := cfg.MISPClient(p.ui.log)
	if err != nil {
		p.setStatus(errText(err), true)
		return
	}
	p.setBusy(true)
	p.setStatus("Connecting to "+cfg.MISPURL+"…", false)
	p.ui.goWork("test connection", func(ctx context.Context) {
		profile, err := provision.Fetch(ctx, client, provision.FetchOptions{Logger: p.ui.log})
		var check *provision.CertificateCheck
		if err != nil {
			check = provision.CheckCertificateOf(ctx, cfg.MISPURL, cfg.CAFile, err)
		}
		p.ui.do(func() {
			p.setBusy(false)
			p.result.RemoveAll()
			if err != nil {
				p.setStatus("Connection failed: "+err.Error(), true)
				if check != nil {
					p.result.Add(p.certificateView(check))
				}
				return
			}
			p.setStatus("Connected.", false)
			p.ui.setTitle(profile.Org.Name)
			p.result.Add(profileView(profile))
		})
	})
}

// saveSettings writes the configuration file and stores a typed key.
func (p *profileScreen) saveSettings() {
	if p.busy {
		return
	}
	cfg, typed, err := p.formConfig()
	if err != nil {
		p.setStatus(errText(err), true)
		return
	}
	if cfg.File == "" {
		cfg.File = filepath.Join(config.DefaultConfigDir(), "config.yaml")
	}
	// A key kept from the store moves with a changed URL, because the
	// store files keys by URL.
	storeKey := typed
	if storeKey.IsZero() && cfg.MISPURL != p.ui.cfg.MISPURL && p.ui.cfg.KeySource == p.ui.keys.Describe() {
		storeKey = cfg.Key
	}
	keys := p.ui.keys

	p.setBusy(true)
	p.setStatus("Saving…", false)
	p.ui.goWork("save profile", func(context.Context) {
		var err error
		if !storeKey.IsZero() {
			err = keys.Set(cfg.MISPURL, storeKey)
		}
		if err == nil {
			err = cfg.Save()
		}

		p.ui.do(func() {
			p.setBusy(false)
			if err != nil {
				p.setStatus("Not saved: "+err.Error(), true)
				p.ui.showError("Cannot save the profile", err)
				return
			}
			if !typed.IsZero() {
				cfg.KeySource = keys.Describe()
				p.key.SetText("")
				p.key.SetPlaceHolder("stored: leave empty to keep it")
			}
			*p.ui.cfg = *cfg
			p.updateKeyNote()
			p.setStatus("Saved to "+cfg.File+".", false)
		})
	})
}

// certificateView shows the certificate of a MISP that failed TLS
// verification and offers to put its fingerprint in the pin field. It
// saves nothing: the admin compares the fingerprint first, then tests
// the connection again and saves.
func (p *profileScreen) certificateView(check *provision.CertificateCheck) fyne.CanvasObject {
	pin := config.FormatPin(check.Info.SHA256)
	use := widget.NewButtonWithIcon("Use this fingerprint", theme.ContentPasteIcon(), func() {
		p.pin.SetText(pin)
		status := "The fingerprint is in the Certificate pin field. Test the connection again, then save."
		if strings.TrimSpace(p.caFile.Text) != "" {
			// A pin and a CA file exclude each other.
			p.caFile.SetText("")
			status = "The fingerprint is in the Certificate pin field, and the CA file is cleared because the pin replaces it. " +
				"Test the connection again, then save."
		}
		p.setStatus(status, false)
	})
	return container.NewVBox(wrapLabel(check.Advice), use)
}
