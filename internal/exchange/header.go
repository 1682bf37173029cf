package exchange

import (
	"encoding/hex"
	"fmt"
)

// Version is the protocol version this package speaks. A session runs in
// exactly the version of its hello and there is no fallback, so an
// attacker has no older version to push the parties down to.
const Version = 1

// SupportedVersions lists the protocol versions this package accepts.
var SupportedVersions = []int{Version}

// Step is the position of a message in the handshake.
type Step int

// The four steps, in the order the messages travel.
const (
	StepHello Step = 1 // initiator → responder
	StepReply Step = 2 // responder → initiator
	StepOffer Step = 3 // initiator → responder
	StepKey   Step = 4 // responder → initiator
)

// String returns the lower-case name of the step, as shown to admins.
func (s Step) String() string {
	switch s {
	case StepHello:
		return "hello"
	case StepReply:
		return "reply"
	case StepOffer:
		return "offer"
	case StepKey:
		return "key"
	}
	return fmt.Sprintf("step(%d)", int(s))
}

// sentByInitiator reports whether the initiator sends messages of step s.
func (s Step) sentByInitiator() bool {
	return s == StepHello || s == StepOffer
}

// SessionID identifies one bump. It is the first eight bytes of the
// commitment in the hello, which is a SHA-256 output and therefore random.
type SessionID [sessionSize]byte

// String returns the session id in lower-case hex.
func (id SessionID) String() string {
	return hex.EncodeToString(id[:])
}

// Header is the clear part that every message starts with.
type Header struct {
	Version int
	Step    Step
	Session SessionID
}

// Byte layout of the messages. docs/protocol.md explains each field.
const (
	sessionSize    = 8
	headerSize     = 2 + sessionSize // version, step, session
	commitmentSize = 32
	nonceSize      = 32
	timeSize       = 8
	publicKeySize  = 1216 // X-Wing encapsulation key
	encSize        = 1120 // X-Wing ciphertext
	tagSize        = 16   // ChaCha20-Poly1305

	helloTimeOffset   = 2 + commitmentSize
	helloPublicOffset = helloTimeOffset + timeSize
	helloSize         = helloPublicOffset + publicKeySize

	replyCipherOffset = headerSize + encSize

	// maxProfileSize bounds the CBOR profile so that every reply and
	// offer fits its size budget whatever the profile contains.
	maxProfileSize = 448
	// maxOfferPayload is a map of three entries: the profile, a key of 40
	// characters (2-byte text header) and a 32-byte nonce (2-byte header).
	maxOfferPayload = 1 + (1 + maxProfileSize) + (1 + 2 + 40) + (1 + 2 + nonceSize)
	// maxKeyPayload is a map of two entries: a 64-bit time and the key.
	maxKeyPayload = 1 + (1 + 9) + (1 + 2 + 40)

	maxReplySize = replyCipherOffset + maxProfileSize + tagSize
	maxOfferSize = headerSize + maxOfferPayload + tagSize
	maxKeySize   = headerSize + maxKeyPayload + tagSize
)

// Inspect reads the header of a message without opening it, so that the
// app can tell the admin what was scanned before any key is needed. It
// also checks that the length fits the step. It returns an error matching
// ErrDamaged for bytes that are no bump message and a *VersionError for a
// version this package does not speak.
func Inspect(msg []byte) (Header, error) {
	if len(msg) < headerSize {
		return Header{}, damaged(0, fmt.Sprintf("%d bytes are too short for a mispbump code", len(msg)))
	}

	// Every version keeps the version in byte 0 and the step in byte 1.
	// The step is checked first so that random bytes are reported as
	// damaged rather than as a version from the future.
	h := Header{Version: int(msg[0]), Step: Step(msg[1])}
	if h.Step < StepHello || h.Step > StepKey {
		return h, damaged(0, fmt.Sprintf("unknown step %d", int(h.Step)))
	}
	if h.Version != Version {
		return h, &VersionError{Got: h.Version}
	}
	copy(h.Session[:], msg[2:headerSize])

	minSize, maxSize := 0, 0
	switch h.Step {
	case StepHello:
		minSize, maxSize = helloSize, helloSize
	case StepReply:
		minSize, maxSize = replyCipherOffset+tagSize+1, maxReplySize
	case StepOffer:
		minSize, maxSize = headerSize+tagSize+1, maxOfferSize
	case StepKey:
		minSize, maxSize = headerSize+tagSize+1, maxKeySize
	}
	if len(msg) < minSize || len(msg) > maxSize {
		return h, damaged(h.Step, fmt.Sprintf("length %d is outside %d to %d bytes", len(msg), minSize, maxSize))
	}
	return h, nil
}

// appendHeader appends the header of a message of the given step.
func appendHeader(dst []byte, step Step, session SessionID) []byte {
	dst = append(dst, Version, byte(step))
	return append(dst, session[:]...)
}
