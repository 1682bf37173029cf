package history

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLockKeepsOtherHoldersOut(t *testing.T) {
	s := newStore(t)
	b := s.NewBump(RoleInitiator, Versions{})
	release, err := s.Lock(b.ID)
	if err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	// A second store on the same directory stands for another process:
	// flock locks belong to the open file, so this is a fair stand-in.
	other, err := Open(filepath.Dir(s.Dir()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Lock(b.ID); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock while held: %v, want ErrLocked", err)
	}
	release()
	again, err := other.Lock(b.ID)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()
}

func TestListSkipsForeignFiles(t *testing.T) {
	s := newStore(t)
	bumpWith(s, t, "5f1b8c2e-0000-4000-8000-000000000001", "alpha", StatusVerified)
	for _, name := range []string{"notes.json", "copy of bump.json"} {
		if err := os.WriteFile(filepath.Join(s.Dir(), name), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bumps, err := s.List()
	if err != nil {
		t.Fatalf("List with foreign files: %v", err)
	}
	if len(bumps) != 1 {
		t.Errorf("List returned %d bumps, want 1", len(bumps))
	}
}

func TestPartnersSeparateMISPs(t *testing.T) {
	s := newStore(t)
	uuid := "5f1b8c2e-0000-4000-8000-00000000000b"
	for _, url := range []string{"https://prod.example", "https://staging.example"} {
		b := bumpWith(s, t, uuid, "beta", StatusVerified)
		b.MISPURL = url
		if err := s.Save(b); err != nil {
			t.Fatal(err)
		}
	}
	partners, err := s.Partners()
	if err != nil {
		t.Fatal(err)
	}
	if len(partners) != 2 {
		t.Fatalf("%d partnerships, want one per MISP", len(partners))
	}
	p, err := s.FindPartner(uuid, "https://STAGING.example/")
	if err != nil || p.MISPURL != "https://staging.example" {
		t.Errorf("FindPartner on staging: %v %+v", err, p)
	}
	if _, err := s.FindPartner(uuid, "https://other.example"); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindPartner on a third MISP: %v", err)
	}
	if !partners[0].Latest.OnMISP("https://prod.example/") || partners[0].Latest.OnMISP("https://staging.example") {
		t.Error("OnMISP does not tell the two MISPs apart")
	}
}

func TestCancelledRepeatDoesNotDecideStatus(t *testing.T) {
	s := newStore(t)
	uuid := "5f1b8c2e-0000-4000-8000-00000000000b"
	first := bumpWith(s, t, uuid, "beta", StatusVerified)
	repeat := s.NewBump(RoleInitiator, Versions{})
	repeat.Partner = first.Partner
	repeat.PutObject(Object{Kind: KindOrganisation, State: StateReused, ID: 7})
	repeat.SetStatus(StatusRemoved, "codes differed; nothing was created", s.now())
	if err := s.Save(repeat); err != nil {
		t.Fatal(err)
	}
	p, err := s.FindPartner(uuid, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != StatusVerified || p.Latest.ID != first.ID {
		t.Errorf("status %s from bump %s, want verified from the first bump", p.Status, p.Latest.ID)
	}
}
