package exchange

import (
	"fmt"
	"io"
	"log/slog"
)

// Initiator and Responder hold private keys, so every way of printing them
// shows the session and the state only. The methods have value receivers
// so that printing a dereferenced value is covered too.

// String returns the session id and the state.
func (in Initiator) String() string {
	states := [...]string{"waiting for reply", "reply read", "offer sent", "done"}
	return fmt.Sprintf("exchange.Initiator{session %s, %s}", in.session, states[in.state])
}

// GoString implements fmt.GoStringer like String.
func (in Initiator) GoString() string { return in.String() }

// Format implements fmt.Formatter so that every verb prints String.
func (in Initiator) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, in.String()) }

// LogValue implements slog.LogValuer.
func (in Initiator) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String returns the session id and the state.
func (re Responder) String() string {
	states := [...]string{"waiting for hello", "hello read", "reply sent", "offer read", "done"}
	return fmt.Sprintf("exchange.Responder{session %s, %s}", re.session, states[re.state])
}

// GoString implements fmt.GoStringer like String.
func (re Responder) GoString() string { return re.String() }

// Format implements fmt.Formatter so that every verb prints String.
func (re Responder) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, re.String()) }

// LogValue implements slog.LogValuer.
func (re Responder) LogValue() slog.Value { return slog.StringValue(re.String()) }
