package e2e

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	uuidA = "5f1b8c2e-0000-4000-8000-00000000000a"
	uuidB = "5f1b8c2e-0000-4000-8000-00000000000b"
	uuidM = "5f1b8c2e-0000-4000-8000-00000000000c"
)

func TestBumpThroughFiles(t *testing.T) {
	simA, simB := startSim(t, "Example CERT A", uuidA), startSim(t, "Example CERT B", uuidB)
	a, b := newAdmin(t, simA), newAdmin(t, simB)

	for round := 1; round <= 2; round++ {
		d := dirs(t, "a2b", "b2a")
		ra := a.start(t, "", bumpArgs("initiator", d[0], d[1], "--yes", "--json")...)
		rb := b.start(t, "", bumpArgs("responder", d[1], d[0], "--yes", "--json")...)
		for name, r := range map[string]*run{"initiator": ra.wait(), "responder": rb.wait()} {
			if r.err != nil {
				t.Fatalf("round %d: %s failed: %v\n%s", round, name, r.err, r.output())
			}
			res := parseResult(t, r)
			if res.Status != "verified" {
				t.Errorf("round %d: %s status %q: %s", round, name, res.Status, res.Error)
			}
			if wantChanged := round == 1; res.Changed != wantChanged {
				t.Errorf("round %d: %s changed=%v, want %v", round, name, res.Changed, wantChanged)
			}
			if round == 2 && !strings.Contains(r.stderr.String(), "nothing changed") {
				t.Errorf("round 2: %s does not say that nothing changed:\n%s", name, r.output())
			}
		}
		if parseResult(t, ra).Code != parseResult(t, rb).Code {
			t.Errorf("round %d: the two sides show different codes", round)
		}
		checkPartnership(t, simA, simB)
		checkPartnership(t, simB, simA)
	}

	// A third bump rotates the key A gave B: the old key is set to expire
	// and B's entry holds the new one.
	d := dirs(t, "a2b", "b2a")
	ra := a.start(t, "", bumpArgs("initiator", d[0], d[1], "--yes", "--json", "--new-key")...)
	rb := b.start(t, "", bumpArgs("responder", d[1], d[0], "--yes", "--json")...)
	for name, r := range map[string]*run{"initiator": ra.wait(), "responder": rb.wait()} {
		if r.err != nil {
			t.Fatalf("key rotation: %s failed: %v\n%s", name, r.err, r.output())
		}
		if res := parseResult(t, r); res.Status != "verified" || !res.Changed {
			t.Errorf("key rotation: %s status %q changed=%v: %s", name, res.Status, res.Changed, res.Error)
		}
	}
	if !strings.Contains(ra.stderr.String(), "1 older key(s) of the sync user stop working on") {
		t.Errorf("key rotation: the initiator does not say when the old key stops working:\n%s", ra.output())
	}
	checkPartnership(t, simA, simB)
	checkPartnership(t, simB, simA)
}

func TestCodesMismatchThroughThirdParty(t *testing.T) {
	simA, simB, simM := startSim(t, "Example CERT A", uuidA), startSim(t, "Example CERT B", uuidB), startSim(t, "Example CERT M", uuidM)
	a, b, m := newAdmin(t, simA), newAdmin(t, simB), newAdmin(t, simM)
	beforeA, beforeB := snapshot(t, simA), snapshot(t, simB)

	// A shows its hello; M reads it and answers A, while M also starts
	// its own bump with B. A scans M's reply in step 2.
	d := dirs(t, "a-out", "m-to-a", "m-to-b", "b-out")
	// A and B ask for different sync e-mails, so M's own MISP can hold a
	// sync user for each of them.
	ra := a.start(t, "y\nn\n", bumpArgs("initiator", d[0], d[1], "--sync-email", "sync@a.example")...)
	rmA := m.start(t, "", bumpArgs("responder", d[1], d[0], "--yes", "--verify-wait", "3s")...)
	rmB := m.start(t, "", bumpArgs("initiator", d[2], d[3], "--yes", "--verify-wait", "3s")...)
	rb := b.start(t, "y\nn\n", bumpArgs("responder", d[3], d[2])...)

	for name, r := range map[string]*run{"A": ra.wait(), "B": rb.wait()} {
		if r.err == nil {
			t.Errorf("%s accepted a bump through a third party:\n%s", name, r.output())
		}
		if !strings.Contains(r.stderr.String(), "confirmation codes differed") {
			t.Errorf("%s does not report the differing codes:\n%s", name, r.output())
		}
	}
	rmA.wait()
	rmB.wait()
	if got := snapshot(t, simA); !reflect.DeepEqual(got, beforeA) {
		t.Errorf("A's MISP changed:\nbefore %v\nafter  %v", beforeA, got)
	}
	if got := snapshot(t, simB); !reflect.DeepEqual(got, beforeB) {
		t.Errorf("B's MISP changed:\nbefore %v\nafter  %v", beforeB, got)
	}
}

func TestMISPDownBeforeApply(t *testing.T) {
	simA, simB := startSim(t, "Example CERT A", uuidA), startSim(t, "Example CERT B", uuidB)
	a, b := newAdmin(t, simA), newAdmin(t, simB)
	before := snapshot(t, simB)

	d := dirs(t, "a2b", "b2a")
	ra := a.start(t, "", bumpArgs("initiator", d[0], d[1], "--yes", "--timeout", "60s")...)
	rb := b.start(t, "", bumpArgs("responder", d[1], d[0], "--yes")...)
	waitForFile(t, filepath.Join(d[1], "02-reply.txt"))
	// A creates its side after the reply and shows the offer; B's MISP
	// goes down before B reads that offer.
	simB.stop()
	rb.wait()
	if rb.err == nil || !strings.Contains(rb.stderr.String(), "cannot reach MISP") {
		t.Errorf("B with its MISP down: err %v\n%s", rb.err, rb.output())
	}
	ra.interrupt()
	simB.start(t)
	if got := snapshot(t, simB); !reflect.DeepEqual(got, before) {
		t.Errorf("B's MISP holds a half-made setup: %v", got)
	}

	d = dirs(t, "a2b", "b2a")
	ra = a.start(t, "", bumpArgs("initiator", d[0], d[1], "--yes")...)
	rb = b.start(t, "", bumpArgs("responder", d[1], d[0], "--yes")...)
	if ra.wait().err != nil || rb.wait().err != nil {
		t.Fatalf("retry failed:\nA %v\n%s\nB %v\n%s", ra.err, ra.output(), rb.err, rb.output())
	}
	checkPartnership(t, simA, simB)
	checkPartnership(t, simB, simA)
}

func TestMISPKilledDuringApply(t *testing.T) {
	simA, simB := startSim(t, "Example CERT A", uuidA), startSim(t, "Example CERT B", uuidB)
	a, b := newAdmin(t, simA), newAdmin(t, simB)
	// B's MISP saves the sync user, then hangs; it is killed meanwhile.
	injectFault(t, simB, `{"method":"POST","path":"/admin/users/add","kind":"delay","delay":"30s","after_save":true}`)

	d := dirs(t, "a2b", "b2a")
	ra := a.start(t, "", bumpArgs("initiator", d[0], d[1], "--yes", "--timeout", "60s")...)
	rb := b.start(t, "", bumpArgs("responder", d[1], d[0], "--yes")...)
	waitForCount(t, simB, "POST /admin/users/add", 1)
	time.Sleep(300 * time.Millisecond)
	simB.kill()
	rb.wait()
	if rb.err == nil || !strings.Contains(rb.stderr.String(), "cannot reach MISP") {
		t.Errorf("B with its MISP killed: err %v\n%s", rb.err, rb.output())
	}
	ra.interrupt()

	simB.start(t)
	d = dirs(t, "a2b", "b2a")
	ra = a.start(t, "", bumpArgs("initiator", d[0], d[1], "--yes")...)
	rb = b.start(t, "", bumpArgs("responder", d[1], d[0], "--yes")...)
	if ra.wait().err != nil || rb.wait().err != nil {
		t.Fatalf("retry failed:\nA %v\n%s\nB %v\n%s", ra.err, ra.output(), rb.err, rb.output())
	}
	if !strings.Contains(rb.stdout.String(), "Rolled back an interrupted bump") {
		t.Errorf("the retry did not roll back the interrupted bump first:\n%s", rb.output())
	}
	checkPartnership(t, simA, simB)
	checkPartnership(t, simB, simA)
}

func TestRemoteFlowPastedText(t *testing.T) {
	simA, simB := startSim(t, "Example CERT A", uuidA), startSim(t, "Example CERT B", uuidB)
	a, b := newAdmin(t, simA), newAdmin(t, simB)

	// Each side writes PNG and text; only the text crosses, as when the
	// admins paste codes into a chat.
	d := dirs(t, "a-out", "b-in", "b-out", "a-in")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, pair := range [][2]string{{d[0], d[1]}, {d[2], d[3]}} {
		wg.Add(1)
		go func(from, to string) {
			defer wg.Done()
			relayText(from, to, stop)
		}(pair[0], pair[1])
	}
	ra := a.start(t, "", bumpArgs("initiator", d[0], d[3], "--yes", "--json")...)
	rb := b.start(t, "", bumpArgs("responder", d[2], d[1], "--yes", "--json")...)
	ra.wait()
	rb.wait()
	close(stop)
	wg.Wait()
	for name, r := range map[string]*run{"A": ra, "B": rb} {
		if r.err != nil || parseResult(t, r).Status != "verified" {
			t.Fatalf("%s: %v\n%s", name, r.err, r.output())
		}
	}
	for _, dir := range []string{d[1], d[3]} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".txt") {
				t.Errorf("a non-text file crossed: %s", e.Name())
			}
		}
	}
	checkPartnership(t, simA, simB)
	checkPartnership(t, simB, simA)
}
