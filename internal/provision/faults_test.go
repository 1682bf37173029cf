package provision

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/mispsim"
	"github.com/mispbump/mispbump/internal/secret"
)

// syntheticPartner is a partner profile whose MISP is never called: the
// fault tests only look at this side.
func syntheticPartner() exchange.Profile {
	return exchange.Profile{
		OrgName: "Example CERT B", OrgUUID: "5f1b8c2e-0000-4000-8000-00000000000b",
		URL: "http://127.0.0.1:9", SyncEmail: "misp-sync@b.example", Pull: true, Push: true,
	}
}

var partnerKey = secret.New("PartnerKey" + strings.Repeat("0", 30))

// applyOneSide runs one responder-style side to confirmation and rolls
// back on the first error, as the app does.
func applyOneSide(t *testing.T, s *side, partner exchange.Profile) (*bumpRun, error) {
	t.Helper()
	r, err := s.start(t, partner, history.RoleResponder, loopbackOptions)
	if err != nil {
		return nil, err
	}
	err = r.account(t)
	if err == nil {
		err = r.server(t, partnerKey)
	}
	if err == nil {
		err = s.pv.Confirm(context.Background(), r.bump, r.plan, partnerKey)
	}
	if err != nil {
		if rbErr := s.pv.Rollback(context.Background(), r.bump, "step failed: "+err.Error()); rbErr != nil {
			t.Fatalf("rollback after %v: %v", err, rbErr)
		}
	}
	return r, err
}

// objectsFor counts what exists on s for the synthetic partner.
func objectsFor(s *side, p exchange.Profile) (orgs, users, servers int, complete bool) {
	org, ok := s.sim.OrgByUUID(p.OrgUUID)
	if ok {
		orgs = 1
	}
	u, uok := s.sim.UserByEmail(p.SyncEmail)
	if uok {
		users = 1
	}
	var srv mispsim.Server
	for _, e := range s.sim.Servers() {
		if misp.SameServerURL(e.URL, p.URL) {
			servers++
			srv = e
		}
	}
	complete = ok && uok && servers == 1 && u.OrgID == org.ID && !u.Disabled &&
		srv.RemoteOrgID == org.ID && srv.Pull && srv.Push && srv.AuthKey.Equal(partnerKey)
	return orgs, users, servers, complete
}

type faultCase struct {
	name  string
	fault mispsim.Fault
}

func faultKinds(method, path string) []faultCase {
	f := func(kind mispsim.FaultKind) mispsim.Fault {
		return mispsim.Fault{Method: method, Path: path, Kind: kind}
	}
	cases := []faultCase{
		{"500", f(mispsim.FaultStatus)},
		{"500 after save", f(mispsim.FaultStatus)},
		{"403 validation", f(mispsim.FaultStatus)},
		{"html page", f(mispsim.FaultHTML)},
		{"timeout after save", f(mispsim.FaultDelay)},
		{"dropped connection", f(mispsim.FaultDrop)},
		{"dropped after save", f(mispsim.FaultDrop)},
		{"429", f(mispsim.FaultStatus)},
	}
	cases[0].fault.Status = 500
	cases[1].fault.Status, cases[1].fault.AfterSave = 500, true
	cases[2].fault.Status = 403
	cases[2].fault.Body = `{"saved":false,"name":"Could not save","message":"Could not save","url":"` + path + `","errors":{"name":["Injected validation failure."]}}`
	cases[4].fault.Delay, cases[4].fault.AfterSave = 1500*time.Millisecond, true
	cases[6].fault.AfterSave = true
	cases[7].fault.Status = 429
	cases[7].fault.Body = `{"name":"Rate limit exceeded.","message":"Rate limit exceeded.","url":"` + path + `"}`
	return cases
}

func TestFaultAtEveryStep(t *testing.T) {
	endpoints := []struct{ method, path string }{
		{"GET", "/organisations/view/*"},
		{"GET", "/admin/users/index/*"},
		{"GET", "/servers/index"},
		{"POST", "/admin/organisations/add"},
		{"POST", "/admin/users/add"},
		{"POST", "/servers/add"},
		{"POST", "/admin/users/edit/*"},
		{"POST", "/servers/edit/*"},
	}
	partner := syntheticPartner()
	for _, ep := range endpoints {
		for _, fc := range faultKinds(ep.method, ep.path) {
			t.Run(fmt.Sprintf("%s %s %s", ep.method, ep.path, fc.name), func(t *testing.T) {
				s := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a", timeout: 700 * time.Millisecond})
				s.sim.InjectFault(fc.fault)

				r, err := applyOneSide(t, s, partner)
				if fired := s.sim.Faults()[0].Fired; fired == 0 {
					t.Fatalf("the fault never fired: the endpoint pattern matches no request")
				}
				t.Logf("outcome: err=%v", err)
				orgs, users, servers, complete := objectsFor(s, partner)
				switch {
				case err == nil && !complete:
					t.Fatalf("apply succeeded but the setup is incomplete: orgs=%d users=%d servers=%d", orgs, users, servers)
				case err != nil && orgs+users+servers > 0:
					t.Fatalf("apply failed (%v) and left orgs=%d users=%d servers=%d", err, orgs, users, servers)
				}
				if r != nil {
					stored, loadErr := s.store.Load(r.bump.ID)
					if loadErr != nil {
						t.Fatalf("history unreadable: %v", loadErr)
					}
					want := history.StatusConfirmed
					if err != nil {
						want = history.StatusRemoved
					}
					if stored.Status != want {
						t.Errorf("history status %s, want %s (apply error: %v)", stored.Status, want, err)
					}
				}
				if err != nil && strings.Contains(err.Error(), partnerKey.Reveal()) {
					t.Fatal("error text contains the key")
				}

				s.sim.ClearFaults()
				again, err := applyOneSide(t, s, partner)
				if err != nil {
					t.Fatalf("re-run after the fault: %v", err)
				}
				if _, _, _, complete := objectsFor(s, partner); !complete {
					t.Fatal("re-run did not complete the setup")
				}
				if again.bump.Status != history.StatusConfirmed {
					t.Errorf("re-run status %s", again.bump.Status)
				}
			})
		}
	}
}
