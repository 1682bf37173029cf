package provision

import (
	"context"
	"testing"
)

func TestRequestsIndependentOfSize(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 50,000 users")
	}
	partner := syntheticPartner()
	count := func(seedOrgs, seedUsers int) (int, map[string]int) {
		s := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a",
			seedOrgs: seedOrgs, seedUsers: seedUsers})
		s.sim.Reset()
		if _, err := Fetch(context.Background(), s.client, FetchOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := applyOneSide(t, s, partner); err != nil {
			t.Fatalf("apply on a MISP with %d organisations: %v", seedOrgs, err)
		}
		total := 0
		for _, n := range s.sim.Counts() {
			total += n
		}
		return total, s.sim.Counts()
	}
	empty, emptyCounts := count(0, 0)
	large, largeCounts := count(10_000, 50_000)
	t.Logf("HTTP requests for one side (profile, plan, apply, confirm): %d on an empty MISP, %d with 10,000 organisations and 50,000 users", empty, large)
	if empty != large {
		t.Errorf("requests grow with the MISP's size: %d vs %d\nempty: %v\nlarge: %v", empty, large, emptyCounts, largeCounts)
	}
}
