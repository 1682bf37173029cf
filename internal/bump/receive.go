package bump

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// Received describes a message the session accepted.
type Received struct {
	Step exchange.Step
	// Description is the text shown to the admin, e.g. "partner's reply (2 of 4)".
	Description string
	// StepErr is set when the message was accepted but the provisioning
	// step it started failed; the session is then in StageFailed.
	StepErr error
}

// ErrNotWaiting means the session expects no message now.
var ErrNotWaiting = errors.New("no code is expected now")

// Describe names a message for the admin from its clear header, e.g.
// "partner's reply (2 of 4)", without opening it.
func Describe(step exchange.Step) string {
	return fmt.Sprintf("partner's %s (%d of 4)", step, int(step))
}

// Receive takes a scanned or pasted message. A message for another step,
// another bump or this side's own code is rejected with an error that
// names the problem. The session is unchanged and the admin can scan again.
func (s *Session) Receive(ctx context.Context, msg []byte) (Received, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.expected()
	if want == 0 {
		return Received{}, fmt.Errorf("%w (the bump is at %s)", ErrNotWaiting, s.stage)
	}
	header, err := exchange.Inspect(msg)
	if err != nil {
		return Received{}, err
	}
	got := Received{Step: header.Step, Description: Describe(header.Step)}

	switch want {
	case exchange.StepReply:
		err = s.readReply(ctx, msg)
	case exchange.StepHello:
		err = s.readHello(msg)
	case exchange.StepOffer:
		err = s.readOffer(ctx, msg)
	case exchange.StepKey:
		err = s.readKey(ctx, msg)
	}
	if err != nil {
		return got, err
	}
	got.StepErr, s.stepErr = s.stepErr, nil
	s.cfg.Logger.Info("bump message accepted", "step", header.Step.String(), "session", header.Session.String())
	return got, nil
}

func (s *Session) readHello(msg []byte) error {
	if err := s.responder.ReadHello(msg); err != nil {
		return err
	}
	reply, err := s.responder.Reply(s.own)
	if err != nil {
		return fmt.Errorf("seal the reply: %w", err)
	}
	s.stage, s.outgoing, s.outStep = StageShowReply, reply, exchange.StepReply
	return nil
}

func (s *Session) readReply(ctx context.Context, msg []byte) error {
	partner, err := s.initiator.ReadReply(msg)
	if err != nil {
		return err
	}
	s.partner = partner
	s.makePlan(ctx)
	s.stage, s.outgoing, s.outStep = StageReview, nil, 0
	return nil
}

func (s *Session) readOffer(ctx context.Context, msg []byte) error {
	partner, key, err := s.responder.ReadOffer(msg)
	if err != nil {
		if errors.Is(err, exchange.ErrCommitment) {
			s.stage, s.outgoing, s.outStep = StageCancelled, nil, 0
		}
		return err
	}
	s.partner, s.partnerKey = partner, key
	s.makePlan(ctx)
	s.stage, s.outgoing, s.outStep = StageReview, nil, 0
	return nil
}

// readKey takes the responder's key and creates the initiator's server
// entry. The partner was reviewed before the offer, so nothing is asked.
func (s *Session) readKey(ctx context.Context, msg []byte) error {
	key, err := s.initiator.ReadKey(msg)
	if err != nil {
		return err
	}
	s.partnerKey = key
	s.outgoing, s.outStep = nil, 0
	// The message was good even if the step fails: the session then
	// waits in StageFailed for Retry or Cancel, and Receive reports the
	// failure in Received.StepErr rather than as a rejected code.
	s.stepErr = s.run(ctx, s.applyServer)
	return nil
}

// applyServer is the initiator's last provisioning step.
func (s *Session) applyServer(ctx context.Context) error {
	if err := s.pv.ApplyServer(ctx, s.record, s.plan, s.partnerKey); err != nil {
		return err
	}
	s.stage = StageCompare
	return nil
}

// makePlan plans for the partner. A plan error (a conflict, a pin
// mismatch, a private URL) is kept for the review screen rather than
// rejecting the message, which was valid.
func (s *Session) makePlan(ctx context.Context) {
	opts := provision.Options{
		Pull: s.cfg.Sync.Pull, Push: s.cfg.Sync.Push, NewKey: s.cfg.NewKey,
		PartnerSendsKey: !s.partnerKey.IsZero(),
	}
	s.plan, s.planErr = s.pv.Plan(ctx, s.cfg.Profile, s.partner, opts)
	if errors.Is(s.planErr, provision.ErrPrivateURL) && s.plan != nil {
		// Not an error yet: the review asks the admin separately, and the
		// partner's certificate is checked once the admin accepted.
		s.planErr, s.certPending = nil, true
	}
}

// PrivateURL returns why the partner URL is not public, "" when it is.
func (s *Session) PrivateURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plan == nil {
		return ""
	}
	return s.plan.PrivateURL
}

func newRecord(s *Session) *history.Bump {
	b := s.cfg.Store.NewBump(s.cfg.Role, s.versions())
	b.MISPURL = s.cfg.Client.BaseURL()
	p := s.partner
	b.Partner = history.Partner{
		OrgName: p.OrgName, OrgUUID: p.OrgUUID, Description: p.Description, Nationality: p.Nationality,
		Sector: p.Sector, OrgType: p.OrgType, URL: p.URL, SyncEmail: p.SyncEmail,
		TLSPin: strings.ToLower(fmt.Sprintf("%x", p.TLSPin)), Pull: p.Pull, Push: p.Push, MISPVersion: p.MISPVersion,
	}
	if len(p.TLSPin) == 0 {
		b.Partner.TLSPin = ""
	}
	b.Own = history.Own{
		OrgName: s.own.OrgName, OrgUUID: s.own.OrgUUID, URL: s.own.URL, MISPVersion: s.own.MISPVersion,
		SyncUserEmail: p.SyncEmail, Pull: s.cfg.Sync.Pull, Push: s.cfg.Sync.Push,
	}
	return b
}
