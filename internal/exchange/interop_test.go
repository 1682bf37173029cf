package exchange

import (
	"bytes"
	stdhpke "crypto/hpke"
	"testing"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// The tests in this file open and build messages with Go's crypto/hpke
// (MLKEM768X25519 is X-Wing, KEM id 0x647a), an implementation independent
// of circl, to show that the messages are standard HPKE.

func stdSuite() (stdhpke.KDF, stdhpke.AEAD) {
	return stdhpke.HKDFSHA256(), stdhpke.ChaCha20Poly1305()
}

// TestInteropOpenVectors opens the reply and the key message of every
// vector with crypto/hpke, checks the exported offer key, and opens the
// offer with x/crypto's ChaCha20-Poly1305.
func TestInteropOpenVectors(t *testing.T) {
	kdf, aead := stdSuite()
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			kem := stdhpke.MLKEM768X25519()
			if kem.ID() != uint16(kemID) {
				t.Fatalf("crypto/hpke KEM id %#x, want %#x", kem.ID(), uint16(kemID))
			}
			private, err := kem.NewPrivateKey(mustHex(t, v.InitiatorKeySeed))
			if err != nil {
				t.Fatal(err)
			}
			if got := private.PublicKey().Bytes(); !bytes.Equal(got, mustHex(t, v.InitiatorPublicKey)) {
				t.Fatal("crypto/hpke derives a different public key from the key seed")
			}

			reply := mustHex(t, v.Reply)
			recipient, err := stdhpke.NewRecipient(reply[headerSize:replyCipherOffset], private,
				kdf, aead, mustHex(t, v.HPKEInfo))
			if err != nil {
				t.Fatalf("NewRecipient: %v", err)
			}
			payload, err := recipient.Open(mustHex(t, v.ReplyAAD), reply[replyCipherOffset:])
			if err != nil {
				t.Fatalf("crypto/hpke cannot open the reply: %v", err)
			}
			if !bytes.Equal(payload, mustHex(t, v.ReplyPayload)) {
				t.Error("reply payload differs from the vector")
			}

			exported, err := recipient.Export(labelOfferKey, offerKeySize)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(exported, append(mustHex(t, v.OfferKey), mustHex(t, v.OfferNonce)...)) {
				t.Fatal("crypto/hpke exports a different offer key")
			}
			cipher, err := chacha20poly1305.New(exported[:32])
			if err != nil {
				t.Fatal(err)
			}
			offer := mustHex(t, v.Offer)
			payload, err = cipher.Open(nil, exported[32:], offer[headerSize:], mustHex(t, v.OfferAAD))
			if err != nil {
				t.Fatalf("x/crypto cannot open the offer: %v", err)
			}
			if !bytes.Equal(payload, mustHex(t, v.OfferPayload)) {
				t.Error("offer payload differs from the vector")
			}

			km := mustHex(t, v.KeyMessage)
			payload, err = recipient.Open(mustHex(t, v.KeyAAD), km[headerSize:])
			if err != nil {
				t.Fatalf("crypto/hpke cannot open the key message: %v", err)
			}
			if !bytes.Equal(payload, mustHex(t, v.KeyPayload)) {
				t.Error("key payload differs from the vector")
			}
		})
	}
}

// TestInteropReplyFromStdlib builds a reply with crypto/hpke and has the
// circl-based Initiator read it, the other direction of the check.
func TestInteropReplyFromStdlib(t *testing.T) {
	kdf, aead := stdSuite()
	clock := &testClock{now: baseTime}
	in, err := NewInitiator(Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hello := in.Hello()
	public, err := stdhpke.MLKEM768X25519().NewPublicKey(hello[helloPublicOffset:])
	if err != nil {
		t.Fatalf("crypto/hpke rejects the hello's public key: %v", err)
	}
	enc, sender, err := stdhpke.NewSender(public, kdf, aead, hpkeInfo(hello))
	if err != nil {
		t.Fatal(err)
	}

	profile := mustPrepare(t, responderProfile())
	profile.Time = clock.now.Add(10 * time.Second)
	payload, err := encodeProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	reply := appendHeader(nil, StepReply, in.Session())
	reply = append(reply, enc...)
	sealed, err := sender.Seal(transcriptHash(hello, reply), payload)
	if err != nil {
		t.Fatal(err)
	}
	reply = append(reply, sealed...)

	got, err := in.ReadReply(reply)
	if err != nil {
		t.Fatalf("Initiator rejects a reply sealed by crypto/hpke: %v", err)
	}
	if got.OrgUUID != profile.OrgUUID || got.URL != profile.URL {
		t.Errorf("profile read back as %+v", got)
	}
	exported, err := sender.Export(labelOfferKey, offerKeySize)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(exported, in.offerKey) {
		t.Error("crypto/hpke sender and circl receiver export different offer keys")
	}
}
