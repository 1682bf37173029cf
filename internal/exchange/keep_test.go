package exchange

import (
	"errors"
	"testing"

	"github.com/mispbump/mispbump/internal/secret"
)

func TestKeepExistingKeys(t *testing.T) {
	r := newRun(t, "keep")
	r.toReply(t)
	offer, err := r.in.Offer(initiatorProfile(), secret.Key{})
	if err != nil {
		t.Fatalf("Offer without a key: %v", err)
	}
	_, key, err := r.re.ReadOffer(offer)
	if err != nil {
		t.Fatalf("ReadOffer of a keyless offer: %v", err)
	}
	if !key.IsZero() {
		t.Error("responder read a key from a keyless offer")
	}
	km, err := r.re.KeyMessage(secret.Key{})
	if err != nil {
		t.Fatalf("KeyMessage without a key: %v", err)
	}
	key, err = r.in.ReadKey(km)
	if err != nil {
		t.Fatalf("ReadKey of a keyless key message: %v", err)
	}
	if !key.IsZero() {
		t.Error("initiator read a key from a keyless key message")
	}
	codeI, _ := r.in.Code()
	codeR, _ := r.re.Code()
	if codeI == "" || codeI != codeR {
		t.Errorf("codes %q and %q", codeI, codeR)
	}
}

func TestMalformedKeyStillRejected(t *testing.T) {
	r := newRun(t, "short key")
	r.toReply(t)
	if _, err := r.in.Offer(initiatorProfile(), secret.New("short")); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Offer with a 5-character key: %v, want ErrInvalidKey", err)
	}
}
