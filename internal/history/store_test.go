package history

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	clock := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s.now = func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}
	return s
}

func bumpWith(s *Store, t *testing.T, uuid, name string, status Status) *Bump {
	t.Helper()
	b := s.NewBump(RoleInitiator, Versions{Protocol: 1, App: "test"})
	b.Partner = Partner{OrgName: name, OrgUUID: uuid, URL: "https://" + name + ".example"}
	b.PutObject(Object{Kind: KindOrganisation, State: StateCreated, ID: 7, Natural: uuid})
	if status != StatusPending {
		b.SetStatus(status, "", s.now())
	}
	if err := s.Save(b); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return b
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s := newStore(t)
	b := bumpWith(s, t, "5f1b8c2e-0000-4000-8000-000000000001", "alpha", StatusApplied)
	b.LastVerification = &Verification{Time: s.now(), OK: true, Status: 1, Message: "OK"}
	if err := s.Save(b); err != nil {
		t.Fatal(err)
	}

	got, err := s.Load(b.ID)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.Status != StatusApplied {
		t.Errorf("status = %q", got.Status)
	}
	if len(got.Timeline) != 2 || got.Timeline[0].Status != StatusPending {
		t.Errorf("timeline = %+v", got.Timeline)
	}
	if o := got.Object(KindOrganisation); o == nil || o.ID != 7 {
		t.Errorf("organisation object = %+v", o)
	}
	if got.LastVerification == nil || !got.LastVerification.OK {
		t.Errorf("verification lost: %+v", got.LastVerification)
	}
	info, err := os.Stat(filepath.Join(s.Dir(), b.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("bump file mode %v, want 0600", info.Mode().Perm())
	}
}

func TestLoadRejectsForeignIDs(t *testing.T) {
	s := newStore(t)
	for _, id := range []string{"../x", "", "20261204T100000-zz", "a/b"} {
		if _, err := s.Load(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Load(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if err := s.Save(&Bump{ID: "../escape"}); err == nil {
		t.Error("Save accepted an id with a path")
	}
}

func TestListSkipsDamagedFiles(t *testing.T) {
	s := newStore(t)
	good := bumpWith(s, t, "5f1b8c2e-0000-4000-8000-000000000001", "alpha", StatusVerified)
	bad := "20261204T100000-deadbeef"
	if err := os.WriteFile(filepath.Join(s.Dir(), bad+".json"), []byte(`{"schema":1,`), 0o600); err != nil {
		t.Fatal(err)
	}

	bumps, err := s.List()
	if len(bumps) != 1 || bumps[0].ID != good.ID {
		t.Fatalf("List returned %d bumps, want only the readable one", len(bumps))
	}
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("List error = %v, want one naming %s", err, bad)
	}
}

func TestLoadRejectsNewerSchema(t *testing.T) {
	s := newStore(t)
	id := "20261204T100000-0badf00d"
	body := `{"schema":99,"id":"` + id + `"}`
	if err := os.WriteFile(filepath.Join(s.Dir(), id+".json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load(id)
	if err == nil || !strings.Contains(err.Error(), "update mispbump") {
		t.Errorf("Load of schema 99: %v", err)
	}
}

func TestOpenRemovesTempFiles(t *testing.T) {
	dir := t.TempDir()
	bumps := filepath.Join(dir, "bumps")
	if err := os.MkdirAll(bumps, 0o700); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(bumps, ".20261204T100000-00000000.json.tmp-1")
	if err := os.WriteFile(leftover, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file survived Open: %v", err)
	}
}

func TestPartnersGroupsByUUID(t *testing.T) {
	s := newStore(t)
	a := "5f1b8c2e-0000-4000-8000-00000000000a"
	first := bumpWith(s, t, a, "alpha", StatusVerified)
	bumpWith(s, t, "5f1b8c2e-0000-4000-8000-00000000000b", "beta", StatusFailed)
	second := s.NewBump(RoleResponder, Versions{Protocol: 1})
	second.Partner = first.Partner
	second.PutObject(Object{Kind: KindOrganisation, State: StateReused, ID: 7})
	second.SetStatus(StatusVerified, "nothing to change", s.now())
	if err := s.Save(second); err != nil {
		t.Fatal(err)
	}
	pending := s.NewBump(RoleInitiator, Versions{Protocol: 1})
	pending.Partner = first.Partner
	if err := s.Save(pending); err != nil {
		t.Fatal(err)
	}

	partners, err := s.Partners()
	if err != nil {
		t.Fatal(err)
	}
	if len(partners) != 2 {
		t.Fatalf("got %d partners, want 2", len(partners))
	}
	alpha := partners[0]
	if len(alpha.Bumps) != 3 {
		t.Errorf("alpha has %d bumps, want 3", len(alpha.Bumps))
	}
	if alpha.Latest.ID != second.ID {
		t.Errorf("latest = %s, want the newest non-pending bump %s", alpha.Latest.ID, second.ID)
	}
	if o, b := alpha.Created(KindOrganisation); o == nil || b.ID != first.ID {
		t.Errorf("Created(organisation) should point at the first bump")
	}
	if second.Changed() {
		t.Error("a bump that only reused objects reports a change")
	}
}

func TestFindPartner(t *testing.T) {
	s := newStore(t)
	bumpWith(s, t, "5f1b8c2e-0000-4000-8000-00000000000a", "Alpha CERT", StatusVerified)
	bumpWith(s, t, "5f1b8c2e-0000-4000-8000-00000000000b", "Twin", StatusVerified)
	bumpWith(s, t, "5f1b8c2e-0000-4000-8000-00000000000c", "twin", StatusVerified)

	if p, err := s.FindPartner("alpha cert", ""); err != nil || p.Partner.OrgName != "Alpha CERT" {
		t.Errorf("find by name: %v", err)
	}
	if p, err := s.FindPartner("5F1B8C2E-0000-4000-8000-00000000000B", ""); err != nil || p.Partner.OrgName != "Twin" {
		t.Errorf("find by upper-case uuid: %v", err)
	}
	if _, err := s.FindPartner("twin", ""); err == nil || !strings.Contains(err.Error(), "give the organisation uuid") {
		t.Errorf("ambiguous name: %v", err)
	}
	if _, err := s.FindPartner("nobody", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown partner: %v", err)
	}
}
