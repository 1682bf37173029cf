package exchange

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors that callers tell apart with errors.Is. Each message ends with
// what the admin should do next.
var (
	// ErrOwnMessage: the scanned message was produced by this side.
	ErrOwnMessage = errors.New("this is your own code: scan your partner's code instead")

	// ErrOtherSession: the message belongs to a different bump.
	ErrOtherSession = errors.New("this code belongs to another bump: " +
		"ask your partner to show the code of this bump, or start again together")

	// ErrWrongStep is matched by every *StepError.
	ErrWrongStep = errors.New("this code is for another step of the bump")

	// ErrDamaged: the message cannot be parsed or fails authentication.
	// A scan error is the usual cause, so the advice is to scan again.
	ErrDamaged = errors.New("the code was damaged")

	// ErrMalformed: a sealed payload opened correctly but does not follow
	// the format, which points at a bug or a different release.
	ErrMalformed = errors.New("the partner's app sent a malformed message")

	// ErrExpired: the session is older than Options.Lifetime.
	ErrExpired = errors.New("the session expired")

	// ErrUnsupportedVersion is matched by every *VersionError.
	ErrUnsupportedVersion = errors.New("unsupported protocol version")

	// ErrCommitment: the nonce in the offer does not open the commitment
	// in the hello. Honest parties never cause it, so it means an attack
	// or a mix-up of two bumps.
	ErrCommitment = errors.New("the offer does not match the hello of this bump " +
		"(commitment mismatch), so someone may be interfering with it: " +
		"abort it and start again, face to face if you can")

	// ErrReplay: the message was already processed.
	ErrReplay = errors.New("this code was already read: scan your partner's next code")

	// ErrClockSkew: a time in a message is further from this computer's
	// clock than Options.Skew allows.
	ErrClockSkew = errors.New("the clocks of the two computers differ too much")

	// ErrInvalidKey: a sync key is not a MISP key.
	ErrInvalidKey = errors.New("invalid sync key: a MISP key has exactly 40 letters and digits")

	// ErrInvalidProfile is matched by every *ProfileError.
	ErrInvalidProfile = errors.New("invalid profile")

	// ErrCallOrder: a method was called in the wrong state, which is a bug
	// in the caller rather than a problem with a message.
	ErrCallOrder = errors.New("exchange: method called out of order")
)

// StepError reports a message of the wrong step, such as an offer while a
// reply is expected. It matches ErrWrongStep.
type StepError struct {
	Got, Want Step
}

// Error implements error.
func (e *StepError) Error() string {
	return fmt.Sprintf("this code is step %d (%s), but step %d (%s) is expected: "+
		"ask your partner for the code of step %d",
		int(e.Got), e.Got, int(e.Want), e.Want, int(e.Want))
}

// Is makes errors.Is(err, ErrWrongStep) true.
func (e *StepError) Is(target error) bool {
	return target == ErrWrongStep
}

// VersionError reports a protocol version this package does not speak.
// It matches ErrUnsupportedVersion.
type VersionError struct {
	Got int
}

// Error implements error.
func (e *VersionError) Error() string {
	supported := make([]string, len(SupportedVersions))
	for i, v := range SupportedVersions {
		supported[i] = strconv.Itoa(v)
	}
	return fmt.Sprintf("this code uses protocol version %d, but this app supports version %s: "+
		"install the same mispbump release on both computers",
		e.Got, strings.Join(supported, ", "))
}

// Is makes errors.Is(err, ErrUnsupportedVersion) true.
func (e *VersionError) Is(target error) bool {
	return target == ErrUnsupportedVersion
}

// ProfileError reports an invalid profile field, either in the admin's own
// profile before it is sealed or in the partner's profile after it was
// opened. It matches ErrInvalidProfile.
type ProfileError struct {
	Partner bool   // true for the partner's profile, false for the own one
	Field   string // Go field name, such as "URL"
	Value   string // offending value, quoted in the message (never a key)
	Reason  string
}

// Error implements error.
func (e *ProfileError) Error() string {
	owner, next := "own profile", "correct it in your profile"
	if e.Partner {
		owner, next = "partner profile", "ask your partner to correct their profile"
	}
	return fmt.Sprintf("%s: invalid %s %q: %s: %s", owner, e.Field, e.Value, e.Reason, next)
}

// Is makes errors.Is(err, ErrInvalidProfile) true.
func (e *ProfileError) Is(target error) bool {
	return target == ErrInvalidProfile
}

// damaged wraps ErrDamaged with the step (0 when unknown) and the reason.
func damaged(step Step, reason string) error {
	if step == 0 {
		return fmt.Errorf("%w (%s): scan it again", ErrDamaged, reason)
	}
	return fmt.Errorf("%w (%s: %s): scan it again", ErrDamaged, step, reason)
}

// malformed wraps ErrMalformed with the step and the decoding error.
func malformed(step Step, err error) error {
	return fmt.Errorf("%w (%s: %w): install the same mispbump release on both computers",
		ErrMalformed, step, err)
}

// expired wraps ErrExpired with the lifetime in words.
func expired(lifetime time.Duration) error {
	return fmt.Errorf("%w after %s: start a new bump", ErrExpired, durationWords(lifetime))
}

// clockSkew wraps ErrClockSkew with the measured difference.
func clockSkew(step Step, diff time.Duration) error {
	direction := "ahead of"
	if diff < 0 {
		direction, diff = "behind", -diff
	}
	return fmt.Errorf("%w: the %s code's time is %s %s this computer's clock: "+
		"set both clocks right and start again", ErrClockSkew, step, durationWords(diff), direction)
}

// callOrder wraps ErrCallOrder with the method and its precondition.
func callOrder(method, precondition string) error {
	return fmt.Errorf("%w: %s %s", ErrCallOrder, method, precondition)
}

// durationWords writes whole minutes as "15 minutes" and anything else in
// Go's duration syntax, rounded to the second.
func durationWords(d time.Duration) string {
	switch {
	case d == time.Minute:
		return "1 minute"
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.Round(time.Second).String()
}
