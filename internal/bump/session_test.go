package bump

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/mispsim"
)

func TestBumpEndsVerified(t *testing.T) {
	a, b, _ := threeApps(t)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	handshake(t, in, re)

	codeA, errA := in.Code()
	codeB, errB := re.Code()
	if errA != nil || errB != nil || codeA != codeB {
		t.Fatalf("codes %q (%v) and %q (%v)", codeA, errA, codeB, errB)
	}
	for _, s := range []*Session{in, re} {
		if err := s.Confirm(context.Background(), true); err != nil {
			t.Fatalf("%s confirm: %v", s.Role(), err)
		}
	}
	for _, s := range []*Session{re, in} {
		v, err := s.Verify(context.Background(), nil)
		if err != nil {
			t.Fatalf("%s verify: %v", s.Role(), err)
		}
		if !v.OK || v.Status != 1 || !v.ReverseOK {
			t.Errorf("%s verification: status %d ok=%v reverse=%v: %s / %s", s.Role(), v.Status, v.OK, v.ReverseOK, v.Message, v.ReverseMessage)
		}
		if s.Record().Status != history.StatusVerified {
			t.Errorf("%s record status %s", s.Role(), s.Record().Status)
		}
		if !s.Changed() {
			t.Errorf("%s: first bump reports no change", s.Role())
		}
	}
	if in.Partner().OrgUUID != b.profile.Identity().UUID {
		t.Errorf("initiator's partner uuid %s", in.Partner().OrgUUID)
	}
}

func TestSecondBumpChangesNothing(t *testing.T) {
	a, b, _ := threeApps(t)
	for round := 1; round <= 2; round++ {
		in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
		handshake(t, in, re)
		for _, s := range []*Session{in, re} {
			if err := s.Confirm(context.Background(), true); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range []*Session{re, in} {
			v, err := s.Verify(context.Background(), nil)
			if err != nil || !v.OK {
				t.Fatalf("round %d %s: %v %+v", round, s.Role(), err, v)
			}
		}
		if round == 2 {
			for _, s := range []*Session{in, re} {
				plan, _ := s.Plan()
				if s.Changed() || !plan.NothingToDo() {
					t.Errorf("%s: the second bump changed something: %+v", s.Role(), s.Record().Objects)
				}
			}
		}
	}
}

func TestManInTheMiddleCodesDiffer(t *testing.T) {
	a, b, m := threeApps(t)
	beforeA, beforeB := snapshot(a), snapshot(b)

	in := a.session(t, history.RoleInitiator)
	mResp := m.session(t, history.RoleResponder)
	mInit := m.session(t, history.RoleInitiator)
	re := b.session(t, history.RoleResponder)

	pass(t, in, mResp) // A's hello reaches M
	pass(t, mInit, re) // M's own hello reaches B
	pass(t, re, mInit) // B's reply reaches M
	pass(t, mResp, in) // A scans M's reply in step 2
	approve(t, in)     // A approves the wrong partner
	pass(t, in, mResp) // A's offer reaches M
	approve(t, mResp)  //
	pass(t, mResp, in) // M's key reaches A
	approve(t, mInit)  //
	pass(t, mInit, re) // M's offer reaches B
	approve(t, re)     //
	pass(t, re, mInit) // B's key reaches M

	codeA, _ := in.Code()
	codeB, _ := re.Code()
	if codeA == codeB {
		t.Fatalf("A and B see the same code %q through a man in the middle", codeA)
	}
	for _, s := range []*Session{in, re} {
		if err := s.Confirm(context.Background(), false); err != nil {
			t.Fatalf("%s codes differ: %v", s.Role(), err)
		}
		if s.Stage() != StageCancelled || s.Record().Status != history.StatusRemoved {
			t.Errorf("%s after mismatch: stage %s, record %s", s.Role(), s.Stage(), s.Record().Status)
		}
	}
	if got := snapshot(a); !reflect.DeepEqual(got, beforeA) {
		t.Errorf("A's MISP changed:\nbefore %v\nafter  %v", beforeA, got)
	}
	if got := snapshot(b); !reflect.DeepEqual(got, beforeB) {
		t.Errorf("B's MISP changed:\nbefore %v\nafter  %v", beforeB, got)
	}
}

func TestWrongCodesRejected(t *testing.T) {
	a, b, _ := threeApps(t)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	hello, _ := in.Outgoing()

	if _, err := in.Receive(context.Background(), hello); !errors.Is(err, exchange.ErrOwnMessage) {
		t.Errorf("initiator reading its own hello: %v, want ErrOwnMessage", err)
	}
	pass(t, in, re)
	if _, err := re.Receive(context.Background(), hello); err == nil {
		t.Error("responder accepted the hello twice")
	}
	reply, _ := re.Outgoing()
	if _, err := re.Receive(context.Background(), reply); !errors.Is(err, exchange.ErrOwnMessage) {
		t.Errorf("responder reading its own reply: %v", err)
	}
	other := a.session(t, history.RoleInitiator)
	if _, err := other.Receive(context.Background(), reply); !errors.Is(err, exchange.ErrOtherSession) {
		t.Errorf("reply of another bump: %v, want ErrOtherSession", err)
	}
	if in.Stage() != StageShowHello {
		t.Errorf("a rejected code moved the initiator to %s", in.Stage())
	}
	pass(t, re, in)
	if in.Stage() != StageReview {
		t.Errorf("initiator at %s after the reply", in.Stage())
	}
	if _, err := in.Receive(context.Background(), reply); !errors.Is(err, ErrNotWaiting) {
		t.Errorf("a code during the review: %v, want ErrNotWaiting", err)
	}
}

func TestFailedStepRetries(t *testing.T) {
	a, b, _ := threeApps(t)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	pass(t, in, re)
	pass(t, re, in)
	approve(t, in)
	pass(t, in, re)
	b.sim.InjectFault(mispsim.Fault{Method: "POST", Path: "/servers/add", Kind: mispsim.FaultStatus, Status: 500})

	err := re.Approve(context.Background(), true)
	if err == nil || re.Stage() != StageFailed {
		t.Fatalf("approve with a failing servers/add: err %v, stage %s", err, re.Stage())
	}
	if err := re.Retry(context.Background()); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if re.Stage() != StageCompare {
		t.Errorf("stage after retry %s", re.Stage())
	}
	if n := len(b.sim.Servers()); n != 1 {
		t.Errorf("%d server entries after a retry, want 1", n)
	}
}

func TestPrivatePartnerURLNeedsConsent(t *testing.T) {
	a, b, _ := threeApps(t)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	pass(t, in, re)
	pass(t, re, in)
	if in.PrivateURL() == "" {
		t.Fatal("a loopback partner URL is not reported as private")
	}
	if err := in.Approve(context.Background(), false); !errors.Is(err, ErrPrivateNotAccepted) {
		t.Fatalf("approve without consent: %v", err)
	}
	if in.Record() != nil || len(a.sim.Orgs()) != 1 {
		t.Error("an unaccepted approval created something")
	}
}

func TestCancelAfterApplyRemovesEverything(t *testing.T) {
	a, b, _ := threeApps(t)
	before := snapshot(b)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	handshake(t, in, re)
	if err := re.Cancel(context.Background(), "admin cancelled"); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(b); !reflect.DeepEqual(got, before) {
		t.Errorf("cancel left objects: %v", got)
	}
}

func TestNoSecretsInLogsOrHistory(t *testing.T) {
	a, b, _ := threeApps(t)
	in, re := a.session(t, history.RoleInitiator), b.session(t, history.RoleResponder)
	handshake(t, in, re)
	for _, s := range []*Session{in, re} {
		if err := s.Confirm(context.Background(), true); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*Session{re, in} {
		if _, err := s.Verify(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for _, srv := range append(a.sim.Servers(), b.sim.Servers()...) {
		keys = append(keys, srv.AuthKey.Reveal())
	}
	keys = append(keys, a.sim.AdminKey().Reveal(), b.sim.AdminKey().Reveal())
	texts := []string{a.logs.String(), b.logs.String()}
	for _, app := range []*app{a, b} {
		files, _ := filepath.Glob(filepath.Join(app.store.Dir(), "*.json"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			texts = append(texts, string(data))
		}
	}
	for _, text := range texts {
		for _, k := range keys {
			if len(k) != 40 {
				t.Fatalf("key of length %d", len(k))
			}
			if strings.Contains(text, k) {
				t.Fatalf("a key appears in a log or history file")
			}
		}
	}
}
