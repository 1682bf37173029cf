package provision

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
)

func TestPlanOrgNameConflict(t *testing.T) {
	a, b := twoSides(t)
	name := b.sim.Identity().OrgName
	if _, err := a.client.AddOrganisation(context.Background(), misp.OrganisationInput{Name: name}); err != nil {
		t.Fatal(err)
	}
	_, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("plan with a same-name organisation: %v, want a ConflictError", err)
	}
	if !strings.Contains(conflict.Problem, "uuid") || conflict.Fix == "" {
		t.Errorf("conflict lacks the uuid explanation or a fix: %v", conflict)
	}
}

func TestPlanUserElsewhereConflict(t *testing.T) {
	a, b := twoSides(t)
	email := b.profile.Exchange(SyncSettings{}).SyncEmail
	me, err := a.client.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.client.AddUser(context.Background(), misp.UserInput{Email: email, OrgID: me.Organisation.ID, RoleID: 3}); err != nil {
		t.Fatal(err)
	}
	_, err = a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("plan with the e-mail in use: %v, want ErrConflict", err)
	}
	if !strings.Contains(err.Error(), email) {
		t.Errorf("conflict does not name the e-mail: %v", err)
	}
}

func TestPlanRejectsOwnProfile(t *testing.T) {
	a, _ := twoSides(t)
	_, err := a.start(t, a.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "your own") {
		t.Fatalf("plan against own profile: %v", err)
	}
}

func TestPlanPrivateURLNeedsConsent(t *testing.T) {
	a, b := twoSides(t)
	opts := loopbackOptions
	opts.AllowPrivateURL = false
	_, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, opts)
	if !errors.Is(err, ErrPrivateURL) {
		t.Fatalf("loopback partner without consent: %v, want ErrPrivateURL", err)
	}
	if !strings.Contains(err.Error(), "loopback") {
		t.Errorf("error does not say why: %v", err)
	}
}

func TestPrivateURLClassification(t *testing.T) {
	cases := map[string]bool{
		"https://127.0.0.1:8443":          true,
		"https://[::1]/":                  true,
		"https://localhost":               true,
		"http://10.1.2.3":                 true,
		"https://192.168.0.10":            true,
		"https://172.20.0.1":              true,
		"http://169.254.169.254/latest":   true,
		"https://[fd00:ec2::254]":         true,
		"https://100.64.1.1":              true,
		"https://[fe80::1]":               true,
		"https://8.8.8.8":                 false,
		"http://134744072/":               false,
		"http://127.1/":                   true,
		"http://0x7f000001/":              true,
		"https://[2001:4860:4860::8888]/": false,
	}
	for raw, private := range cases {
		got := PrivateURL(context.Background(), raw) != ""
		if got != private {
			t.Errorf("PrivateURL(%q) private=%v, want %v", raw, got, private)
		}
	}
}

func TestPlanStepsDescribeActions(t *testing.T) {
	a, b := twoSides(t)
	r, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	steps := r.plan.Steps()
	if len(steps) != 4 {
		t.Fatalf("%d steps, want 4", len(steps))
	}
	for _, s := range steps {
		if s.Action != ActionCreate {
			t.Errorf("%s: action %s on an empty MISP, want create", s.Kind, s.Action)
		}
		if s.Detail == "" {
			t.Errorf("%s: no detail for the review screen", s.Kind)
		}
	}
	if r.plan.RoleName != "Sync user" {
		t.Errorf("sync role %q", r.plan.RoleName)
	}
}

func TestPlanNumericOrganisationName(t *testing.T) {
	a, b := twoSides(t)
	partner := b.exchangeProfile(t)
	partner.OrgName = "1"
	r, err := a.start(t, partner, history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatalf("plan for an organisation named %q: %v", partner.OrgName, err)
	}
	if r.plan.Org.Action != ActionCreate {
		t.Errorf("plan action %s for a new organisation named \"1\"", r.plan.Org.Action)
	}
}
