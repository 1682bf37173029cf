package provision

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
	"github.com/mispbump/mispbump/internal/secret"
)

// keyWorks reports whether key authenticates on s's MISP.
func keyWorks(t *testing.T, s *side, key secret.Key) bool {
	t.Helper()
	c, err := misp.New(misp.Config{URL: s.url, Key: key, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("client with a sync key: %v", err)
	}
	_, err = c.Me(context.Background())
	if err != nil && !errors.Is(err, misp.ErrAuth) {
		t.Fatalf("ask %s who the sync key belongs to: %v", s.url, err)
	}
	return err == nil
}

// A repeat bump with a new key rotates the key: once the codes match,
// the partner's old key stops working and the new one works.
func TestNewKeyRevokesOlderKeyAtConfirm(t *testing.T) {
	a, b := twoSides(t)
	first, _ := fullBump(t, a, b)
	if !keyWorks(t, a, first.key) {
		t.Fatal("the first bump's key does not work on A")
	}
	ra, rb := repeatWithNewKey(t, a, b)
	if !keyWorks(t, a, first.key) {
		t.Fatal("the old key stopped working before the codes were confirmed")
	}
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	if keyWorks(t, a, first.key) {
		t.Error("the old key still works on A after the rotation was confirmed")
	}
	if !keyWorks(t, a, ra.key) {
		t.Error("the new key does not work on A")
	}
	last := ra.bump.Timeline[len(ra.bump.Timeline)-1]
	if !strings.Contains(last.Note, "1 older key(s) revoked") {
		t.Errorf("confirmation note %q does not say the older key was revoked", last.Note)
	}
}

// A key that MISP fails to delete leaves the rotation confirmed, and
// the note names the key for the admin to delete by hand.
func TestNewKeyNamesKeyItCouldNotRevoke(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)
	a.sim.InjectFault(mispsim.Fault{Path: "/auth_keys/delete/*", Kind: mispsim.FaultStatus, Status: 500})
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	last := ra.bump.Timeline[len(ra.bump.Timeline)-1]
	if !strings.Contains(last.Note, "could not be revoked: delete them in MISP") {
		t.Errorf("confirmation note %q does not name the key left behind", last.Note)
	}
}
