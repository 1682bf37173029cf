package mispsim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSeededStartup(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	sim := startSim(t, Options{DataDir: dir, SeedOrgs: 10000, SeedUsers: 50000})
	t.Logf("seeded 10,000 organisations and 50,000 users in %v", time.Since(start))
	if got := len(sim.Orgs()); got != 10001 {
		t.Errorf("%d organisations, want 10,001 (host and seeded)", got)
	}
	if got := len(sim.Users()); got != 50001 {
		t.Errorf("%d users, want 50,001 (admin and seeded)", got)
	}
	admin := adminClient(t, sim)

	uuid := seedUUID("org", 41)
	view := admin.get("/organisations/view/"+uuid).must(t, http.StatusOK)
	if view.str("Organisation", "name") != "Seed Org 00042" {
		t.Errorf("seeded organisation 42 = %s", view.raw)
	}
	email := "user000042@seed-org-00042.example"
	found := admin.get("/admin/users/index/searchemail:"+email).must(t, http.StatusOK)
	if got := found.list(); len(got) != 1 {
		t.Fatalf("searchemail:%s found %d users, want 1", email, len(got))
	}
	partial := admin.get("/admin/users/index/searchemail:USER00004").must(t, http.StatusOK)
	if got := len(partial.list()); got != 10 {
		t.Errorf("searchemail:USER00004 found %d users, want 10 (user000040 to user000049)", got)
	}
	members := admin.get("/admin/users/index/searchorg:" + view.str("Organisation", "id"))
	if got := len(members.must(t, http.StatusOK).list()); got != 5 {
		t.Errorf("searchorg found %d users, want 5 (50,000 users over 10,000 orgs)", got)
	}

	// Change one seeded organisation, delete one seeded user, and check that
	// the state file stays small and a restart keeps both changes.
	orgID := view.str("Organisation", "id")
	admin.post("/admin/organisations/edit/"+orgID, map[string]any{"sector": "Energy"}).
		must(t, http.StatusOK)
	userID := found.list()[0].(map[string]any)["User"].(map[string]any)["id"].(string)
	admin.post("/admin/users/delete/"+userID, nil).must(t, http.StatusOK)
	info, err := os.Stat(filepath.Join(dir, stateFileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("state file of the seeded simulator: %d bytes", info.Size())
	if info.Size() > 64<<10 {
		t.Errorf("state file is %d bytes, want under 64 KiB: seeded rows must not be stored", info.Size())
	}
	sim.Close()

	again := startSim(t, Options{DataDir: dir})
	client := adminClient(t, again)
	edited := client.get("/organisations/view/"+uuid).must(t, http.StatusOK)
	if edited.str("Organisation", "sector") != "Energy" {
		t.Errorf("edited seeded organisation after restart: %s", edited.raw)
	}
	if _, ok := again.UserByEmail(email); ok {
		t.Error("deleted seeded user is back after restart")
	}
	if got := len(again.Users()); got != 50000 {
		t.Errorf("%d users after restart, want 50,000", got)
	}
}

// serveOnce runs one request through the handler without a network.
func serveOnce(b *testing.B, h http.Handler, key, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.Bytes())
	}
}

// BenchmarkRequestCost measures the lookups mispbump makes, on an empty
// simulator and on one with 10,000 organisations and 50,000 users. The
// per-request cost should not grow with the seeded size.
func BenchmarkRequestCost(b *testing.B) {
	for _, size := range []struct {
		name        string
		orgs, users int
	}{{"empty", 0, 0}, {"seeded", 10000, 50000}} {
		sim, err := New(Options{SeedOrgs: size.orgs, SeedUsers: size.users})
		if err != nil {
			b.Fatal(err)
		}
		key := sim.AdminKey().Reveal()
		handler := sim.Handler()
		host := sim.Identity().OrgUUID
		requests := map[string]string{
			"whoami":          "/users/view/me",
			"org by uuid":     "/organisations/view/" + host,
			"user by email":   "/admin/users/index/searchemail:admin@admin.test",
			"version":         "/servers/getVersion",
			"servers index":   "/servers/index",
			"roles":           "/roles",
			"setting baseurl": "/servers/getSetting/MISP.baseurl",
		}
		for name, path := range requests {
			b.Run(fmt.Sprintf("%s/%s", size.name, name), func(b *testing.B) {
				for b.Loop() {
					serveOnce(b, handler, key, path)
				}
			})
		}
		sim.Close()
	}
}

// BenchmarkSeedStartup measures creating a simulator with 10,000
// organisations and 50,000 users.
func BenchmarkSeedStartup(b *testing.B) {
	for b.Loop() {
		sim, err := New(Options{SeedOrgs: 10000, SeedUsers: 50000})
		if err != nil {
			b.Fatal(err)
		}
		sim.Close()
	}
}
