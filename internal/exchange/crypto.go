package exchange

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"

	"github.com/cloudflare/circl/hpke"
)

// suite is the HPKE cipher suite of protocol version 1: X-Wing (0x647a),
// HKDF-SHA256 (0x0001), ChaCha20-Poly1305 (0x0003). ChaCha20-Poly1305 is
// constant time on every CPU, with or without AES instructions.
var suite = hpke.NewSuite(kemID, kdfID, aeadID)

const (
	kemID  = hpke.KEM_XWING
	kdfID  = hpke.KDF_HKDF_SHA256
	aeadID = hpke.AEAD_ChaCha20Poly1305
)

// Domain separation labels. Each hash or derived key has its own label, so
// no value computed for one purpose can stand in for another.
const (
	labelCommitment = "mispbump v1 commitment"
	labelTranscript = "mispbump v1 transcript"
	labelInfo       = "mispbump v1 hpke info, responder to initiator"
	labelOfferKey   = "mispbump v1 offer key, initiator to responder"
	labelCode       = "mispbump v1 confirmation code"
)

// offerKeySize is the ChaCha20-Poly1305 key (32 bytes) and nonce (12
// bytes) exported from the HPKE context for the offer.
const offerKeySize = 32 + 12

// commitTo returns SHA-256(labelCommitment || nonce). The nonce is 32
// random bytes, so the hash hides it, and collision resistance binds the
// initiator to it.
func commitTo(nonce []byte) [commitmentSize]byte {
	h := sha256.New()
	h.Write([]byte(labelCommitment))
	h.Write(nonce)
	return [commitmentSize]byte(h.Sum(nil))
}

// opensCommitment compares in constant time, although the commitment is
// public, so that no timing question arises.
func opensCommitment(commitment [commitmentSize]byte, nonce []byte) bool {
	c := commitTo(nonce)
	return subtle.ConstantTimeCompare(c[:], commitment[:]) == 1
}

// transcriptHash returns SHA-256 over the label and each part preceded by
// its length as a 32-bit big-endian integer. The length prefixes make the
// split between parts unambiguous.
func transcriptHash(parts ...[]byte) []byte {
	h := sha256.New()
	h.Write([]byte(labelTranscript))
	for _, part := range parts {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return h.Sum(nil)
}

// hpkeInfo binds the HPKE context to the whole hello: version, step,
// commitment, time and public key.
func hpkeInfo(hello []byte) []byte {
	return append([]byte(labelInfo), transcriptHash(hello)...)
}

// codeDigits is the length of the confirmation code. Eight decimal digits
// carry log2(10^8) ≈ 26.6 bits.
const codeDigits = 8

// confirmationCode derives the code from the hello, the reply and the
// nonce revealed in the offer, and from nothing else. The rest of the
// offer and the key message stay out: a man in the middle can re-seal
// those after seeing the nonce, and could then try variants until the
// codes matched. The result is eight digits in two groups of four, such
// as "0427 9136": digits read aloud the same way in every language and
// need no word list.
func confirmationCode(hello, reply, nonce []byte) string {
	h := sha256.New()
	h.Write([]byte(labelCode))
	for _, part := range [][]byte{hello, reply, nonce} {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	sum := h.Sum(nil)

	// 2^64 / 10^8 leaves a bias below 10^-11, far under the attacker's
	// success probability of 10^-8.
	value := binary.BigEndian.Uint64(sum[:8]) % 100_000_000
	digits := fmt.Sprintf("%0*d", codeDigits, value)
	return digits[:4] + " " + digits[4:]
}

// sealOffer encrypts the offer payload with the exported key and nonce.
// The key seals exactly one message, so a fixed nonce is safe.
func sealOffer(offerKey, payload, aad []byte) ([]byte, error) {
	aead, err := aeadID.New(offerKey[:32])
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, offerKey[32:], payload, aad), nil
}

// openOffer decrypts the offer payload.
func openOffer(offerKey, ciphertext, aad []byte) ([]byte, error) {
	aead, err := aeadID.New(offerKey[:32])
	if err != nil {
		return nil, err
	}
	return aead.Open(nil, offerKey[32:], ciphertext, aad)
}
