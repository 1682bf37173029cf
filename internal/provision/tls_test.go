package provision

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/secret"
)

func TestSelfSignedPartnerPinned(t *testing.T) {
	a := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a"})
	b := newSide(t, sideOptions{name: "Example CERT B", uuid: "5f1b8c2e-0000-4000-8000-00000000000b", tls: true})

	if len(b.profile.TLSPin) != 32 {
		t.Fatalf("profile of a self-signed MISP has pin %x, want a SHA-256", b.profile.TLSPin)
	}
	if !hasWarning(b.profile, "private-certificate") {
		t.Errorf("no private-certificate warning: %+v", b.profile.Warnings)
	}

	ra, rb := fullBump(t, a, b)
	if !bytes.Contains(ra.plan.CertPEM, []byte("BEGIN CERTIFICATE")) {
		t.Fatal("plan on A carries no certificate for B")
	}
	v := ra.verify(t, b, rb.key)
	if v.Status != 1 {
		t.Errorf("A→B (self-signed, pinned) status %d: %s", v.Status, v.Message)
	}
	if !v.ReverseOK {
		t.Errorf("reverse check to the pinned partner failed: %s", v.ReverseMessage)
	}
	for _, srv := range a.sim.Servers() {
		if srv.CertFile == "" {
			t.Errorf("server entry %d has no uploaded certificate", srv.ID)
		}
	}
}

func TestPinMismatchStopsPlan(t *testing.T) {
	a := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a"})
	b := newSide(t, sideOptions{name: "Example CERT B", uuid: "5f1b8c2e-0000-4000-8000-00000000000b", tls: true})
	partner := b.exchangeProfile(t)
	partner.TLSPin = bytes.Repeat([]byte{0xAB}, 32)

	_, err := a.start(t, partner, history.RoleInitiator, loopbackOptions)
	if !errors.Is(err, ErrPinMismatch) {
		t.Fatalf("plan with a wrong pin: %v, want ErrPinMismatch", err)
	}
	if len(a.sim.Orgs()) != 1 {
		t.Errorf("a rejected plan created organisations: %d", len(a.sim.Orgs()))
	}
}

func hasWarning(p *Profile, code string) bool {
	for _, w := range p.Warnings {
		if w.Code == code {
			return true
		}
	}
	return false
}

func TestRepeatBumpUploadsChangedCertificate(t *testing.T) {
	a := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a"})
	b := newSide(t, sideOptions{name: "Example CERT B", uuid: "5f1b8c2e-0000-4000-8000-00000000000b", tls: true})
	ra, rb := fullBump(t, a, b)
	if v := ra.verify(t, b, rb.key); v.Status != 1 {
		t.Fatalf("first bump: status %d: %s", v.Status, v.Message)
	}
	b.saveHistoryPin(t, ra)

	// B gets a new certificate at the same address.
	opts := b.opts
	opts.listen = strings.TrimPrefix(b.url, "https://")
	if err := b.sim.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tls-cert.pem", "tls-key.pem"} {
		if err := os.Remove(filepath.Join(b.dataDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	b2 := newSide(t, opts)
	if bytes.Equal(b2.profile.TLSPin, b.profile.TLSPin) {
		t.Fatal("the restarted simulator kept its certificate")
	}

	ra2, _ := fullBump(t, a, b2)
	if ra2.plan.Server.Action != ActionUpdate {
		t.Errorf("server step %s after the partner's certificate changed, want update", ra2.plan.Server.Action)
	}
	if v := ra2.verify(t, b2, secret.Key{}); v.Status != 1 {
		t.Errorf("after the certificate change: status %d: %s", v.Status, v.Message)
	}
}

// saveHistoryPin records the partner's pin in A's bump, as the bump
// session does from the handshake.
func (s *side) saveHistoryPin(t *testing.T, r *bumpRun) {
	t.Helper()
	r.bump.Partner.TLSPin = hex.EncodeToString(s.profile.TLSPin)
	if err := r.s.store.Save(r.bump); err != nil {
		t.Fatal(err)
	}
}
