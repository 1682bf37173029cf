package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// A MISP with a self-signed certificate fails the connection test. The
// profile screen shows the fingerprint it presents and fills the pin
// field on request, and the next test then connects.
func TestProfileOffersCertificatePin(t *testing.T) {
	s := oneSide(t)
	sim, err := mispsim.New(mispsim.Options{DataDir: t.TempDir(), OrgName: "Example CERT T", OrgUUID: uuidM, TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	info, err := misp.ProbeTLS(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}

	p := s.ui.profile
	// A CA file that does not vouch for the certificate: pinning must
	// replace it.
	otherDir := t.TempDir()
	other, err := mispsim.New(mispsim.Options{DataDir: otherDir, OrgName: "Example CERT U", OrgUUID: uuidB, TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	p.caFile.SetText(filepath.Join(otherDir, "tls-cert.pem"))
	p.url.SetText(url)
	p.key.SetText("")
	test.Type(p.key, sim.AdminKey().Reveal())
	s.tap("Test connection")
	s.profileIdle()
	if !strings.HasPrefix(p.status.Text, "Connection failed: ") {
		t.Fatalf("status with a self-signed certificate: %q", p.status.Text)
	}
	if !s.shows("SHA-256 fingerprint " + info.Fingerprint()) {
		t.Fatalf("the fingerprint is not shown: %s", s.texts())
	}
	if p.pin.Text != "" {
		t.Fatalf("the pin was filled in before the admin asked: %q", p.pin.Text)
	}
	shoot(t, s, "profile-certificate")

	s.tap("Use this fingerprint")
	if p.pin.Text != info.Fingerprint() || p.caFile.Text != "" {
		t.Errorf("pin field %q and CA file %q, want %q and none", p.pin.Text, p.caFile.Text, info.Fingerprint())
	}
	s.tap("Test connection")
	s.profileIdle()
	if p.status.Text != "Connected." || !s.shows("Example CERT T") {
		t.Errorf("status after pinning: %q: %s", p.status.Text, s.texts())
	}
}
