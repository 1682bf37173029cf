package camera_test

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/secret"
)

// handshake holds the four messages of one real bump, in order.
type handshake struct {
	steps    [4]exchange.Step
	messages [4][]byte
}

// handshakeTime is the fixed clock of test handshakes.
var handshakeTime = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// newHandshake runs a bump between two in-memory parties and returns its
// messages, so tests scan codes of the real sizes. The parties draw
// their keys and nonces from fixed seeds and read a fixed clock, so
// every run scans the same codes.
func newHandshake(t testing.TB) handshake {
	t.Helper()
	now := func() time.Time { return handshakeTime }
	in, err := exchange.NewInitiator(exchange.Options{Rand: rand.NewChaCha8([32]byte{1}), Now: now})
	if err != nil {
		t.Fatalf("NewInitiator: %v", err)
	}
	re, err := exchange.NewResponder(exchange.Options{Rand: rand.NewChaCha8([32]byte{2}), Now: now})
	if err != nil {
		t.Fatalf("NewResponder: %v", err)
	}

	hello := in.Hello()
	if err := re.ReadHello(hello); err != nil {
		t.Fatalf("ReadHello: %v", err)
	}
	reply, err := re.Reply(responderProfile())
	if err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if _, err := in.ReadReply(reply); err != nil {
		t.Fatalf("ReadReply: %v", err)
	}
	offer, err := in.Offer(initiatorProfile(), secret.New("Ini7iatorKeyAAAABBBBCCCCDDDDEEEEFFFF0001"))
	if err != nil {
		t.Fatalf("Offer: %v", err)
	}
	if _, _, err := re.ReadOffer(offer); err != nil {
		t.Fatalf("ReadOffer: %v", err)
	}
	key, err := re.KeyMessage(secret.New("Resp0nderKeyGGGGHHHHIIIIJJJJKKKKLLLL0002"))
	if err != nil {
		t.Fatalf("KeyMessage: %v", err)
	}

	return handshake{
		steps:    [4]exchange.Step{exchange.StepHello, exchange.StepReply, exchange.StepOffer, exchange.StepKey},
		messages: [4][]byte{hello, reply, offer, key},
	}
}

// initiatorProfile and responderProfile are made-up organisations with
// every field filled, so the messages have their usual sizes.
func initiatorProfile() exchange.Profile {
	return exchange.Profile{
		OrgName:     "CERT Example One",
		OrgUUID:     "5b1f2a3c-4d5e-4f60-8a71-92b3c4d5e6f7",
		Description: "National CERT of Example One. Contact: cert@one.example.org",
		Nationality: "Luxembourg",
		Sector:      "Government",
		OrgType:     "CSIRT",
		URL:         "https://misp.one.example.org",
		SyncEmail:   "sync-two@one.example.org",
		Pull:        true,
		Push:        true,
		MISPVersion: "2.5.1",
	}
}

func responderProfile() exchange.Profile {
	pin := sha256.Sum256([]byte("responder certificate"))
	return exchange.Profile{
		OrgName:     "Example Two SOC",
		OrgUUID:     "0e9d8c7b-6a59-4847-b635-241302f1e0d9",
		Description: "Security operations of Example Two, sharing phishing and malware indicators.",
		Nationality: "Belgium",
		Sector:      "Financial services",
		OrgType:     "SOC",
		URL:         "https://misp.two.example.net:8443",
		SyncEmail:   "sync-one@two.example.net",
		TLSPin:      pin[:],
		Pull:        true,
		MISPVersion: "2.4.198",
	}
}
