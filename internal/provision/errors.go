package provision

import (
	"errors"
	"fmt"
)

// ErrConflict marks a plan that cannot go ahead because the MISP holds
// something that contradicts the partner's profile. Nothing was changed.
var ErrConflict = errors.New("conflict with existing MISP data")

// ErrNeedKey reports that the partner kept its existing key, but this
// MISP has no server entry that holds it.
var ErrNeedKey = errors.New("the partner sent no new key")

// ErrPinMismatch reports a partner certificate whose fingerprint differs
// from the pin in the partner's profile.
var ErrPinMismatch = errors.New("the partner's certificate does not match its pin")

// ErrPrivateURL reports a partner URL on a private network that the
// admin did not accept.
var ErrPrivateURL = errors.New("the partner URL points at a private address")

// ConflictError describes a conflict and how to resolve it.
type ConflictError struct {
	// What names the object, e.g. `organisation "CERT B"`.
	What string
	// Problem says what contradicts the partner's profile.
	Problem string
	// Fix says what the admin can do.
	Fix string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.What, e.Problem, e.Fix)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// StepError reports the step of apply, confirm or undo that failed.
type StepError struct {
	Step string
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("%s: %v", e.Step, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }
