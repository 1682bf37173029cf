package codes

import (
	"math/rand"
	"testing"
)

// handshakeSizes are the message sizes of the handshake steps (key,
// offer, hello, reply) and the ends of the range.
var handshakeSizes = []int{100, 120, 600, 1260, 1500, 1600}

// randomMessage returns n bytes that depend only on seed.
func randomMessage(t testing.TB, n int, seed int64) []byte {
	t.Helper()
	msg := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(msg)
	return msg
}
