package exchange

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cloudflare/circl/hpke"
	"github.com/cloudflare/circl/kem"
	"github.com/mispbump/mispbump/internal/secret"
)

type responderState int

const (
	responderAwaitHello responderState = iota
	responderHelloRead                 // partner public key known
	responderReplySent                 // waiting for the offer
	responderOfferRead                 // code available
	responderDone                      // key message produced
)

// Responder is the side that responds to a bump: it reads the hello and the
// offer and sends the reply and the key message.
type Responder struct {
	conversation
	state responderState

	public     kem.PublicKey // initiator's ephemeral key
	commitment [commitmentSize]byte
	nonce      []byte // from the offer, once it opened the commitment

	sealer   hpke.Sealer // reply and key message, responder → initiator
	offerKey []byte      // exported key and nonce for the offer
}

// NewResponder returns a responder waiting for a hello.
func NewResponder(opts Options) (*Responder, error) {
	re := &Responder{conversation: conversation{opts: opts.withDefaults()}}
	re.forget = re.dropSecrets
	return re, nil
}

// Session returns the id of the bump once a hello has been read.
func (re *Responder) Session() SessionID {
	return re.session
}

// ReadHello reads the initiator's hello. It rejects a hello older than
// the session lifetime or dated in the future beyond the clock skew.
func (re *Responder) ReadHello(msg []byte) error {
	err := re.readHello(msg)
	re.logResult(StepHello, err)
	return err
}

func (re *Responder) readHello(msg []byte) error {
	want := StepHello
	if re.state != responderAwaitHello {
		want = StepOffer
	}
	if _, err := re.classify(msg, want); err != nil {
		return err
	}
	if re.state != responderAwaitHello {
		return callOrder("ReadHello", "got an offer, which belongs to ReadOffer")
	}

	seconds := binary.BigEndian.Uint64(msg[helloTimeOffset:helloPublicOffset])
	if seconds == 0 || seconds > 1<<40 {
		return damaged(StepHello, "the time is not plausible")
	}
	sent := time.Unix(int64(seconds), 0)
	now := re.opts.Now()
	if sent.After(now.Add(re.opts.Skew)) {
		return clockSkew(StepHello, sent.Sub(now))
	}
	deadline := sent.Add(re.opts.Lifetime + re.opts.Skew)
	if now.After(deadline) {
		return expired(re.opts.Lifetime)
	}
	public, err := kemID.Scheme().UnmarshalBinaryPublicKey(msg[helloPublicOffset:])
	if err != nil {
		return damaged(StepHello, "invalid public key")
	}

	re.public = public
	re.commitment = [commitmentSize]byte(msg[2 : 2+commitmentSize])
	re.session = SessionID(msg[2 : 2+sessionSize])
	re.haveSession = true
	re.start = sent
	re.deadline = deadline
	re.messages[StepHello] = clone(msg)
	re.state = responderHelloRead
	return nil
}

// Reply encapsulates to the initiator's key and seals the responder's
// profile. Call it once, after ReadHello. The profile goes through
// PrepareProfile first and Time is set to now. It reads 64 bytes of
// encapsulation randomness from Options.Rand.
func (re *Responder) Reply(self Profile) ([]byte, error) {
	if re.state != responderHelloRead {
		return nil, callOrder("Reply", "must follow a successful ReadHello and runs once")
	}
	if err := re.checkUsable(); err != nil {
		return nil, err
	}
	prepared, err := PrepareProfile(self)
	if err != nil {
		return nil, err
	}
	prepared.Time = re.opts.Now()
	payload, err := encodeProfile(prepared)
	if err != nil {
		return nil, fmt.Errorf("seal reply: encode profile: %w", err)
	}

	hello := re.messages[StepHello]
	sender, err := suite.NewSender(re.public, hpkeInfo(hello))
	if err != nil {
		return nil, fmt.Errorf("seal reply: set up HPKE: %w", err)
	}
	enc, sealer, err := sender.Setup(re.opts.Rand)
	if err != nil {
		return nil, fmt.Errorf("seal reply: encapsulate: %w", err)
	}
	reply := appendHeader(make([]byte, 0, maxReplySize), StepReply, re.session)
	reply = append(reply, enc...)
	sealed, err := sealer.Seal(payload, transcriptHash(hello, reply))
	if err != nil {
		return nil, fmt.Errorf("seal reply: %w", err)
	}
	reply = append(reply, sealed...)

	re.sealer = sealer
	re.offerKey = sealer.Export([]byte(labelOfferKey), offerKeySize)
	re.public = nil
	re.messages[StepReply] = reply
	re.state = responderReplySent
	return clone(reply), nil
}

// ReadOffer opens the initiator's offer, checks that its nonce opens the
// commitment of the hello, and returns the partner profile and the sync
// key created for us (zero when the partner asks us to keep ours). On error nothing changes, so the admin can scan
// again. ErrCommitment is the exception, because it ends the session for
// good.
func (re *Responder) ReadOffer(msg []byte) (Profile, secret.Key, error) {
	profile, key, err := re.readOffer(msg)
	re.logResult(StepOffer, err)
	return profile, key, err
}

func (re *Responder) readOffer(msg []byte) (Profile, secret.Key, error) {
	want := StepOffer
	if re.state == responderAwaitHello {
		want = StepHello
	}
	if _, err := re.classify(msg, want); err != nil {
		return Profile{}, secret.Key{}, err
	}
	if re.state != responderReplySent {
		return Profile{}, secret.Key{}, callOrder("ReadOffer", "must follow Reply and runs once")
	}

	aad := transcriptHash(re.messages[StepHello], re.messages[StepReply], msg[:headerSize])
	payload, err := openOffer(re.offerKey, msg[headerSize:], aad)
	if err != nil {
		return Profile{}, secret.Key{}, damaged(StepOffer, "authentication failed")
	}
	defer clear(payload)

	profile, key, nonce, err := decodeOffer(payload)
	if err != nil {
		return Profile{}, secret.Key{}, err
	}
	if !opensCommitment(re.commitment, nonce) {
		return Profile{}, secret.Key{}, re.abort(ErrCommitment)
	}
	if err := re.checkTime(StepOffer, profile.Time); err != nil {
		return Profile{}, secret.Key{}, err
	}

	re.nonce = nonce
	re.messages[StepOffer] = clone(msg)
	re.state = responderOfferRead
	return profile, key, nil
}

// Code returns the confirmation code, such as "0427 9136". It is
// available once ReadOffer has succeeded, and stays available after the
// session expires so that the admins can finish comparing.
func (re *Responder) Code() (string, error) {
	if re.state < responderOfferRead {
		return "", callOrder("Code", "is available after ReadOffer")
	}
	return confirmationCode(re.messages[StepHello], re.messages[StepReply], re.nonce), nil
}

// KeyMessage seals the key of the sync user created for the partner. Call
// it once, after ReadOffer. A zero key tells the partner to keep the key
// it already has.
func (re *Responder) KeyMessage(key secret.Key) ([]byte, error) {
	if re.state != responderOfferRead {
		return nil, callOrder("KeyMessage", "must follow a successful ReadOffer and runs once")
	}
	if err := re.checkUsable(); err != nil {
		return nil, err
	}
	if err := checkSyncKey(key); err != nil {
		return nil, fmt.Errorf("seal key message: own sync key: %w", err)
	}
	payload, err := encodeKey(re.opts.Now(), key)
	if err != nil {
		return nil, fmt.Errorf("seal key message: encode: %w", err)
	}
	defer clear(payload)

	message := appendHeader(make([]byte, 0, maxKeySize), StepKey, re.session)
	aad := transcriptHash(re.messages[StepHello], re.messages[StepReply],
		re.messages[StepOffer], message)
	sealed, err := re.sealer.Seal(payload, aad)
	if err != nil {
		return nil, fmt.Errorf("seal key message: %w", err)
	}
	message = append(message, sealed...)

	re.messages[StepKey] = message
	re.state = responderDone
	re.dropSecrets()
	return clone(message), nil
}

// dropSecrets releases the HPKE context and the offer key.
// NOTE: Go cannot wipe memory reliably. The garbage collector frees the
// values, and until then they stay in this process's memory.
func (re *Responder) dropSecrets() {
	re.public = nil
	re.sealer = nil
	clear(re.offerKey)
	re.offerKey = nil
}
