package exchange

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHandshakeRoundTrip(t *testing.T) {
	r := newRun(t, "round trip")
	r.complete(t)

	wantR, err := PrepareProfile(responderProfile())
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	wantR.Time = baseTime.Add(50 * time.Second)
	if !reflect.DeepEqual(r.profileOfResponder, wantR) {
		t.Errorf("initiator read profile\n%+v\nwant\n%+v", r.profileOfResponder, wantR)
	}
	wantI, err := PrepareProfile(initiatorProfile())
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	wantI.Time = baseTime.Add(130 * time.Second)
	if !reflect.DeepEqual(r.profileOfInitiator, wantI) {
		t.Errorf("responder read profile\n%+v\nwant\n%+v", r.profileOfInitiator, wantI)
	}
	if !r.keyAtResponder.Equal(initiatorKey) {
		t.Error("responder did not receive the initiator's key")
	}
	if !r.keyAtInitiator.Equal(responderKey) {
		t.Error("initiator did not receive the responder's key")
	}

	codeI, errI := r.in.Code()
	codeR, errR := r.re.Code()
	if errI != nil || errR != nil {
		t.Fatalf("Code: %v, %v", errI, errR)
	}
	if codeI != codeR {
		t.Errorf("codes differ between honest parties: %q and %q", codeI, codeR)
	}
	if !regexp.MustCompile(`^[0-9]{4} [0-9]{4}$`).MatchString(codeI) {
		t.Errorf("code %q is not two groups of four digits", codeI)
	}
}

func TestHandshakeSizes(t *testing.T) {
	r := newRun(t, "sizes")
	r.complete(t)
	budgets := []struct {
		step  Step
		msg   []byte
		limit int
	}{
		{StepHello, r.hello, 1260},
		{StepReply, r.reply, 1600},
		{StepOffer, r.offer, 600},
		{StepKey, r.km, 120},
	}
	for _, b := range budgets {
		if len(b.msg) > b.limit {
			t.Errorf("%s is %d bytes, budget %d", b.step, len(b.msg), b.limit)
		}
	}
	if len(r.hello) != helloSize {
		t.Errorf("hello is %d bytes, want %d", len(r.hello), helloSize)
	}
}

// TestHandshakeSizesLargestProfile fills every field to its limit: the
// budgets must hold for any profile, not only typical ones.
func TestHandshakeSizesLargestProfile(t *testing.T) {
	big := Profile{
		OrgName:     strings.Repeat("N", MaxOrgNameLen),
		OrgUUID:     "5b1f2a3c-4d5e-4f60-8a71-92b3c4d5e6f7",
		Description: strings.Repeat("d", 5000),
		Nationality: strings.Repeat("n", 500),
		Sector:      strings.Repeat("s", 500),
		OrgType:     strings.Repeat("t", 500),
		URL:         "https://" + strings.Repeat("h", MaxURLLen-len("https://")),
		SyncEmail:   strings.Repeat("e", MaxSyncEmailLen-len("@x.org")) + "@x.org",
		TLSPin:      make([]byte, 32),
		Pull:        true,
		Push:        true,
		MISPVersion: strings.Repeat("9", MaxMISPVersionLen),
	}

	r := newRun(t, "largest")
	r.hello = r.in.Hello()
	if err := r.re.ReadHello(r.hello); err != nil {
		t.Fatalf("ReadHello: %v", err)
	}

	reply, err := r.re.Reply(big)
	if err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if len(reply) > 1600 {
		t.Errorf("reply with the largest profile is %d bytes, budget 1600", len(reply))
	}
	got, err := r.in.ReadReply(reply)
	if err != nil {
		t.Fatalf("ReadReply: %v", err)
	}
	if got.OrgName != big.OrgName || got.URL != big.URL || got.SyncEmail != big.SyncEmail {
		t.Error("an identifying field changed on the way")
	}

	offer, err := r.in.Offer(big, initiatorKey)
	if err != nil {
		t.Fatalf("Offer: %v", err)
	}
	if len(offer) > 600 {
		t.Errorf("offer with the largest profile is %d bytes, budget 600", len(offer))
	}
	if _, _, err := r.re.ReadOffer(offer); err != nil {
		t.Fatalf("ReadOffer: %v", err)
	}
}

// TestCodeIgnoresOfferContent shows that the code depends on the nonce
// but on nothing else in the offer, which a man in the middle could
// re-seal at will.
func TestCodeIgnoresOfferContent(t *testing.T) {
	codes := map[string]bool{}
	for _, name := range []string{"first", "second"} {
		r := newRun(t, "same seed")
		r.toReply(t)
		p := initiatorProfile()
		p.Description = "offer variant " + name
		if _, err := r.in.Offer(p, initiatorKey); err != nil {
			t.Fatalf("Offer: %v", err)
		}
		code, err := r.in.Code()
		if err != nil {
			t.Fatalf("Code: %v", err)
		}
		codes[code] = true
	}
	if len(codes) != 1 {
		t.Errorf("different offer contents gave %d different codes, want 1", len(codes))
	}
}

// mitm is a man in the middle: a responder facing the initiator and an
// initiator facing the responder, relaying the keys it learns.
func runMITM(t *testing.T, seed string) (codeI, codeR string) {
	t.Helper()
	honest := newRun(t, seed)
	clock := &testClock{now: baseTime}
	toI, err := NewResponder(Options{Rand: newSeededReader(seed + " mitm responder"), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	toR, err := NewInitiator(Options{Rand: newSeededReader(seed + " mitm initiator"), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}

	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must(toI.ReadHello(honest.in.Hello()), "mitm ReadHello")
	must(honest.re.ReadHello(toR.Hello()), "responder ReadHello")
	reply, err := honest.re.Reply(responderProfile())
	must(err, "responder Reply")
	seenR, err := toR.ReadReply(reply)
	must(err, "mitm ReadReply")
	fakeReply, err := toI.Reply(seenR)
	must(err, "mitm Reply")
	seenI, err := honest.in.ReadReply(fakeReply)
	must(err, "initiator ReadReply")
	offer, err := honest.in.Offer(initiatorProfile(), initiatorKey)
	must(err, "initiator Offer")
	_, stolen, err := toI.ReadOffer(offer)
	must(err, "mitm ReadOffer")
	fakeOffer, err := toR.Offer(seenI, stolen)
	must(err, "mitm Offer")
	_, _, err = honest.re.ReadOffer(fakeOffer)
	must(err, "responder ReadOffer")

	codeI, err = honest.in.Code()
	must(err, "initiator Code")
	codeR, err = honest.re.Code()
	must(err, "responder Code")
	return codeI, codeR
}

func TestManInTheMiddleChangesCode(t *testing.T) {
	for i := range 20 {
		seed := "mitm " + string(rune('a'+i))
		codeI, codeR := runMITM(t, seed)
		if codeI == codeR {
			t.Errorf("seed %q: codes match despite a man in the middle: %s", seed, codeI)
		}
	}
}

func TestSubstitutedHelloRejected(t *testing.T) {
	r := newRun(t, "substituted hello")
	other := newRun(t, "attacker")
	if err := r.re.ReadHello(other.in.Hello()); err != nil {
		t.Fatalf("ReadHello: %v", err)
	}
	reply, err := r.re.Reply(responderProfile())
	if err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if _, err := r.in.ReadReply(reply); !errors.Is(err, ErrOtherSession) {
		t.Errorf("reply to a substituted hello: got %v, want ErrOtherSession", err)
	}
}

// TestSubstitutedReplyRejected: the attacker replies to the initiator's
// hello itself, but cannot seal an offer that the real responder opens.
func TestSubstitutedReplyRejected(t *testing.T) {
	r := newRun(t, "substituted reply")
	attacker, err := NewResponder(Options{Rand: newSeededReader("attacker"), Now: r.reClock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hello := r.in.Hello()
	if err := r.re.ReadHello(hello); err != nil {
		t.Fatalf("ReadHello: %v", err)
	}
	if err := attacker.ReadHello(hello); err != nil {
		t.Fatalf("attacker ReadHello: %v", err)
	}

	if _, err := r.re.Reply(responderProfile()); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	fake, err := attacker.Reply(responderProfile())
	if err != nil {
		t.Fatalf("attacker Reply: %v", err)
	}
	if _, err := r.in.ReadReply(fake); err != nil {
		t.Fatalf("ReadReply of the attacker's reply: %v", err)
	}

	offer, err := r.in.Offer(initiatorProfile(), initiatorKey)
	if err != nil {
		t.Fatalf("Offer: %v", err)
	}
	if _, _, err := r.re.ReadOffer(offer); !errors.Is(err, ErrDamaged) {
		t.Errorf("offer sealed for the attacker: got %v, want ErrDamaged", err)
	}
	if _, err := r.re.Code(); err == nil {
		t.Error("responder shows a code although it never read a valid offer")
	}
}
