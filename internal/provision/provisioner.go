package provision

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
)

// Default bounds for waiting on the partner during verification.
const (
	DefaultVerifyWait   = 3 * time.Minute
	DefaultVerifyPeriod = 2 * time.Second
)

// Provisioner applies plans on one MISP and records them in a history.
// Client and Store are required; the other fields have defaults.
type Provisioner struct {
	Client *misp.Client
	Store  *history.Store

	// Logger receives one line per step; nil discards them. Keys never
	// reach it.
	Logger *slog.Logger
	// Now returns the time for history entries; nil means time.Now.
	Now func() time.Time
	// Progress, when set, is told when each step starts and ends, for
	// the app's per-step display.
	Progress func(Event)
	// VerifyWait bounds how long Verify waits for the partner to
	// confirm; zero means DefaultVerifyWait.
	VerifyWait time.Duration
	// VerifyPeriod is the first wait between connection tests, doubled
	// up to 15 s; zero means DefaultVerifyPeriod.
	VerifyPeriod time.Duration
	// KeyGrace is how long a sync user's older keys keep working after
	// a bump gave the partner a new key; zero means DefaultKeyGrace.
	KeyGrace time.Duration
	// PartnerCA is a CA file for the app's own calls to partners (the
	// reverse check); empty means the system roots plus the partner's
	// pin.
	PartnerCA string

	// probe is misp.ProbeTLS; tests replace it.
	probe func(ctx context.Context, url, caFile string) (misp.TLSInfo, error)

	// held maps the ids of bumps this provisioner is running to the
	// release functions of their locks.
	mu   sync.Mutex
	held map[string]func()
}

// hold locks bump b for this process the first time a step records it,
// so that another process on the same data directory does not roll it
// back as interrupted.
func (pv *Provisioner) hold(b *history.Bump) error {
	pv.mu.Lock()
	defer pv.mu.Unlock()
	if _, ok := pv.held[b.ID]; ok {
		return nil
	}
	release, err := pv.Store.Lock(b.ID)
	if err != nil {
		return err
	}
	if pv.held == nil {
		pv.held = map[string]func(){}
	}
	pv.held[b.ID] = release
	return nil
}

// Release drops the lock of bump b. Verify, Rollback and Remove call it
// when the bump reaches a final state; a caller that abandons a bump
// otherwise calls it itself. The lock also ends with the process.
func (pv *Provisioner) Release(b *history.Bump) {
	pv.mu.Lock()
	defer pv.mu.Unlock()
	if release, ok := pv.held[b.ID]; ok {
		release()
		delete(pv.held, b.ID)
	}
}

// Event reports the progress of one step.
type Event struct {
	Kind  history.Kind
	Phase Phase
	// Detail is a short text such as "created id 12".
	Detail string
	Err    error
}

// Phase is the state of a step in an Event.
type Phase string

// The phases of a step.
const (
	PhaseStarted Phase = "started"
	PhaseDone    Phase = "done"
	PhaseFailed  Phase = "failed"
)

func (pv *Provisioner) log() *slog.Logger {
	if pv.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return pv.Logger
}

func (pv *Provisioner) now() time.Time {
	if pv.Now == nil {
		return time.Now()
	}
	return pv.Now()
}

func (pv *Provisioner) emit(e Event) {
	if pv.Progress != nil {
		pv.Progress(e)
	}
}

func (pv *Provisioner) probeTLS(ctx context.Context, url string) (misp.TLSInfo, error) {
	if pv.probe != nil {
		return pv.probe(ctx, url, "")
	}
	return misp.ProbeTLS(ctx, url, "")
}
