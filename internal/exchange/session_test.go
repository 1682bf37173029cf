package exchange

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

func TestOwnMessageRejected(t *testing.T) {
	r := newRun(t, "own")
	r.complete(t)
	fresh := newRun(t, "own")
	fresh.toReply(t)

	if _, err := fresh.in.ReadReply(fresh.hello); !errors.Is(err, ErrOwnMessage) {
		t.Errorf("initiator fed its hello: got %v, want ErrOwnMessage", err)
	}
	if _, _, err := r.re.ReadOffer(r.reply); !errors.Is(err, ErrOwnMessage) {
		t.Errorf("responder fed its reply: got %v, want ErrOwnMessage", err)
	}
	if _, _, err := r.re.ReadOffer(r.km); !errors.Is(err, ErrOwnMessage) {
		t.Errorf("responder fed its key message: got %v, want ErrOwnMessage", err)
	}
	if _, err := r.in.ReadKey(r.offer); !errors.Is(err, ErrOwnMessage) {
		t.Errorf("initiator fed its offer: got %v, want ErrOwnMessage", err)
	}
	if !strings.Contains(ErrOwnMessage.Error(), "your own code") {
		t.Errorf("message %q does not say it is the own code", ErrOwnMessage)
	}
}

func TestOtherSessionRejected(t *testing.T) {
	a := newRun(t, "session a")
	a.toReply(t)
	b := newRun(t, "session b")
	b.complete(t)

	if _, err := a.in.ReadKey(b.km); !errors.Is(err, ErrOtherSession) {
		t.Errorf("key message of another bump: got %v, want ErrOtherSession", err)
	}
	if _, err := newRun(t, "session a").in.ReadReply(b.reply); !errors.Is(err, ErrOtherSession) {
		t.Errorf("reply of another bump: got %v, want ErrOtherSession", err)
	}
	if err := a.re.ReadHello(b.hello); !errors.Is(err, ErrOtherSession) {
		t.Errorf("hello of another bump after a hello: got %v, want ErrOtherSession", err)
	}
	if _, _, err := a.re.ReadOffer(b.offer); !errors.Is(err, ErrOtherSession) {
		t.Errorf("offer of another bump: got %v, want ErrOtherSession", err)
	}
}

func TestReplayRejected(t *testing.T) {
	r := newRun(t, "replay")
	r.complete(t)
	if err := r.re.ReadHello(r.hello); !errors.Is(err, ErrReplay) {
		t.Errorf("hello again: got %v, want ErrReplay", err)
	}
	if _, err := r.in.ReadReply(r.reply); !errors.Is(err, ErrReplay) {
		t.Errorf("reply again: got %v, want ErrReplay", err)
	}
	if _, _, err := r.re.ReadOffer(r.offer); !errors.Is(err, ErrReplay) {
		t.Errorf("offer again: got %v, want ErrReplay", err)
	}
	if _, err := r.in.ReadKey(r.km); !errors.Is(err, ErrReplay) {
		t.Errorf("key message again: got %v, want ErrReplay", err)
	}
}

func TestOutOfOrderRejected(t *testing.T) {
	done := newRun(t, "order")
	done.complete(t)

	cases := []struct {
		name      string
		read      func() error
		got, want Step
	}{
		{"responder gets offer first", func() error {
			_, _, err := newRun(t, "order").re.ReadOffer(done.offer)
			return err
		}, StepOffer, StepHello},
		{"responder gets key message first", func() error {
			_, _, err := newRun(t, "order").re.ReadOffer(done.km)
			return err
		}, StepKey, StepHello},
		{"initiator gets key before reply", func() error {
			_, err := newRun(t, "order").in.ReadReply(done.km)
			return err
		}, StepKey, StepReply},
		{"responder gets hello instead of offer", func() error {
			r := newRun(t, "order")
			r.toReply(t)
			_, _, err := r.re.ReadOffer(flipBit(r.hello, 8*headerSize))
			return err
		}, StepHello, StepOffer},
		{"initiator gets another initiator's hello", func() error {
			_, err := newRun(t, "order").in.ReadReply(newRun(t, "someone else").in.Hello())
			return err
		}, StepHello, StepReply},
	}
	for _, c := range cases {
		err := c.read()
		var se *StepError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want a *StepError", c.name, err)
			continue
		}
		if se.Got != c.got || se.Want != c.want {
			t.Errorf("%s: StepError{Got: %s, Want: %s}, want {%s, %s}", c.name, se.Got, se.Want, c.got, c.want)
		}
		if !errors.Is(err, ErrWrongStep) {
			t.Errorf("%s: does not match ErrWrongStep", c.name)
		}
	}

	msg := (&StepError{Got: StepOffer, Want: StepReply}).Error()
	if !strings.HasPrefix(msg, "this code is step 3 (offer), but step 2 (reply) is expected") {
		t.Errorf("StepError message = %q", msg)
	}
}

func TestCallsOutOfOrderRejected(t *testing.T) {
	r := newRun(t, "calls")
	if _, err := r.in.Offer(initiatorProfile(), initiatorKey); !errors.Is(err, ErrCallOrder) {
		t.Errorf("Offer before ReadReply: got %v, want ErrCallOrder", err)
	}
	if _, err := r.in.Code(); !errors.Is(err, ErrCallOrder) {
		t.Errorf("initiator Code before Offer: got %v, want ErrCallOrder", err)
	}
	if _, err := r.re.Reply(responderProfile()); !errors.Is(err, ErrCallOrder) {
		t.Errorf("Reply before ReadHello: got %v, want ErrCallOrder", err)
	}
	if _, err := r.re.KeyMessage(responderKey); !errors.Is(err, ErrCallOrder) {
		t.Errorf("KeyMessage before ReadOffer: got %v, want ErrCallOrder", err)
	}
	r.toReply(t)
	if _, err := r.re.Code(); !errors.Is(err, ErrCallOrder) {
		t.Errorf("responder Code before ReadOffer: got %v, want ErrCallOrder", err)
	}
	if _, err := r.re.Reply(responderProfile()); !errors.Is(err, ErrCallOrder) {
		t.Errorf("second Reply: got %v, want ErrCallOrder", err)
	}
}

func TestExpiredSessionRejected(t *testing.T) {
	r := newRun(t, "expired")
	r.hello = r.in.Hello()
	if err := r.re.ReadHello(r.hello); err != nil {
		t.Fatal(err)
	}
	reply, err := r.re.Reply(responderProfile())
	if err != nil {
		t.Fatal(err)
	}
	r.inClock.advance(15*time.Minute + time.Second)
	_, err = r.in.ReadReply(reply)
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("reply after 15 minutes: got %v, want ErrExpired", err)
	}
	if want := "the session expired after 15 minutes: start a new bump"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	r.inClock.advance(-time.Hour)
	if _, err := r.in.ReadReply(reply); !errors.Is(err, ErrExpired) {
		t.Errorf("an expired session came back when the clock went back: %v", err)
	}
	if r.in.private != nil {
		t.Error("initiator kept its private key after expiring")
	}

	late := newRun(t, "late")
	late.reClock.advance(21 * time.Minute)
	if err := late.re.ReadHello(late.in.Hello()); !errors.Is(err, ErrExpired) {
		t.Errorf("hello read 21 minutes later: got %v, want ErrExpired", err)
	}

	offerLate := newRun(t, "offer late")
	offerLate.toReply(t)
	if _, err := offerLate.in.Offer(initiatorProfile(), initiatorKey); err != nil {
		t.Fatal(err)
	}
	offerLate.reClock.advance(20 * time.Minute)
	if _, _, err := offerLate.re.ReadOffer(offerLate.in.messages[StepOffer]); !errors.Is(err, ErrExpired) {
		t.Errorf("offer read 20 minutes later: got %v, want ErrExpired", err)
	}
}

func TestShortLifetimeOption(t *testing.T) {
	clock := &testClock{now: baseTime}
	in, err := NewInitiator(Options{Now: clock.Now, Lifetime: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(2*time.Minute + time.Second)
	_, err = in.ReadReply(newRun(t, "x").in.Hello())
	if !errors.Is(err, ErrExpired) || !strings.Contains(err.Error(), "after 2 minutes") {
		t.Errorf("got %v, want expiry after 2 minutes", err)
	}
}

func TestClockSkewRejected(t *testing.T) {
	r := newRun(t, "skew")
	r.reClock.advance(-10 * time.Minute)
	err := r.re.ReadHello(r.in.Hello())
	if !errors.Is(err, ErrClockSkew) {
		t.Fatalf("hello from 10 minutes ahead: got %v, want ErrClockSkew", err)
	}
	if !strings.Contains(err.Error(), "9m40s ahead of") {
		t.Errorf("message does not say how far ahead: %v", err)
	}

	// Within the default skew of five minutes the hello is accepted.
	ok := newRun(t, "skew ok")
	ok.reClock.advance(-4 * time.Minute)
	if err := ok.re.ReadHello(ok.in.Hello()); err != nil {
		t.Errorf("hello from 4 minutes ahead: %v", err)
	}

	// A reply sealed by a clock 10 minutes ahead of the initiator's.
	ahead := newRun(t, "reply ahead")
	ahead.hello = ahead.in.Hello()
	if err := ahead.re.ReadHello(ahead.hello); err != nil {
		t.Fatal(err)
	}
	ahead.reClock.advance(10 * time.Minute)
	reply, err := ahead.re.Reply(responderProfile())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ahead.in.ReadReply(reply); !errors.Is(err, ErrClockSkew) {
		t.Errorf("reply sealed 10 minutes ahead: got %v, want ErrClockSkew", err)
	}
}

func TestWrongCommitmentRejected(t *testing.T) {
	r := newRun(t, "commitment")
	r.toReply(t)
	honestNonce := clone(r.in.nonce)
	r.in.nonce[0] ^= 1
	offer, err := r.in.Offer(initiatorProfile(), initiatorKey)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.re.ReadOffer(offer)
	if !errors.Is(err, ErrCommitment) {
		t.Fatalf("offer with a wrong nonce: got %v, want ErrCommitment", err)
	}

	// The session stays aborted, even for an offer with the right nonce.
	r.in.nonce = honestNonce
	r.in.state = initiatorReplyRead
	good, err := r.in.Offer(initiatorProfile(), initiatorKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.re.ReadOffer(good); !errors.Is(err, ErrCommitment) {
		t.Errorf("offer after a commitment mismatch: got %v, want ErrCommitment", err)
	}
}

func TestUnsupportedVersionRejected(t *testing.T) {
	r := newRun(t, "version")
	hello := r.in.Hello()
	hello[0] = 2
	err := r.re.ReadHello(hello)
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Got != 2 {
		t.Fatalf("hello of version 2: got %v, want a *VersionError", err)
	}
	if !errors.Is(err, ErrUnsupportedVersion) {
		t.Error("VersionError does not match ErrUnsupportedVersion")
	}
	if !strings.Contains(err.Error(), "supports version 1") {
		t.Errorf("message does not name the supported versions: %v", err)
	}
}

func TestInspectEveryStep(t *testing.T) {
	r := newRun(t, "inspect")
	r.complete(t)
	for step, msg := range map[Step][]byte{StepHello: r.hello, StepReply: r.reply, StepOffer: r.offer, StepKey: r.km} {
		h, err := Inspect(msg)
		if err != nil {
			t.Errorf("Inspect(%s): %v", step, err)
			continue
		}
		if h.Version != Version || h.Step != step || h.Session != r.in.Session() {
			t.Errorf("Inspect(%s) = %+v, want version %d, step %s, session %s",
				step, h, Version, step, r.in.Session())
		}
	}
	if r.re.Session() != r.in.Session() {
		t.Errorf("sessions differ: %s and %s", r.re.Session(), r.in.Session())
	}

	damagedCases := map[string][]byte{
		"empty":           nil,
		"short":           r.hello[:5],
		"unknown step":    append([]byte{1, 9}, r.hello[2:]...),
		"truncated hello": r.hello[:len(r.hello)-1],
		"long key":        append(clone(r.km), make([]byte, 100)...),
		"text":            []byte("this is not a code at all"),
	}
	for name, msg := range damagedCases {
		if _, err := Inspect(msg); !errors.Is(err, ErrDamaged) {
			t.Errorf("Inspect(%s): got %v, want ErrDamaged", name, err)
		}
	}
	if got := StepOffer.String(); got != "offer" {
		t.Errorf("StepOffer.String() = %q", got)
	}
}

func TestInvalidKeyRejected(t *testing.T) {
	// An empty key is valid: it means "keep the key you have".
	bad := []secret.Key{
		secret.New(strings.Repeat("a", 39)),
		secret.New(strings.Repeat("a", 41)),
		secret.New(strings.Repeat("a", 39) + "-"),
		secret.New(strings.Repeat("ä", 20)),
	}
	for _, key := range bad {
		r := newRun(t, "keys")
		r.toReply(t)
		_, err := r.in.Offer(initiatorProfile(), key)
		if !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Offer with a malformed key: got %v, want ErrInvalidKey", err)
			continue
		}
		mustContainNone(t, "Offer error", err.Error(), key.Reveal())
	}

	r := newRun(t, "keys")
	r.toOffer(t)
	if _, err := r.re.KeyMessage(secret.New("short")); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("KeyMessage with a malformed key: got %v, want ErrInvalidKey", err)
	}
}

// TestSecretsNeverPrinted prints both parties every way fmt and slog can,
// mid-handshake while they hold keys, and looks for the secrets.
func TestSecretsNeverPrinted(t *testing.T) {
	r := newRun(t, "print")
	r.toOffer(t)
	seed := make([]byte, 32)
	_, _ = newSeededReader("print initiator").Read(seed)
	secrets := []string{
		initiatorKey.Reveal(), responderKey.Reveal(),
		hex.EncodeToString(seed), hex.EncodeToString(r.re.offerKey),
	}

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Debug("state", "initiator", r.in, "responder", r.re, "value", *r.in)
	outputs := []string{
		fmt.Sprintf("%v %+v %#v %s %x %q", r.in, r.in, r.in, r.in, r.in, r.in),
		fmt.Sprintf("%v %+v %#v %s %x %q", r.re, r.re, r.re, r.re, r.re, r.re),
		fmt.Sprintf("%+v %#v", *r.in, *r.re),
		logs.String(),
	}
	for _, out := range outputs {
		mustContainNone(t, "printed party", out, secrets...)
		if !strings.Contains(out, "exchange.") {
			t.Errorf("printed party lacks the summary: %q", out)
		}
	}
}

// TestLoggerRecordsNoKeys runs a handshake with a debug logger and checks
// that the records name steps and sessions but no key.
func TestLoggerRecordsNoKeys(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := newRun(t, "logs")
	r.in.opts.Logger = logger
	r.re.opts.Logger = logger
	r.complete(t)
	_, _ = r.in.ReadKey(r.km) // a replay, logged as rejected

	out := logs.String()
	if !strings.Contains(out, "bump message accepted") || !strings.Contains(out, "bump message rejected") {
		t.Errorf("log lacks accepted and rejected records:\n%s", out)
	}
	if !strings.Contains(out, r.in.Session().String()) {
		t.Errorf("log lacks the session id:\n%s", out)
	}
	mustContainNone(t, "log", out, initiatorKey.Reveal(), responderKey.Reveal())
}
