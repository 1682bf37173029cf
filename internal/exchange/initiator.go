package exchange

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/cloudflare/circl/hpke"
	"github.com/cloudflare/circl/kem"
	"github.com/cloudflare/circl/kem/xwing"
	"github.com/mispbump/mispbump/internal/secret"
)

type initiatorState int

const (
	initiatorAwaitReply initiatorState = iota // hello produced
	initiatorReplyRead                        // partner profile known
	initiatorOfferSent                        // code available
	initiatorDone                             // partner key read
)

// Initiator is the side that starts a bump: it sends the hello and the
// offer and reads the reply and the key message.
type Initiator struct {
	conversation
	state initiatorState

	private    kem.PrivateKey // until the reply is opened
	nonce      []byte         // opens the commitment, revealed in the offer
	commitment [commitmentSize]byte

	opener   hpke.Opener // reply and key message, responder → initiator
	offerKey []byte      // exported key and nonce for the offer
}

// NewInitiator generates the ephemeral X-Wing key pair and the nonce, and
// builds the hello. It reads 32 bytes for the key seed and then 32 bytes
// for the nonce from opts.Rand.
func NewInitiator(opts Options) (*Initiator, error) {
	opts = opts.withDefaults()
	seed := make([]byte, xwing.SeedSize)
	nonce := make([]byte, nonceSize)
	if _, err := io.ReadFull(opts.Rand, seed); err != nil {
		return nil, fmt.Errorf("start bump: read random key seed: %w", err)
	}
	if _, err := io.ReadFull(opts.Rand, nonce); err != nil {
		return nil, fmt.Errorf("start bump: read random nonce: %w", err)
	}
	// The 32 random bytes are the X-Wing private key itself, as in X-Wing's
	// GenerateKeyPair. circl's HPKE DeriveKeyPair would hash them first in
	// a way that differs from the HPKE X-Wing draft and from crypto/hpke.
	public, private := xwing.Scheme().DeriveKeyPair(seed)
	clear(seed)
	publicBytes, err := public.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("start bump: encode public key: %w", err)
	}

	in := &Initiator{
		conversation: conversation{opts: opts, initiator: true, haveSession: true},
		private:      private,
		nonce:        nonce,
		commitment:   commitTo(nonce),
	}
	in.forget = in.dropSecrets
	in.start = opts.Now().Truncate(time.Second)
	in.deadline = in.start.Add(opts.Lifetime)
	in.session = SessionID(in.commitment[:sessionSize])

	hello := make([]byte, 0, helloSize)
	hello = append(hello, Version, byte(StepHello))
	hello = append(hello, in.commitment[:]...)
	hello = binary.BigEndian.AppendUint64(hello, uint64(in.start.Unix()))
	hello = append(hello, publicBytes...)
	in.messages[StepHello] = hello
	return in, nil
}

// Hello returns the first message. It can be called any number of times.
func (in *Initiator) Hello() []byte {
	return clone(in.messages[StepHello])
}

// Session returns the id shared by every message of this bump.
func (in *Initiator) Session() SessionID {
	return in.session
}

// ReadReply opens the responder's reply and returns the partner profile
// for the admin to review. On error nothing changes, so the admin can scan
// again.
func (in *Initiator) ReadReply(msg []byte) (Profile, error) {
	profile, err := in.readReply(msg)
	in.logResult(StepReply, err)
	return profile, err
}

func (in *Initiator) readReply(msg []byte) (Profile, error) {
	want := StepReply
	if in.state != initiatorAwaitReply {
		want = StepKey
	}
	if _, err := in.classify(msg, want); err != nil {
		return Profile{}, err
	}
	if in.state != initiatorAwaitReply {
		return Profile{}, callOrder("ReadReply", "got the key message, which belongs to ReadKey")
	}

	hello := in.messages[StepHello]
	receiver, err := suite.NewReceiver(in.private, hpkeInfo(hello))
	if err != nil {
		return Profile{}, fmt.Errorf("read reply: set up HPKE: %w", err)
	}
	opener, err := receiver.Setup(msg[headerSize:replyCipherOffset])
	if err != nil {
		return Profile{}, damaged(StepReply, "invalid encapsulation")
	}
	aad := transcriptHash(hello, msg[:replyCipherOffset])
	payload, err := opener.Open(msg[replyCipherOffset:], aad)
	if err != nil {
		return Profile{}, damaged(StepReply, "authentication failed")
	}

	profile, err := decodeProfile(payload)
	if err != nil {
		return Profile{}, err
	}
	if err := in.checkTime(StepReply, profile.Time); err != nil {
		return Profile{}, err
	}

	in.offerKey = opener.Export([]byte(labelOfferKey), offerKeySize)
	in.opener = opener
	in.private = nil
	in.messages[StepReply] = clone(msg)
	in.state = initiatorReplyRead
	return profile, nil
}

// Offer seals the initiator's profile, the key of the sync user created
// for the partner, and the nonce. Call it once, after ReadReply. The
// profile goes through PrepareProfile first and Time is set to now. A
// zero key tells the partner to keep the key it already has.
func (in *Initiator) Offer(self Profile, key secret.Key) ([]byte, error) {
	if in.state != initiatorReplyRead {
		return nil, callOrder("Offer", "must follow a successful ReadReply and runs once")
	}
	if err := in.checkUsable(); err != nil {
		return nil, err
	}
	if err := checkSyncKey(key); err != nil {
		return nil, fmt.Errorf("seal offer: own sync key: %w", err)
	}
	prepared, err := PrepareProfile(self)
	if err != nil {
		return nil, err
	}
	prepared.Time = in.opts.Now()
	payload, err := encodeOffer(prepared, key, in.nonce)
	if err != nil {
		return nil, fmt.Errorf("seal offer: encode: %w", err)
	}
	defer clear(payload)

	offer := appendHeader(make([]byte, 0, maxOfferSize), StepOffer, in.session)
	aad := transcriptHash(in.messages[StepHello], in.messages[StepReply], offer)
	sealed, err := sealOffer(in.offerKey, payload, aad)
	if err != nil {
		return nil, fmt.Errorf("seal offer: %w", err)
	}
	offer = append(offer, sealed...)

	in.messages[StepOffer] = offer
	in.state = initiatorOfferSent
	return clone(offer), nil
}

// ReadKey opens the key message and returns the partner's sync key, zero
// when the partner asks us to keep the key we have. Call it after Offer. On error nothing changes, so the admin can scan again.
func (in *Initiator) ReadKey(msg []byte) (secret.Key, error) {
	key, err := in.readKey(msg)
	in.logResult(StepKey, err)
	return key, err
}

func (in *Initiator) readKey(msg []byte) (secret.Key, error) {
	want := StepKey
	if in.state == initiatorAwaitReply {
		want = StepReply
	}
	if _, err := in.classify(msg, want); err != nil {
		return secret.Key{}, err
	}
	if in.state != initiatorOfferSent {
		return secret.Key{}, callOrder("ReadKey", "must follow Offer")
	}

	aad := transcriptHash(in.messages[StepHello], in.messages[StepReply],
		in.messages[StepOffer], msg[:headerSize])
	payload, err := in.opener.Open(msg[headerSize:], aad)
	if err != nil {
		return secret.Key{}, damaged(StepKey, "authentication failed")
	}
	defer clear(payload)

	sealed, key, err := decodeKey(payload)
	if err != nil {
		return secret.Key{}, err
	}
	if err := in.checkTime(StepKey, sealed); err != nil {
		return secret.Key{}, err
	}
	in.messages[StepKey] = clone(msg)
	in.state = initiatorDone
	in.dropSecrets()
	return key, nil
}

// Code returns the confirmation code, such as "0427 9136". It is
// available once Offer has produced the offer, and stays available after
// the session expires so that the admins can finish comparing.
func (in *Initiator) Code() (string, error) {
	if in.state < initiatorOfferSent {
		return "", callOrder("Code", "is available after Offer")
	}
	return confirmationCode(in.messages[StepHello], in.messages[StepReply], in.nonce), nil
}

// dropSecrets releases the ephemeral private key and the symmetric keys.
// NOTE: Go cannot wipe memory reliably. The garbage collector frees the
// values, and until then they stay in this process's memory.
func (in *Initiator) dropSecrets() {
	in.private = nil
	in.opener = nil
	clear(in.offerKey)
	in.offerKey = nil
}
