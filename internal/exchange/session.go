package exchange

import (
	"bytes"
	"log/slog"
	"time"
)

// conversation is the state both roles share: the session, its deadline
// and every message sent or processed, indexed by step.
type conversation struct {
	opts      Options
	initiator bool

	session     SessionID
	haveSession bool
	start       time.Time // time written in the hello
	deadline    time.Time

	messages [StepKey + 1][]byte
	// aborted, once set, is returned by every later call.
	aborted error
	// forget drops the role's secrets when the session ends early.
	forget func()
}

// checkUsable returns the error that aborted the session, or an error
// matching ErrExpired once the deadline has passed. It drops the role's
// secrets in both cases.
func (c *conversation) checkUsable() error {
	if c.aborted == nil && c.haveSession && c.opts.Now().After(c.deadline) {
		c.aborted = expired(c.opts.Lifetime)
	}
	if c.aborted != nil && c.forget != nil {
		c.forget()
		c.forget = nil
	}
	return c.aborted
}

// abort ends the session for good, so every later call returns err.
func (c *conversation) abort(err error) error {
	c.aborted = err
	return c.checkUsable()
}

// classify decides whether msg is the partner message of step want. It
// checks, in this order: expiry, header, own message, session, replay
// and step, so that each rejection names the most useful cause.
func (c *conversation) classify(msg []byte, want Step) (Header, error) {
	if err := c.checkUsable(); err != nil {
		return Header{}, err
	}
	h, err := Inspect(msg)
	if err != nil {
		return h, err
	}

	ownStep := h.Step.sentByInitiator() == c.initiator
	if ownStep && c.haveSession && h.Session == c.session {
		return h, ErrOwnMessage
	}
	if !c.haveSession || (c.initiator && h.Step == StepHello) {
		// Without a session (a responder waiting for a hello) only the
		// step can be judged. A hello reaching an initiator comes from
		// a partner who started a bump too.
		if h.Step != want {
			return h, &StepError{Got: h.Step, Want: want}
		}
		return h, nil
	}
	if h.Session != c.session {
		return h, ErrOtherSession
	}
	if bytes.Equal(c.messages[h.Step], msg) {
		return h, ErrReplay
	}
	if h.Step != want {
		return h, &StepError{Got: h.Step, Want: want}
	}
	return h, nil
}

// logResult records the outcome of reading a message at debug level. The
// session id is not secret, and keys never reach this function.
func (c *conversation) logResult(step Step, err error) {
	role := "responder"
	if c.initiator {
		role = "initiator"
	}
	if err != nil {
		c.opts.Logger.Debug("bump message rejected", slog.String("role", role),
			slog.String("step", step.String()), slog.String("session", c.session.String()),
			slog.Any("error", err))
		return
	}
	c.opts.Logger.Debug("bump message accepted", slog.String("role", role),
		slog.String("step", step.String()), slog.String("session", c.session.String()))
}

// checkTime rejects a sealed time outside [start-skew, now+skew]. Times
// are authenticated, so a failure means a wrong clock, not an attack.
func (c *conversation) checkTime(step Step, sealed time.Time) error {
	now := c.opts.Now()
	if sealed.After(now.Add(c.opts.Skew)) {
		return clockSkew(step, sealed.Sub(now))
	}
	if sealed.Before(c.start.Add(-c.opts.Skew)) {
		return clockSkew(step, sealed.Sub(c.start))
	}
	return nil
}

// clone returns a copy that the caller cannot change behind our back.
func clone(b []byte) []byte {
	return bytes.Clone(b)
}
