package provision

import (
	"context"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// partnershipOf returns s's partnership with partner p as the history
// derives it, as "mispbump verify" finds it.
func partnershipOf(t *testing.T, s, p *side) *history.Partnership {
	t.Helper()
	partnership, err := s.store.FindPartner(p.sim.Identity().OrgUUID, s.url)
	if err != nil {
		t.Fatalf("find the partnership with %s: %v", p.url, err)
	}
	return partnership
}

// keyExpiration returns the expiration of the sync key with id on s.
func keyExpiration(t *testing.T, s, p *side, id int64) int64 {
	t.Helper()
	for _, k := range syncKeys(t, s, p) {
		if int64(k.ID) == id {
			return k.Expiration
		}
	}
	t.Fatalf("key %d of the sync user not found", id)
	return 0
}

// "verify again" after two rotations, the first with its expiry pending
// and the second with a failed verification, must not set the second
// rotation's key, which the partner stored, to expire.
func TestVerifyAgainKeepsNewerRotationKey(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)

	// First rotation: the expiry fails at A's confirmation.
	r2a, r2b := repeatWithNewKey(t, a, b)
	a.sim.InjectFault(mispsim.Fault{Path: "/auth_keys/edit/*", Kind: mispsim.FaultStatus, Status: 500, Repeat: true})
	if err := a.pv.Confirm(context.Background(), r2a.bump, r2a.plan, r2b.key); err != nil {
		t.Fatalf("confirm the first rotation on A: %v", err)
	}
	a.sim.ClearFaults()
	if err := b.pv.Confirm(context.Background(), r2b.bump, r2b.plan, r2a.key); err != nil {
		t.Fatalf("confirm the first rotation on B: %v", err)
	}

	// Second rotation: both sides confirm, B stores the newest key, and
	// A's end-of-bump verification fails.
	r3a, r3b := repeatWithNewKey(t, a, b)
	if err := a.pv.Confirm(context.Background(), r3a.bump, r3a.plan, r3b.key); err != nil {
		t.Fatalf("confirm the second rotation on A: %v", err)
	}
	if err := b.pv.Confirm(context.Background(), r3b.bump, r3b.plan, r3a.key); err != nil {
		t.Fatalf("confirm the second rotation on B: %v", err)
	}
	if !serverFor(t, b, a).AuthKey.Equal(r3a.key) {
		t.Fatal("B's server entry does not contain the second rotation's key")
	}
	a.sim.InjectFault(mispsim.Fault{Path: "/servers/testConnection/*", Kind: mispsim.FaultStatus, Status: 500, Repeat: true})
	a.pv.VerifyWait = 1
	v, _ := a.pv.Verify(context.Background(), r3a.bump, b.exchangeProfile(t), r3b.key, nil)
	if v == nil || v.OK {
		t.Fatal("the injected fault did not make the verification fail")
	}
	a.sim.ClearFaults()

	// The admin runs "mispbump verify".
	p := partnershipOf(t, a, b)
	if _, err := a.pv.VerifyAgain(context.Background(), p); err != nil {
		t.Fatalf("verify again: %v", err)
	}
	newest := r3a.bump.Object(history.KindAuthKey).ID
	if exp := keyExpiration(t, a, b, newest); exp != 0 {
		t.Errorf("the newest rotation's key %d, stored by B, now expires at %d", newest, exp)
	}
	if p.Latest.ID != r3a.bump.ID {
		t.Errorf("verify again used bump %s, not the newest confirmed bump %s", p.Latest.ID, r3a.bump.ID)
	}
}

// An ordinary repeat bump after a rotation whose expiry failed becomes
// the partnership's latest bump. A later verification must still retry
// the rotation's expiry, or the replaced key, perhaps a leaked one, never
// expires.
func TestOrdinaryBumpKeepsPendingKeyExpiry(t *testing.T) {
	a, b := twoSides(t)
	fullBump(t, a, b)

	r2a, r2b := repeatWithNewKey(t, a, b)
	a.sim.InjectFault(mispsim.Fault{Path: "/auth_keys/edit/*", Kind: mispsim.FaultStatus, Status: 500, Repeat: true})
	if err := a.pv.Confirm(context.Background(), r2a.bump, r2a.plan, r2b.key); err != nil {
		t.Fatalf("confirm the rotation on A: %v", err)
	}
	a.sim.ClearFaults()
	if err := b.pv.Confirm(context.Background(), r2b.bump, r2b.plan, r2a.key); err != nil {
		t.Fatalf("confirm the rotation on B: %v", err)
	}

	// A later bump without a new key, then "mispbump verify" on A.
	fullBump(t, a, b)
	if _, err := a.pv.VerifyAgain(context.Background(), partnershipOf(t, a, b)); err != nil {
		t.Fatalf("verify again: %v", err)
	}
	var replaced int64
	for _, k := range syncKeys(t, a, b) {
		if int64(k.ID) != r2a.bump.Object(history.KindAuthKey).ID {
			replaced = int64(k.ID)
			if k.Expiration == 0 {
				t.Errorf("the replaced key %d never expires after the later bump and a verification", k.ID)
			}
		}
	}
	if replaced == 0 {
		t.Fatal("the sync user has no key other than the rotation's")
	}
	saved, err := a.store.Load(r2a.bump.ID)
	if err != nil {
		t.Fatalf("load the rotation's history: %v", err)
	}
	if saved.Object(history.KindAuthKey).OlderKeysExpire == 0 {
		t.Error("the rotation's history still records no expiry of the older keys")
	}
}
