package exchange

import (
	"crypto/rand"
	"io"
	"log/slog"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultLifetime = 15 * time.Minute
	DefaultSkew     = 5 * time.Minute
)

// Options tune an Initiator or a Responder. The zero value is ready for use.
type Options struct {
	// Rand is the source of key seeds, the nonce and the encapsulation
	// randomness. It defaults to crypto/rand.Reader. Tests pass a
	// deterministic reader to reproduce the test vectors.
	Rand io.Reader

	// Now returns the current time. It defaults to time.Now.
	Now func() time.Time

	// Lifetime is how long a session accepts messages, counted from the
	// time in the hello. It defaults to DefaultLifetime.
	Lifetime time.Duration

	// Skew is the clock difference between the two computers that is
	// tolerated. It defaults to DefaultSkew.
	Skew time.Duration

	// Logger receives debug records of accepted and rejected messages,
	// which never contain a key. Nothing is logged when it is nil.
	Logger *slog.Logger
}

// withDefaults returns a copy of o with every zero field replaced by its
// default.
func (o Options) withDefaults() Options {
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Lifetime <= 0 {
		o.Lifetime = DefaultLifetime
	}
	if o.Skew <= 0 {
		o.Skew = DefaultSkew
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
