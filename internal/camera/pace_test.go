package camera

import (
	"context"
	"errors"
	"testing"
	"time"
)

// newTestPacer returns a pacer whose CPU clock is cpu.
func newTestPacer(share float64, cpu func() time.Duration) *pacer {
	p := newPacer(share)
	p.minGap = 5 * time.Millisecond
	p.maxGap = 300 * time.Millisecond
	p.cpuTime = func() (time.Duration, bool) { return cpu(), true }
	return p
}

func TestPacerIdleProcess(t *testing.T) {
	p := newTestPacer(0.5, func() time.Duration { return 0 })
	ctx := context.Background()
	if err := p.wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := p.wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if gap := time.Since(start); gap < p.minGap || gap >= p.maxGap {
		t.Errorf("idle process waited %v, want the least gap %v", gap, p.minGap)
	}
}

func TestPacerBusyProcess(t *testing.T) {
	// The CPU clock runs at two cores, so the average never falls to
	// the share and only the longest gap releases a frame.
	start := time.Now()
	p := newTestPacer(0.8, func() time.Duration { return 2 * time.Since(start) })
	ctx := context.Background()
	p.wait(ctx, nil)
	begin := time.Now()
	if err := p.wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if gap := time.Since(begin); gap < p.maxGap {
		t.Errorf("busy process waited %v, want the longest gap %v", gap, p.maxGap)
	}
}

func TestPacerWaitsForShare(t *testing.T) {
	// Each released frame is decoded at once, burning 100 ms of CPU;
	// with a share of half a core the next release comes 200 ms later.
	var releases []time.Time
	cpu := func() time.Duration {
		var d time.Duration
		for _, r := range releases {
			d += min(time.Since(r), 100*time.Millisecond)
		}
		return d
	}
	p := newTestPacer(0.5, cpu)
	ctx := context.Background()
	p.wait(ctx, nil)
	releases = append(releases, p.lastWall)
	for range 3 {
		if err := p.wait(ctx, nil); err != nil {
			t.Fatal(err)
		}
		gap := p.lastWall.Sub(releases[len(releases)-1])
		releases = append(releases, p.lastWall)
		if gap < 200*time.Millisecond || gap >= p.maxGap {
			t.Errorf("released after %v, want 200 ms for 100 ms of CPU at half a core", gap)
		}
	}
}

func TestPacerStops(t *testing.T) {
	p := newTestPacer(0.1, func() time.Duration { return time.Hour })
	p.wait(context.Background(), nil)

	stop := make(chan struct{})
	close(stop)
	if err := p.wait(context.Background(), stop); !errors.Is(err, errStop) {
		t.Errorf("wait with stop closed = %v, want errStop", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.wait(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("wait with a cancelled context = %v", err)
	}
}
