package camera

import (
	"context"
	"time"
)

// Pacing defaults. A decode of a 960×540 frame without a code walks the
// whole reader ladder, about 140 ms on one core of the machine these
// were measured on, while a frame with a code decodes in 2 to 20 ms.
const (
	// DefaultCPUShare is the process CPU use, in cores, above which
	// Next holds frames back.
	DefaultCPUShare = 0.8
	// minDecodeGap caps decode attempts at 15 a second: animated codes
	// change about 9 times a second, so more attempts find nothing new.
	minDecodeGap = time.Second / 15
	// maxDecodeGap keeps scanning alive when the rest of the app alone
	// uses more than the share.
	maxDecodeGap = time.Second / 2
	// pollStep is how often a held Next checks the CPU use again.
	pollStep = 10 * time.Millisecond
)

// pacer decides when Next may hand out the next frame for decoding. It
// measures the process CPU time since the last frame it released and
// holds the next one until the average over that span falls to the
// share. Decoding happens in the caller (scan.Run) after Next returns,
// so holding Next back limits the decoder's CPU use. The loop adapts to
// the cost of each decode and to the rest of the process's work, such
// as drawing the preview.
type pacer struct {
	share   float64
	minGap  time.Duration
	maxGap  time.Duration
	cpuTime func() (time.Duration, bool)
	now     func() time.Time

	lastWall time.Time
	lastCPU  time.Duration
}

func newPacer(share float64) *pacer {
	if share <= 0 {
		share = DefaultCPUShare
	}
	return &pacer{
		share:   share,
		minGap:  minDecodeGap,
		maxGap:  maxDecodeGap,
		cpuTime: ProcessCPUTime,
		now:     time.Now,
	}
}

// wait returns once the next frame may be decoded, or with ctx.Err() or
// errStop when either ends first.
func (p *pacer) wait(ctx context.Context, stop <-chan struct{}) error {
	if p.lastWall.IsZero() {
		p.mark()
		return nil
	}
	for {
		gap := p.now().Sub(p.lastWall)
		if gap >= p.maxGap || (gap >= p.minGap && p.underShare(gap)) {
			p.mark()
			return nil
		}

		step := pollStep
		if gap < p.minGap {
			step = p.minGap - gap
		}
		t := time.NewTimer(step)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-stop:
			t.Stop()
			return errStop
		case <-t.C:
		}
	}
}

// underShare reports whether the process used at most share cores over
// the gap since the last release. Without a CPU clock it always does.
func (p *pacer) underShare(gap time.Duration) bool {
	used, ok := p.cpuTime()
	if !ok {
		return true
	}
	return float64(used-p.lastCPU) <= p.share*float64(gap)
}

func (p *pacer) mark() {
	p.lastWall = p.now()
	p.lastCPU, _ = p.cpuTime()
}
