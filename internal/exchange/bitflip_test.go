package exchange

import (
	"testing"
)

// TestBitFlipHelloRejected flips every bit of the hello. The responder
// cannot authenticate a hello on its own. A flip that it accepts must
// therefore make the initiator reject the reply built on it.
func TestBitFlipHelloRejected(t *testing.T) {
	r := newRun(t, "flip hello")
	hello := r.in.Hello()
	acceptedByResponder := 0
	for bit := range 8 * len(hello) {
		flipped := flipBit(hello, bit)
		re, err := NewResponder(Options{Rand: newSeededReader("flip"), Now: r.reClock.Now})
		if err != nil {
			t.Fatal(err)
		}
		if err := re.ReadHello(flipped); err != nil {
			continue
		}
		acceptedByResponder++
		reply, err := re.Reply(responderProfile())
		if err != nil {
			t.Fatalf("bit %d: Reply: %v", bit, err)
		}
		if _, err := r.in.ReadReply(reply); err == nil {
			t.Fatalf("bit %d: initiator accepted a reply to a damaged hello", bit)
		}
	}
	t.Logf("%d of %d flipped hellos passed ReadHello and failed at ReadReply",
		acceptedByResponder, 8*len(hello))

	// The initiator is untouched by all those failures.
	r.toReply(t)
}

func TestBitFlipReplyRejected(t *testing.T) {
	r := newRun(t, "flip reply")
	r.hello = r.in.Hello()
	if err := r.re.ReadHello(r.hello); err != nil {
		t.Fatal(err)
	}
	reply, err := r.re.Reply(responderProfile())
	if err != nil {
		t.Fatal(err)
	}
	for bit := range 8 * len(reply) {
		if _, err := r.in.ReadReply(flipBit(reply, bit)); err == nil {
			t.Fatalf("bit %d: flipped reply accepted", bit)
		}
	}
	if _, err := r.in.ReadReply(reply); err != nil {
		t.Fatalf("intact reply rejected after the flips: %v", err)
	}
}

func TestBitFlipOfferRejected(t *testing.T) {
	r := newRun(t, "flip offer")
	r.toReply(t)
	offer, err := r.in.Offer(initiatorProfile(), initiatorKey)
	if err != nil {
		t.Fatal(err)
	}
	for bit := range 8 * len(offer) {
		if _, _, err := r.re.ReadOffer(flipBit(offer, bit)); err == nil {
			t.Fatalf("bit %d: flipped offer accepted", bit)
		}
	}
	if _, _, err := r.re.ReadOffer(offer); err != nil {
		t.Fatalf("intact offer rejected after the flips: %v", err)
	}
}

func TestBitFlipKeyRejected(t *testing.T) {
	r := newRun(t, "flip key")
	r.toOffer(t)
	km, err := r.re.KeyMessage(responderKey)
	if err != nil {
		t.Fatal(err)
	}
	for bit := range 8 * len(km) {
		if _, err := r.in.ReadKey(flipBit(km, bit)); err == nil {
			t.Fatalf("bit %d: flipped key message accepted", bit)
		}
	}
	if _, err := r.in.ReadKey(km); err != nil {
		t.Fatalf("intact key message rejected after the flips: %v", err)
	}
}
