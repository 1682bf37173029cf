package bump

import (
	"context"
	"errors"
	"fmt"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// StageFailed means a provisioning step failed. Retry runs it again,
// which is safe because every step is idempotent; Cancel undoes the bump.
const StageFailed Stage = "step-failed"

// ErrPrivateNotAccepted means the partner URL is on a private network and
// the admin has not accepted it.
var ErrPrivateNotAccepted = errors.New("the partner URL points at a private address: accept it explicitly to continue")

// run runs a provisioning step; on failure the session waits in
// StageFailed with the step kept for Retry.
func (s *Session) run(ctx context.Context, step func(context.Context) error) error {
	if err := step(ctx); err != nil {
		s.stage, s.retry, s.lastErr = StageFailed, step, err
		s.cfg.Logger.Warn("bump step failed", "err", err)
		return err
	}
	s.retry, s.lastErr = nil, nil
	return nil
}

// LastError returns the error of the failed step in StageFailed.
func (s *Session) LastError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// Retry runs the failed step again.
func (s *Session) Retry(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage != StageFailed || s.retry == nil {
		return fmt.Errorf("retry: no step failed (the bump is at %s)", s.stage)
	}
	return s.run(ctx, s.retry)
}

// SetNewKey chooses, at the review, whether this side gives the partner
// a new key for a sync user that already exists. The partner's older
// keys expire a grace period after the codes match.
func (s *Session) SetNewKey(on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage != StageReview || s.plan == nil {
		return fmt.Errorf("choose a new key: the bump is at %s, not at the review", s.stage)
	}
	if s.plan.Options.NewKey == on {
		return nil
	}
	if s.plan.User.Action != provision.ActionReuse {
		return fmt.Errorf("choose a new key: the sync user for %s is created by this bump and comes with one", s.partner.SyncEmail)
	}
	// A copy, because the screen may still be reading the plan it has.
	plan := *s.plan
	plan.Options.NewKey = on
	s.plan = &plan
	return nil
}

// Approve creates this side's part after the admin reviewed the partner.
// allowPrivate accepts a partner URL on a private network, which the
// admin must confirm separately (see PrivateURL).
func (s *Session) Approve(ctx context.Context, allowPrivate bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage != StageReview {
		return fmt.Errorf("approve: the bump is at %s, not at the review", s.stage)
	}
	if s.planErr != nil {
		return s.planErr
	}
	if s.plan.PrivateURL != "" && !allowPrivate {
		return fmt.Errorf("%w (%s)", ErrPrivateNotAccepted, s.plan.PrivateURL)
	}
	if s.certPending {
		if err := s.pv.CheckCertificate(ctx, s.plan); err != nil {
			s.planErr = err
			return err
		}
		s.certPending = false
	}
	s.record = newRecord(s)
	if err := s.cfg.Store.Save(s.record); err != nil {
		return fmt.Errorf("start the history record: %w", err)
	}
	if s.cfg.Role == history.RoleInitiator {
		return s.run(ctx, s.applyInitiator)
	}
	return s.run(ctx, s.applyResponder)
}

// applyInitiator creates the organisation, the sync user and the key,
// and seals the offer.
func (s *Session) applyInitiator(ctx context.Context) error {
	key, err := s.pv.ApplyAccount(ctx, s.record, s.plan)
	if err != nil {
		return err
	}
	offer, err := s.initiator.Offer(s.own, key)
	if err != nil {
		return fmt.Errorf("seal the offer: %w", err)
	}
	s.ownKey = key
	s.stage, s.outgoing, s.outStep = StageShowOffer, offer, exchange.StepOffer
	return nil
}

// applyResponder creates everything and seals the key message.
func (s *Session) applyResponder(ctx context.Context) error {
	key, err := s.pv.ApplyAccount(ctx, s.record, s.plan)
	if err != nil {
		return err
	}
	if err := s.pv.ApplyServer(ctx, s.record, s.plan, s.partnerKey); err != nil {
		return err
	}
	msg, err := s.responder.KeyMessage(key)
	if err != nil {
		return fmt.Errorf("seal the key message: %w", err)
	}
	s.ownKey = key
	s.stage, s.outgoing, s.outStep = StageCompare, msg, exchange.StepKey
	return nil
}

// Confirm takes the admins' verdict on the codes. On a match it enables
// this side (sync user, server directions); on a mismatch it removes
// what this bump created.
func (s *Session) Confirm(ctx context.Context, match bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage != StageCompare {
		return fmt.Errorf("confirm: the bump is at %s, not comparing codes", s.stage)
	}
	if !match {
		return s.cancel(ctx, "the confirmation codes differed: a code may have come from someone else")
	}
	return s.run(ctx, func(ctx context.Context) error {
		if err := s.pv.Confirm(ctx, s.record, s.plan, s.partnerKey); err != nil {
			return err
		}
		s.stage, s.outgoing, s.outStep = StageVerify, nil, 0
		return nil
	})
}

// Verify runs the connection test, waiting for the partner to confirm
// too; waiting is called with a message each time it waits.
func (s *Session) Verify(ctx context.Context, waiting func(string)) (*history.Verification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage != StageVerify && s.stage != StageDone {
		return nil, fmt.Errorf("verify: the bump is at %s", s.stage)
	}
	v, err := s.pv.Verify(ctx, s.record, s.partner, s.partnerKey, waiting)
	s.verified = v
	s.stage = StageDone
	return v, err
}

// Cancel stops the bump and removes what it created. It is safe in any
// stage; after Confirm it removes nothing, because the partnership is
// then live (use "Remove partnership" from the history).
func (s *Session) Cancel(ctx context.Context, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.stage {
	case StageVerify, StageDone, StageCancelled:
		return nil
	}
	return s.cancel(ctx, reason)
}

func (s *Session) cancel(ctx context.Context, reason string) error {
	s.stage, s.outgoing, s.outStep = StageCancelled, nil, 0
	s.retry = nil
	if s.record == nil {
		return nil
	}
	if err := s.pv.Rollback(ctx, s.record, reason); err != nil {
		s.lastErr = err
		return err
	}
	return nil
}
