package exchange

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// seededReader is a deterministic random source: block i of its output is
// SHA-256(seed || uint64 big-endian i). Test vectors use it so that a
// second implementation can regenerate the same random bytes.
type seededReader struct {
	seed    []byte
	counter uint64
	buf     []byte
}

func newSeededReader(seed string) *seededReader {
	return &seededReader{seed: []byte(seed)}
}

func (r *seededReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.buf) == 0 {
			h := sha256.New()
			h.Write(r.seed)
			h.Write(binary.BigEndian.AppendUint64(nil, r.counter))
			r.counter++
			r.buf = h.Sum(nil)
		}
		c := copy(p[n:], r.buf)
		r.buf = r.buf[c:]
		n += c
	}
	return n, nil
}

// testClock is a settable clock for Options.Now.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time          { return c.now }
func (c *testClock) advance(d time.Duration) { c.now = c.now.Add(d) }

// baseTime is the fixed start of every test handshake.
var baseTime = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// Made-up sync keys in MISP's format. They open nothing.
var (
	initiatorKey = secret.New("Ini7iatorKeyAAAABBBBCCCCDDDDEEEEFFFF0001")
	responderKey = secret.New("Resp0nderKeyGGGGHHHHIIIIJJJJKKKKLLLL0002")
)

func initiatorProfile() Profile {
	return Profile{
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

func responderProfile() Profile {
	pin := sha256.Sum256([]byte("responder certificate"))
	return Profile{
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

// run is one handshake between two in-memory parties.
type run struct {
	in                      *Initiator
	re                      *Responder
	inClock, reClock        *testClock
	hello, reply, offer, km []byte
	profileOfResponder      Profile
	profileOfInitiator      Profile
	keyAtResponder          secret.Key
	keyAtInitiator          secret.Key
}

// newRun creates both parties with deterministic randomness from seed.
// The responder's clock runs 20 seconds ahead, as clocks do.
func newRun(t testing.TB, seed string) *run {
	t.Helper()
	r := &run{
		inClock: &testClock{now: baseTime},
		reClock: &testClock{now: baseTime.Add(20 * time.Second)},
	}
	var err error
	r.in, err = NewInitiator(Options{Rand: newSeededReader(seed + " initiator"), Now: r.inClock.Now})
	if err != nil {
		t.Fatalf("NewInitiator: %v", err)
	}
	r.re, err = NewResponder(Options{Rand: newSeededReader(seed + " responder"), Now: r.reClock.Now})
	if err != nil {
		t.Fatalf("NewResponder: %v", err)
	}
	return r
}

// toReply runs hello and reply.
func (r *run) toReply(t testing.TB) {
	t.Helper()
	r.hello = r.in.Hello()
	if err := r.re.ReadHello(r.hello); err != nil {
		t.Fatalf("ReadHello: %v", err)
	}
	var err error
	r.reClock.advance(30 * time.Second)
	if r.reply, err = r.re.Reply(responderProfile()); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	r.inClock.advance(40 * time.Second)
	if r.profileOfResponder, err = r.in.ReadReply(r.reply); err != nil {
		t.Fatalf("ReadReply: %v", err)
	}
}

// toOffer runs the handshake up to the responder reading the offer.
func (r *run) toOffer(t testing.TB) {
	t.Helper()
	r.toReply(t)
	var err error
	r.inClock.advance(90 * time.Second)
	if r.offer, err = r.in.Offer(initiatorProfile(), initiatorKey); err != nil {
		t.Fatalf("Offer: %v", err)
	}
	r.reClock.advance(100 * time.Second)
	if r.profileOfInitiator, r.keyAtResponder, err = r.re.ReadOffer(r.offer); err != nil {
		t.Fatalf("ReadOffer: %v", err)
	}
}

// complete runs all four messages.
func (r *run) complete(t testing.TB) {
	t.Helper()
	r.toOffer(t)
	var err error
	r.reClock.advance(60 * time.Second)
	if r.km, err = r.re.KeyMessage(responderKey); err != nil {
		t.Fatalf("KeyMessage: %v", err)
	}
	r.inClock.advance(50 * time.Second)
	if r.keyAtInitiator, err = r.in.ReadKey(r.km); err != nil {
		t.Fatalf("ReadKey: %v", err)
	}
}

// flipBit returns a copy of msg with bit i flipped.
func flipBit(msg []byte, i int) []byte {
	out := clone(msg)
	out[i/8] ^= 1 << (i % 8)
	return out
}

// mustContainNone fails when text contains any of the secrets.
func mustContainNone(t *testing.T, source, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret: %q", source, text)
		}
	}
}
