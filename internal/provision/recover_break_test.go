package provision

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
)

// An admin who runs mispbump against two MISP servers (staging and
// production) keeps one history. An interrupted bump recorded for one
// MISP must not be rolled back on the other, where the same ids name
// unrelated objects.
func TestBreakRecoverStaysOnOwnMISP(t *testing.T) {
	prod, partner := twoSides(t)
	_, rb := fullBump(t, prod, partner)
	assertPartnership(t, prod, partner, rb.key)

	staging := newSide(t, sideOptions{name: "Example CERT S", uuid: "5f1b8c2e-0000-4000-8000-00000000005a"})
	shared := &Provisioner{Client: staging.client, Store: prod.store}
	r, err := staging.start(t, partner.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatalf("plan on staging: %v", err)
	}
	r.bump.Own = history.Own{OrgName: "Example CERT S", URL: staging.url}
	if _, err := shared.ApplyAccount(context.Background(), r.bump, r.plan); err != nil {
		t.Fatalf("apply account on staging: %v", err)
	}
	// The staging bump stops here (the laptop crashed). Later the admin
	// starts a bump against production, which first recovers.
	if _, err := prod.pv.Recover(context.Background()); err != nil {
		t.Logf("Recover on production: %v", err)
	}
	assertPartnership(t, prod, partner, rb.key)
}

// Two `mispbump bump` processes on one data directory: the second one's
// start-up recovery must not roll back the first one's bump while it is
// still running.
func TestBreakRecoverSkipsRunningBump(t *testing.T) {
	a, b := twoSides(t)
	r, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.account(t); err != nil {
		t.Fatal(err)
	}
	// A second process opens the same history and recovers.
	store, err := history.Open(filepath.Dir(a.store.Dir()))
	if err != nil {
		t.Fatal(err)
	}
	second := &Provisioner{Client: a.client, Store: store}
	rolled, err := second.Recover(context.Background())
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if len(rolled) != 0 {
		t.Errorf("the second process rolled back %d bumps that the first one is still running", len(rolled))
	}
	if err := r.server(t, partnerKey); err != nil {
		t.Errorf("the running bump cannot continue: %v", err)
	}
}

// A partner URL whose host is a loopback, private or metadata address
// needs the admin's explicit yes. getaddrinfo in glibc 2.36 (checked
// with Python's socket.getaddrinfo) turns each host below into the
// address in its comment, so a MISP on Linux would call that address.
func TestBreakPrivateURLNumericForms(t *testing.T) {
	for _, raw := range []string{
		"http://2130706433/",          // 127.0.0.1
		"http://127.1/",               // 127.0.0.1
		"http://0x7f000001/",          // 127.0.0.1
		"http://017700000001/",        // 127.0.0.1
		"http://0/",                   // 0.0.0.0, which reaches this host
		"http://2852039166/",          // 169.254.169.254
		"http://0251.0376.0251.0376/", // 169.254.169.254
		"http://10.1/",                // 10.0.0.1
	} {
		if PrivateURL(context.Background(), raw) == "" {
			t.Errorf("PrivateURL(%q) = \"\": the address is not public", raw)
		}
	}
}
