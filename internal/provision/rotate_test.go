package provision

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/history"
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

// syncKeys returns the keys on s's MISP of the sync user for partner p.
func syncKeys(t *testing.T, s, p *side) []mispsim.AuthKeyInfo {
	t.Helper()
	u, ok := s.sim.UserByEmail(p.profile.Exchange(SyncSettings{}).SyncEmail)
	if !ok {
		t.Fatalf("%s has no sync user for %s", s.url, p.url)
	}
	return s.sim.AuthKeys(u.ID)
}

// lastNote returns the note of the bump's latest timeline event.
func lastNote(b *history.Bump) string {
	return b.Timeline[len(b.Timeline)-1].Note
}

// A repeat bump with a new key rotates the key: once the codes match,
// the partner's older key is set to expire after the grace period, and
// keeps working until then, while the new key never expires.
func TestNewKeyExpiresOlderKeyAtConfirm(t *testing.T) {
	a, b := twoSides(t)
	first, _ := fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	if !keyWorks(t, a, first.key) || !keyWorks(t, a, ra.key) {
		t.Fatal("the old and the new key must both work during the grace period")
	}
	want := time.Now().Add(DefaultKeyGrace).Unix()
	for _, k := range syncKeys(t, a, b) {
		isNew := int64(k.ID) == ra.bump.Object(history.KindAuthKey).ID
		switch {
		case isNew && k.Expiration != 0:
			t.Errorf("the new key %d expires at %d", k.ID, k.Expiration)
		case !isNew && (k.Expiration < want-60 || k.Expiration > want+60):
			t.Errorf("older key %d expires at %d, want about %d", k.ID, k.Expiration, want)
		}
	}
	if !strings.Contains(lastNote(ra.bump), "1 older key(s) of the sync user stop working on") {
		t.Errorf("last note %q does not say when the older key stops working", lastNote(ra.bump))
	}
	if ra.bump.Object(history.KindAuthKey).OlderKeysExpire == 0 {
		t.Error("the history does not record that the older keys expire")
	}
}

// After the grace period the older key no longer authenticates.
func TestOlderKeyStopsWorkingAfterGrace(t *testing.T) {
	a, b := twoSides(t)
	first, _ := fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)
	// A clock one grace period and an hour behind puts the deadline in
	// the past.
	a.pv.Now = func() time.Time { return time.Now().Add(-DefaultKeyGrace - time.Hour) }
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	if keyWorks(t, a, first.key) {
		t.Error("the old key still works after its expiry")
	}
	if !keyWorks(t, a, ra.key) {
		t.Error("the new key does not work")
	}
}

// When MISP fails to set the expiry, the confirmation is kept, the note
// names the key, and the next verification sets the expiry.
func TestVerifyRetriesKeyExpiry(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)
	a.sim.InjectFault(mispsim.Fault{Path: "/auth_keys/edit/*", Kind: mispsim.FaultStatus, Status: 500, Repeat: true})
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	if !strings.Contains(lastNote(ra.bump), "could not be set to expire: verify again to retry") {
		t.Errorf("last note %q does not name the key left without expiry", lastNote(ra.bump))
	}
	if ra.bump.Object(history.KindAuthKey).OlderKeysExpire != 0 {
		t.Fatal("the history records an expiry that failed")
	}
	a.sim.ClearFaults()
	if err := b.pv.Confirm(context.Background(), rb.bump, rb.plan, ra.key); err != nil {
		t.Fatalf("confirm on B: %v", err)
	}
	ra.verify(t, b, rb.key)
	if ra.bump.Object(history.KindAuthKey).OlderKeysExpire == 0 {
		t.Error("the verification did not set the older keys to expire")
	}
}

// The partner's confirmation fails and the partner rolls back, so its
// server entry keeps the old key. That key must still work, because A
// cannot know whether the partner stored the new one, and the partner's
// verification must warn that it expires.
func TestPartnerRollbackKeepsWorkingKey(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	b.sim.InjectFault(mispsim.Fault{Path: "/servers/edit/*", Kind: mispsim.FaultStatus, Status: 500, Repeat: true})
	if err := b.pv.Confirm(context.Background(), rb.bump, rb.plan, ra.key); err == nil {
		t.Fatal("confirm on B succeeded although every server edit failed")
	}
	if err := b.pv.Rollback(context.Background(), rb.bump, "cancelled by the admin"); err != nil {
		t.Fatalf("roll back on B: %v", err)
	}
	if !keyWorks(t, a, serverFor(t, b, a).AuthKey) {
		t.Error("B's server entry for A contains a key that no longer works on A")
	}
	b.sim.ClearFaults()
	p, err := b.store.FindPartner(a.sim.Identity().OrgUUID, b.url)
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.pv.VerifyAgain(context.Background(), p)
	if err != nil {
		t.Fatalf("verify again on B: %v", err)
	}
	if !strings.Contains(v.Message, "warning: the partner's MISP says this key expires on") {
		t.Errorf("B's verification does not warn that its key expires: %s", v.Message)
	}
}

// A bump interrupted after the codes matched but before the confirmation
// was saved is rolled back at the next start. The old key must survive:
// only the unconfirmed new key goes.
func TestRecoveredRotationKeepsOldKey(t *testing.T) {
	a, b := twoSides(t)
	first, _ := fullBump(t, a, b)
	ra, _ := repeatWithNewKey(t, a, b)
	a.pv.Release(ra.bump)
	rolled, err := a.pv.Recover(context.Background())
	if err != nil || len(rolled) != 1 {
		t.Fatalf("recovery: %d bumps rolled back, %v", len(rolled), err)
	}
	if !keyWorks(t, a, first.key) {
		t.Error("the old key stopped working after the interrupted rotation was rolled back")
	}
	if keyWorks(t, a, ra.key) {
		t.Error("the unconfirmed new key still works after the rollback")
	}
}

// Only the sync user's own keys are set to expire, even when the index
// lists a key of another user, as a server that ignores the user id in
// auth_keys/index/{id} would.
func TestKeyExpiryTouchesOnlySyncUserKeys(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	ra, rb := repeatWithNewKey(t, a, b)
	var adminKey mispsim.AuthKeyInfo
	for _, k := range a.sim.AuthKeys(1) {
		adminKey = k
	}
	if adminKey.ID == 0 {
		t.Fatal("no key of user 1 on A")
	}
	body := `[{"AuthKey":{"id":"` + strconv.Itoa(adminKey.ID) + `","user_id":"1","authkey_start":"abcd","authkey_end":"wxyz","comment":null}}]`
	a.sim.InjectFault(mispsim.Fault{Method: "GET", Path: "/auth_keys/index/*", Kind: mispsim.FaultStatus, Status: 200, Body: body})
	if err := a.pv.Confirm(context.Background(), ra.bump, ra.plan, rb.key); err != nil {
		t.Fatalf("confirm on A: %v", err)
	}
	for _, k := range a.sim.AuthKeys(1) {
		if k.ID == adminKey.ID && k.Expiration != 0 {
			t.Errorf("the rotation of B's key set the admin's key %d to expire", k.ID)
		}
	}
	if !keyWorks(t, a, a.sim.AdminKey()) {
		t.Error("the admin's key stopped working")
	}
}

// auth_keys/add saves the key and then fails with 500. The retry must
// remove that key, and a cancel must leave the sync user with the keys
// it had before.
func TestSavedKeyOfFailedCreateIsRemoved(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)
	before := syncKeys(t, a, b)
	opts := loopbackOptions
	opts.NewKey = true
	ra, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, opts)
	if err != nil {
		t.Fatal(err)
	}
	a.sim.InjectFault(mispsim.Fault{Method: "POST", Path: "/auth_keys/add/*", Kind: mispsim.FaultStatus, Status: 500, AfterSave: true})
	if err := ra.account(t); err == nil {
		t.Fatal("apply succeeded although auth_keys/add answered 500")
	}
	if err := ra.account(t); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n := len(syncKeys(t, a, b)); n != len(before)+1 {
		t.Errorf("after the retry the sync user has %d keys, want %d", n, len(before)+1)
	}
	if err := a.pv.Rollback(context.Background(), ra.bump, "cancelled by the admin"); err != nil {
		t.Fatalf("roll back: %v", err)
	}
	if after := syncKeys(t, a, b); len(after) != len(before) {
		t.Errorf("the sync user had %d key(s) before the cancelled rotation and has %d after it", len(before), len(after))
	}
}

// A rotation interrupted after the admin confirmed the codes, but before
// the confirmation was saved, is rolled back at the next start. The
// partner may already have stored the new key, so the rollback keeps it,
// and the old key, never set to expire, keeps working too.
func TestRecoveredMatchedRotationKeepsBothKeys(t *testing.T) {
	a, b := twoSides(t)
	first, _ := fullBump(t, a, b)
	ra, _ := repeatWithNewKey(t, a, b)
	// What Confirm records before it changes MISP.
	ra.bump.Timeline = append(ra.bump.Timeline, history.Event{Time: time.Now().UTC(), Status: ra.bump.Status, Note: noteMatched})
	if err := a.store.Save(ra.bump); err != nil {
		t.Fatal(err)
	}
	a.pv.Release(ra.bump)
	if rolled, err := a.pv.Recover(context.Background()); err != nil || len(rolled) != 1 {
		t.Fatalf("recovery: %d bumps rolled back, %v", len(rolled), err)
	}
	if !keyWorks(t, a, first.key) || !keyWorks(t, a, ra.key) {
		t.Error("after the recovery of a matched rotation both keys must work")
	}
	saved, err := a.store.Load(ra.bump.ID)
	if err != nil {
		t.Fatal(err)
	}
	if notes := saved.KeptNotes(); len(notes) != 1 || !strings.Contains(notes[0], "the partner may already use it") {
		t.Errorf("the rolled-back rotation explains the kept key as %q", notes)
	}
}
