package provision

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

// Environment of the child process in TestCrashDuringApply.
const (
	crashEnvURL     = "MISPBUMP_CRASH_URL"
	crashEnvKey     = "MISPBUMP_CRASH_KEY"
	crashEnvData    = "MISPBUMP_CRASH_DATA"
	crashEnvPartner = "MISPBUMP_CRASH_PARTNER"
)

// TestCrashChild is the process that TestCrashDuringApply kills. It
// does nothing when run on its own.
func TestCrashChild(t *testing.T) {
	url := os.Getenv(crashEnvURL)
	if url == "" {
		t.Skip("runs only as the child of TestCrashDuringApply")
	}
	var partner exchange.Profile
	if err := json.Unmarshal([]byte(os.Getenv(crashEnvPartner)), &partner); err != nil {
		t.Fatal(err)
	}
	client, err := misp.New(misp.Config{URL: url, Key: secret.New(os.Getenv(crashEnvKey))})
	if err != nil {
		t.Fatal(err)
	}
	store, err := history.Open(os.Getenv(crashEnvData))
	if err != nil {
		t.Fatal(err)
	}
	pv := &Provisioner{Client: client, Store: store}
	if err := applyFully(context.Background(), pv, partner); err != nil {
		t.Fatal(err)
	}
}

// applyFully runs one side from plan to confirmation.
func applyFully(ctx context.Context, pv *Provisioner, partner exchange.Profile) error {
	own, err := Fetch(ctx, pv.Client, FetchOptions{})
	if err != nil {
		return err
	}
	plan, err := pv.Plan(ctx, own, partner, loopbackOptions)
	if err != nil {
		return err
	}
	b := pv.Store.NewBump(history.RoleResponder, history.Versions{Protocol: exchange.Version})
	b.Partner = history.Partner{OrgName: partner.OrgName, OrgUUID: partner.OrgUUID, URL: partner.URL}
	if _, err := pv.ApplyAccount(ctx, b, plan); err != nil {
		return err
	}
	if err := pv.ApplyServer(ctx, b, plan, partnerKey); err != nil {
		return err
	}
	return pv.Confirm(ctx, b, plan, partnerKey)
}

func TestCrashDuringApply(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes")
	}
	s := newSide(t, sideOptions{name: "Example CERT A", uuid: "5f1b8c2e-0000-4000-8000-00000000000a"})
	partner := syntheticPartner()
	partnerJSON, _ := json.Marshal(partner)

	child := func(dataDir string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(),
			crashEnvURL+"="+s.url, crashEnvKey+"="+s.sim.AdminKey().Reveal(),
			crashEnvData+"="+dataDir, crashEnvPartner+"="+string(partnerJSON))
		return cmd
	}

	// One undisturbed run measures how long a whole apply takes.
	started := time.Now()
	if out, err := child(t.TempDir()).CombinedOutput(); err != nil {
		t.Fatalf("child without a crash failed: %v\n%s", err, out)
	}
	span := time.Since(started)
	cleanPartner(t, s, partner)

	rng := rand.New(rand.NewPCG(1, 2))
	killedMidway := 0
	for i := range 50 {
		dataDir := t.TempDir()
		cmd := child(dataDir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(span))))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()

		store, err := history.Open(dataDir)
		if err != nil {
			t.Fatalf("run %d: open history: %v", i, err)
		}
		bumps, err := store.List()
		if err != nil {
			t.Fatalf("run %d: history does not parse after SIGKILL: %v", i, err)
		}
		for _, b := range bumps {
			if b.Unfinished() {
				killedMidway++
			}
		}
		pv := &Provisioner{Client: s.client, Store: store}
		if _, err := pv.Recover(context.Background()); err != nil {
			t.Fatalf("run %d: recover: %v", i, err)
		}
		if err := applyFully(context.Background(), pv, partner); err != nil {
			t.Fatalf("run %d: apply after the crash: %v", i, err)
		}
		orgs, users, servers, complete := objectsFor(s, partner)
		if !complete || orgs != 1 || users != 1 || servers != 1 {
			t.Fatalf("run %d: after the crash and a new run: orgs=%d users=%d servers=%d complete=%v",
				i, orgs, users, servers, complete)
		}
		p, err := store.FindPartner(partner.OrgUUID, "")
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if _, err := pv.Remove(context.Background(), p); err != nil {
			t.Fatalf("run %d: remove: %v", i, err)
		}
		cleanPartner(t, s, partner)
	}
	t.Logf("50 kills, %d left an unfinished bump (a whole apply takes %v)", killedMidway, span)
	if killedMidway == 0 {
		t.Error("no kill landed in the middle of an apply: the test proves nothing")
	}
}

// cleanPartner deletes whatever exists on s for partner, so the next
// round starts from nothing.
func cleanPartner(t *testing.T, s *side, p exchange.Profile) {
	t.Helper()
	ctx := context.Background()
	for _, e := range s.sim.Servers() {
		if misp.SameServerURL(e.URL, p.URL) {
			_ = s.client.DeleteServer(ctx, misp.ID(e.ID))
		}
	}
	if u, ok := s.sim.UserByEmail(p.SyncEmail); ok {
		_ = s.client.DeleteUser(ctx, misp.ID(u.ID))
	}
	if o, ok := s.sim.OrgByUUID(p.OrgUUID); ok {
		_ = s.client.DeleteOrganisation(ctx, misp.ID(o.ID).String())
	}
	if orgs, users, servers, _ := objectsFor(s, p); orgs+users+servers != 0 {
		t.Fatalf("cleanup left orgs=%d users=%d servers=%d", orgs, users, servers)
	}
}
