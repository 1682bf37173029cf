package bump

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/provision"
	"github.com/mispbump/mispbump/internal/secret"
	"github.com/mispbump/mispbump/internal/version"
)

// Stage is the position of a session in the bump.
type Stage string

// The stages of a session.
const (
	// StageShowHello: the initiator shows its hello and waits for the reply.
	StageShowHello Stage = "show-hello"
	// StageWaitHello: the responder waits for the partner's hello.
	StageWaitHello Stage = "wait-hello"
	// StageShowReply: the responder shows its reply and waits for the offer.
	StageShowReply Stage = "show-reply"
	// StageReview: the partner's profile arrived; the admin decides.
	StageReview Stage = "review"
	// StageShowOffer: the initiator shows its offer and waits for the key.
	StageShowOffer Stage = "show-offer"
	// StageCompare: everything is set up; the admins compare the codes.
	// The responder still shows its key message in this stage.
	StageCompare Stage = "compare"
	// StageVerify: the codes matched; the sync user is enabled.
	StageVerify Stage = "verify"
	// StageDone: verification ran; see Verification.
	StageDone Stage = "done"
	// StageCancelled: the bump was stopped and undone.
	StageCancelled Stage = "cancelled"
)

// Config is what a session needs from the app.
type Config struct {
	Role    history.Role
	Client  *misp.Client
	Store   *history.Store
	Profile *provision.Profile
	Sync    provision.SyncSettings
	// NewKey makes a new key for a partner's existing sync user.
	NewKey bool
	// Exchange tunes the handshake (clock, lifetime).
	Exchange exchange.Options
	Logger   *slog.Logger
	// Progress receives per-step provisioning events for the display.
	Progress func(provision.Event)
	// VerifyWait bounds the wait for the partner during verification;
	// zero means provision.DefaultVerifyWait.
	VerifyWait time.Duration
}

// Session is one side of one bump. Its methods are safe to call from
// several goroutines; they run one at a time.
type Session struct {
	mu  sync.Mutex
	cfg Config
	pv  *provision.Provisioner
	own exchange.Profile

	initiator *exchange.Initiator
	responder *exchange.Responder

	stage    Stage
	outgoing []byte
	outStep  exchange.Step

	partner    exchange.Profile
	partnerKey secret.Key
	ownKey     secret.Key
	plan       *provision.Plan
	planErr    error
	record     *history.Bump
	verified   *history.Verification

	// retry is the provisioning step that failed, for Retry.
	retry   func(context.Context) error
	lastErr error
	stepErr error
	// certPending is set while the partner's certificate still has to be
	// checked, after the admin accepts a private partner URL.
	certPending bool
}

// New starts a session. The initiator's hello is ready at once.
func New(cfg Config) (*Session, error) {
	if cfg.Client == nil || cfg.Store == nil || cfg.Profile == nil {
		return nil, errors.New("start bump: a MISP client, a history and a profile are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Exchange.Logger = cfg.Logger
	s := &Session{
		cfg: cfg,
		pv: &provision.Provisioner{
			Client: cfg.Client, Store: cfg.Store, Logger: cfg.Logger,
			Progress: cfg.Progress, VerifyWait: cfg.VerifyWait,
		},
	}
	own, err := exchange.PrepareProfile(cfg.Profile.Exchange(cfg.Sync))
	if err != nil {
		return nil, fmt.Errorf("your profile cannot be sent: %w", err)
	}
	s.own = own

	switch cfg.Role {
	case history.RoleInitiator:
		s.initiator, err = exchange.NewInitiator(cfg.Exchange)
		if err != nil {
			return nil, fmt.Errorf("start bump: %w", err)
		}
		s.stage, s.outgoing, s.outStep = StageShowHello, s.initiator.Hello(), exchange.StepHello
	case history.RoleResponder:
		s.responder, err = exchange.NewResponder(cfg.Exchange)
		if err != nil {
			return nil, fmt.Errorf("start bump: %w", err)
		}
		s.stage = StageWaitHello
	default:
		return nil, fmt.Errorf("start bump: invalid role %q: use initiator or responder", cfg.Role)
	}
	return s, nil
}

// Stage returns the current stage.
func (s *Session) Stage() Stage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stage
}

// SessionID returns the id shared by the messages of this bump, zero for
// a responder before the hello.
func (s *Session) SessionID() exchange.SessionID {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initiator != nil {
		return s.initiator.Session()
	}
	return s.responder.Session()
}

// Role returns this side's role.
func (s *Session) Role() history.Role { return s.cfg.Role }

// Outgoing returns the message to show the partner and its step, or nil
// when there is none.
func (s *Session) Outgoing() ([]byte, exchange.Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outgoing, s.outStep
}

// Expected returns the step of the next message to scan, or 0 when the
// session is not waiting for one.
func (s *Session) Expected() exchange.Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expected()
}

func (s *Session) expected() exchange.Step {
	switch s.stage {
	case StageShowHello:
		return exchange.StepReply
	case StageWaitHello:
		return exchange.StepHello
	case StageShowReply:
		return exchange.StepOffer
	case StageShowOffer:
		return exchange.StepKey
	}
	return 0
}

// Partner returns the partner's profile once it arrived.
func (s *Session) Partner() exchange.Profile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.partner
}

// Own returns the profile this side sends.
func (s *Session) Own() exchange.Profile { return s.own }

// Plan returns the plan for the partner and the problem that stops it
// (a conflict, a pin mismatch), once the partner's profile arrived.
func (s *Session) Plan() (*provision.Plan, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.plan, s.planErr
}

// Record returns the history record, nil before anything was created.
func (s *Session) Record() *history.Bump {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.record
}

// Verification returns the last verification result, or nil.
func (s *Session) Verification() *history.Verification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verified
}

// Code returns the confirmation code once both sides have everything.
func (s *Session) Code() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initiator != nil {
		return s.initiator.Code()
	}
	return s.responder.Code()
}

// Close releases the session's hold on its history record, so that a
// later start may roll back a bump that was abandoned half-way. A
// session that reached Done or Cancelled has released it already.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.record != nil {
		s.pv.Release(s.record)
	}
}

// Changed reports whether this bump created or changed anything on MISP.
func (s *Session) Changed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.record != nil && s.record.Changed()
}

func (s *Session) versions() history.Versions {
	return history.Versions{Protocol: exchange.Version, App: version.Version}
}
