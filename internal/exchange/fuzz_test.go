package exchange

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// The fuzz tests run on their seed corpus (the test vectors) with a plain
// go test. docs/protocol.md shows how to fuzz longer.

func fromVectorProfile(t testing.TB, p vectorProfile) Profile {
	return Profile{
		OrgName: p.OrgName, OrgUUID: p.OrgUUID, Description: p.Description,
		Nationality: p.Nationality, Sector: p.Sector, OrgType: p.OrgType,
		URL: p.URL, SyncEmail: p.SyncEmail, TLSPin: mustHex(t, p.TLSPin),
		Pull: p.Pull, Push: p.Push, MISPVersion: p.MISPVersion,
	}
}

// vectorParties rebuilds the parties of a vector up to the given step, so
// that the vector's next message opens with their keys.
type vectorParties struct {
	v     vector
	clock *testClock
	in    *Initiator
	re    *Responder
}

func newVectorParties(t testing.TB, v vector) *vectorParties {
	t.Helper()
	p := &vectorParties{v: v, clock: &testClock{now: time.Unix(v.HelloTime, 0)}}
	var err error
	if p.in, err = NewInitiator(Options{Rand: newSeededReader(v.InitiatorRandSeed), Now: p.clock.Now}); err != nil {
		t.Fatal(err)
	}
	if p.re, err = NewResponder(Options{Rand: newSeededReader(v.ResponderRandSeed), Now: p.clock.Now}); err != nil {
		t.Fatal(err)
	}
	return p
}

// responderAwaitingOffer returns a responder that has sent the vector's reply.
func (p *vectorParties) responderAwaitingOffer(t testing.TB) *Responder {
	t.Helper()
	if err := p.re.ReadHello(mustHex(t, p.v.Hello)); err != nil {
		t.Fatal(err)
	}
	p.clock.now = time.Unix(p.v.ReplyTime, 0)
	reply, err := p.re.Reply(fromVectorProfile(t, p.v.ResponderProfile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(reply, mustHex(t, p.v.Reply)) {
		t.Fatal("rebuilt responder produced a different reply than the vector")
	}
	p.clock.now = time.Unix(p.v.OfferTime, 0)
	return p.re
}

// initiatorAwaitingKey returns an initiator that has sent the vector's offer.
func (p *vectorParties) initiatorAwaitingKey(t testing.TB) *Initiator {
	t.Helper()
	p.clock.now = time.Unix(p.v.ReplyTime, 0)
	if _, err := p.in.ReadReply(mustHex(t, p.v.Reply)); err != nil {
		t.Fatal(err)
	}
	p.clock.now = time.Unix(p.v.OfferTime, 0)
	offer, err := p.in.Offer(fromVectorProfile(t, p.v.InitiatorProfile), secret.New(p.v.InitiatorSyncKey))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(offer, mustHex(t, p.v.Offer)) {
		t.Fatal("rebuilt initiator produced a different offer than the vector")
	}
	p.clock.now = time.Unix(p.v.KeyTime, 0)
	return p.in
}

// addMessages seeds the corpus with one message of every vector, given by
// pick, plus the message with its last byte cut off.
func addMessages(f *testing.F, pick func(vector) string) {
	for _, v := range loadVectors(f) {
		msg := mustHex(f, pick(v))
		f.Add(msg)
		f.Add(msg[:len(msg)-1])
	}
}

func FuzzInspect(f *testing.F) {
	for _, pick := range []func(vector) string{
		func(v vector) string { return v.Hello }, func(v vector) string { return v.Reply },
		func(v vector) string { return v.Offer }, func(v vector) string { return v.KeyMessage },
	} {
		addMessages(f, pick)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		h, err := Inspect(msg)
		if err != nil {
			if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrUnsupportedVersion) {
				t.Fatalf("Inspect error matches neither ErrDamaged nor ErrUnsupportedVersion: %v", err)
			}
			return
		}
		if h.Version != Version || h.Step < StepHello || h.Step > StepKey {
			t.Fatalf("Inspect accepted header %+v", h)
		}
	})
}

func FuzzReadHello(f *testing.F) {
	addMessages(f, func(v vector) string { return v.Hello })
	vectors := loadVectors(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		p := newVectorParties(t, vectors[0])
		p.clock.now = time.Unix(int64(0x7000_0000), 0)
		if len(msg) == helloSize {
			// Keep the fuzzed time near the clock so that more inputs
			// reach the public key parser.
			p.clock.now = time.Unix(int64(bytesToUint(msg[helloTimeOffset:helloPublicOffset])%(1<<40)), 0)
		}
		if err := p.re.ReadHello(msg); err != nil {
			return
		}
		if p.re.Session() != SessionID(msg[2:2+sessionSize]) {
			t.Fatal("session differs from the hello's commitment prefix")
		}
	})
}

func FuzzReadReply(f *testing.F) {
	addMessages(f, func(v vector) string { return v.Reply })
	vectors := loadVectors(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		p := newVectorParties(t, vectors[0])
		p.clock.now = time.Unix(vectors[0].ReplyTime, 0)
		profile, err := p.in.ReadReply(msg)
		if err != nil {
			return
		}
		if err := validateProfile(profile, true); err != nil {
			t.Fatalf("ReadReply returned an invalid profile: %v", err)
		}
	})
}

func FuzzReadOffer(f *testing.F) {
	addMessages(f, func(v vector) string { return v.Offer })
	vectors := loadVectors(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		re := newVectorParties(t, vectors[0]).responderAwaitingOffer(t)
		profile, key, err := re.ReadOffer(msg)
		if err != nil {
			return
		}
		if err := validateProfile(profile, true); err != nil {
			t.Fatalf("ReadOffer returned an invalid profile: %v", err)
		}
		if err := checkKey(key); err != nil {
			t.Fatalf("ReadOffer returned an invalid key: %v", err)
		}
	})
}

func FuzzReadKey(f *testing.F) {
	addMessages(f, func(v vector) string { return v.KeyMessage })
	vectors := loadVectors(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		in := newVectorParties(t, vectors[0]).initiatorAwaitingKey(t)
		key, err := in.ReadKey(msg)
		if err != nil {
			return
		}
		if err := checkKey(key); err != nil {
			t.Fatalf("ReadKey returned an invalid key: %v", err)
		}
	})
}

// The payload fuzzers reach the CBOR decoders directly, because the AEAD
// in front of them rejects almost every fuzzed message.

func FuzzDecodeProfile(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(mustHex(f, v.ReplyPayload))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeProfile(data)
		if err != nil {
			return
		}
		again, err := encodeProfile(p)
		if err != nil {
			t.Fatalf("decoded profile does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("profile encodes to %x, decoded from %x", again, data)
		}
	})
}

func FuzzDecodeOffer(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(mustHex(f, v.OfferPayload))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, key, nonce, err := decodeOffer(data)
		if err != nil {
			return
		}
		again, err := encodeOffer(p, key, nonce)
		if err != nil {
			t.Fatalf("decoded offer does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatal("offer payload does not encode back to the same bytes")
		}
	})
}

func FuzzDecodeKey(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(mustHex(f, v.KeyPayload))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sealed, key, err := decodeKey(data)
		if err != nil {
			return
		}
		again, err := encodeKey(sealed, key)
		if err != nil {
			t.Fatalf("decoded key payload does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatal("key payload does not encode back to the same bytes")
		}
	})
}

func bytesToUint(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}
