package exchange

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json from the fixed seeds")

const vectorsPath = "testdata/vectors.json"

// vectorFile is the layout of testdata/vectors.json. docs/protocol.md
// explains each field.
type vectorFile struct {
	Comment string   `json:"comment"`
	KEM     int      `json:"kem_id"`
	KDF     int      `json:"kdf_id"`
	AEAD    int      `json:"aead_id"`
	Vectors []vector `json:"vectors"`
}

type vectorProfile struct {
	OrgName     string `json:"org_name"`
	OrgUUID     string `json:"org_uuid"`
	Description string `json:"description,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Sector      string `json:"sector,omitempty"`
	OrgType     string `json:"org_type,omitempty"`
	URL         string `json:"url"`
	SyncEmail   string `json:"sync_email"`
	TLSPin      string `json:"tls_pin,omitempty"`
	Pull        bool   `json:"pull"`
	Push        bool   `json:"push"`
	MISPVersion string `json:"misp_version,omitempty"`
}

type vector struct {
	Name               string        `json:"name"`
	InitiatorRandSeed  string        `json:"initiator_rand_seed"`
	ResponderRandSeed  string        `json:"responder_rand_seed"`
	InitiatorKeySeed   string        `json:"initiator_key_seed"`
	InitiatorNonce     string        `json:"initiator_nonce"`
	EncapsulationSeed  string        `json:"encapsulation_seed"`
	InitiatorPublicKey string        `json:"initiator_public_key"`
	Commitment         string        `json:"commitment"`
	Session            string        `json:"session"`
	HelloTime          int64         `json:"hello_time"`
	ReplyTime          int64         `json:"reply_time"`
	OfferTime          int64         `json:"offer_time"`
	KeyTime            int64         `json:"key_time"`
	ResponderProfile   vectorProfile `json:"responder_profile"`
	InitiatorProfile   vectorProfile `json:"initiator_profile"`
	InitiatorSyncKey   string        `json:"initiator_sync_key"`
	ResponderSyncKey   string        `json:"responder_sync_key"`
	Hello              string        `json:"hello"`
	HPKEInfo           string        `json:"hpke_info"`
	Enc                string        `json:"enc"`
	ReplyAAD           string        `json:"reply_aad"`
	ReplyPayload       string        `json:"reply_payload"`
	Reply              string        `json:"reply"`
	OfferKey           string        `json:"offer_key"`
	OfferNonce         string        `json:"offer_nonce"`
	OfferAAD           string        `json:"offer_aad"`
	OfferPayload       string        `json:"offer_payload"`
	Offer              string        `json:"offer"`
	KeyAAD             string        `json:"key_aad"`
	KeyPayload         string        `json:"key_payload"`
	KeyMessage         string        `json:"key_message"`
	Code               string        `json:"code"`
}

// vectorSpec fixes everything a vector depends on.
type vectorSpec struct {
	name                    string
	seed                    string
	initiator, responder    Profile
	initiatorKey, respKey   secret.Key
	helloTime               time.Time
	replyAt, offerAt, keyAt time.Duration // after helloTime, on each sealer's clock
}

func vectorSpecs() []vectorSpec {
	largest := Profile{
		OrgName:     "Computer Emergency Response Team of the Example Ministry of Digital Affairs",
		OrgUUID:     "C0FFEE00-1234-4ABC-8DEF-0123456789AB",
		Description: strings.Repeat("Coordinates incident response für Behörden; ", 12),
		Nationality: "Luxembourg",
		Sector:      "Government and public administration",
		OrgType:     "National CSIRT",
		URL:         "https://misp.cert.ministry-of-digital-affairs.example.org:8443/misp",
		SyncEmail:   "misp-sync-partners@cert.ministry-of-digital-affairs.example.org",
		TLSPin:      bytes.Repeat([]byte{0xab}, 32),
		Push:        true,
		MISPVersion: "2.5.12",
	}
	return []vectorSpec{
		{
			name: "typical", seed: "mispbump vector typical",
			initiator: initiatorProfile(), responder: responderProfile(),
			initiatorKey: initiatorKey, respKey: responderKey,
			helloTime: baseTime, replyAt: 50 * time.Second, offerAt: 130 * time.Second, keyAt: 210 * time.Second,
		},
		{
			name: "largest", seed: "mispbump vector largest",
			initiator: largest, responder: initiatorProfile(),
			initiatorKey: secret.New(strings.Repeat("0123456789", 4)),
			respKey:      secret.New(strings.Repeat("ZYXWVUTSRQ", 4)),
			helloTime:    time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
			replyAt:      14 * time.Minute, offerAt: 14*time.Minute + 30*time.Second, keyAt: 15 * time.Minute,
		},
	}
}

func toVectorProfile(p Profile) vectorProfile {
	return vectorProfile{
		OrgName: p.OrgName, OrgUUID: p.OrgUUID, Description: p.Description,
		Nationality: p.Nationality, Sector: p.Sector, OrgType: p.OrgType,
		URL: p.URL, SyncEmail: p.SyncEmail, TLSPin: hex.EncodeToString(p.TLSPin),
		Pull: p.Pull, Push: p.Push, MISPVersion: p.MISPVersion,
	}
}

// generateVector runs one handshake from spec and records every
// intermediate value.
func generateVector(t *testing.T, spec vectorSpec) vector {
	t.Helper()
	h := hex.EncodeToString
	random := func(seed string, n int) []byte {
		b := make([]byte, n)
		_, _ = newSeededReader(seed).Read(b)
		return b
	}
	v := vector{
		Name:              spec.name,
		InitiatorRandSeed: spec.seed + " initiator",
		ResponderRandSeed: spec.seed + " responder",
		InitiatorProfile:  toVectorProfile(spec.initiator),
		ResponderProfile:  toVectorProfile(spec.responder),
		InitiatorSyncKey:  spec.initiatorKey.Reveal(),
		ResponderSyncKey:  spec.respKey.Reveal(),
	}
	both := random(v.InitiatorRandSeed, 64)
	v.InitiatorKeySeed, v.InitiatorNonce = h(both[:32]), h(both[32:])
	v.EncapsulationSeed = h(random(v.ResponderRandSeed, 64))

	clock := &testClock{now: spec.helloTime}
	in, err := NewInitiator(Options{Rand: newSeededReader(v.InitiatorRandSeed), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	re, err := NewResponder(Options{Rand: newSeededReader(v.ResponderRandSeed), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) { clock.now = spec.helloTime.Add(d) }
	check := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", spec.name, what, err)
		}
	}

	hello := in.Hello()
	check(re.ReadHello(hello), "ReadHello")
	at(spec.replyAt)
	reply, err := re.Reply(spec.responder)
	check(err, "Reply")
	_, err = in.ReadReply(reply)
	check(err, "ReadReply")
	at(spec.offerAt)
	offer, err := in.Offer(spec.initiator, spec.initiatorKey)
	check(err, "Offer")
	offerKey := clone(re.offerKey)
	_, _, err = re.ReadOffer(offer)
	check(err, "ReadOffer")
	at(spec.keyAt)
	km, err := re.KeyMessage(spec.respKey)
	check(err, "KeyMessage")
	_, err = in.ReadKey(km)
	check(err, "ReadKey")
	code, err := in.Code()
	check(err, "Code")

	v.InitiatorPublicKey = h(hello[helloPublicOffset:])
	v.Commitment = h(hello[2 : 2+commitmentSize])
	v.Session = in.Session().String()
	v.HelloTime = spec.helloTime.Unix()
	v.ReplyTime = spec.helloTime.Add(spec.replyAt).Unix()
	v.OfferTime = spec.helloTime.Add(spec.offerAt).Unix()
	v.KeyTime = spec.helloTime.Add(spec.keyAt).Unix()
	v.Hello = h(hello)
	v.HPKEInfo = h(hpkeInfo(hello))
	v.Enc = h(reply[headerSize:replyCipherOffset])
	v.ReplyAAD = h(transcriptHash(hello, reply[:replyCipherOffset]))
	v.Reply = h(reply)
	v.OfferKey, v.OfferNonce = h(offerKey[:32]), h(offerKey[32:])
	v.OfferAAD = h(transcriptHash(hello, reply, offer[:headerSize]))
	v.Offer = h(offer)
	v.KeyAAD = h(transcriptHash(hello, reply, offer, km[:headerSize]))
	v.KeyMessage = h(km)
	v.Code = code

	// The payloads are rebuilt from the profiles as sealed. The
	// interoperability test shows any mismatch with the ciphertexts.
	replyProfile, err := PrepareProfile(spec.responder)
	check(err, "PrepareProfile")
	replyProfile.Time = time.Unix(v.ReplyTime, 0)
	payload, err := encodeProfile(replyProfile)
	check(err, "encodeProfile")
	v.ReplyPayload = h(payload)
	offerProfile, err := PrepareProfile(spec.initiator)
	check(err, "PrepareProfile")
	offerProfile.Time = time.Unix(v.OfferTime, 0)
	payload, err = encodeOffer(offerProfile, spec.initiatorKey, both[32:])
	check(err, "encodeOffer")
	v.OfferPayload = h(payload)
	payload, err = encodeKey(time.Unix(v.KeyTime, 0), spec.respKey)
	check(err, "encodeKey")
	v.KeyPayload = h(payload)
	return v
}

func generateVectors(t *testing.T) []byte {
	t.Helper()
	file := vectorFile{
		Comment: "mispbump handshake test vectors, protocol version 1; " +
			"docs/protocol.md describes every field. The sync keys are made up.",
		KEM: int(kemID), KDF: int(kdfID), AEAD: int(aeadID),
	}
	for _, spec := range vectorSpecs() {
		file.Vectors = append(file.Vectors, generateVector(t, spec))
	}
	out, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestVectors regenerates the vectors from their fixed seeds and compares
// them byte for byte with testdata/vectors.json. Run with -update after an
// intended change of the format.
func TestVectors(t *testing.T) {
	got := generateVectors(t)
	if *update {
		if err := os.WriteFile(vectorsPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", vectorsPath)
		return
	}
	want, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("read vectors (create them with go test -run TestVectors -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gotLines), len(wantLines)) {
			if gotLines[i] != wantLines[i] {
				t.Fatalf("%s differs at line %d:\ngot  %.200s\nwant %.200s",
					filepath.Base(vectorsPath), i+1, gotLines[i], wantLines[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", vectorsPath, len(gotLines), len(wantLines))
	}
}

// loadVectors reads testdata/vectors.json for the interoperability and
// fuzz tests.
func loadVectors(t testing.TB) []vector {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var file vectorFile
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("parse vectors: %v", err)
	}
	return file.Vectors
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// TestVectorMessagesOpen feeds the stored messages to parties rebuilt from
// the stored seeds and checks the keys and the code.
func TestVectorMessagesOpen(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			re := newVectorParties(t, v).responderAwaitingOffer(t)
			_, key, err := re.ReadOffer(mustHex(t, v.Offer))
			if err != nil {
				t.Fatalf("ReadOffer: %v", err)
			}
			if key.Reveal() != v.InitiatorSyncKey {
				t.Error("responder read a different initiator key")
			}
			if code, _ := re.Code(); code != v.Code {
				t.Errorf("responder code %q, vector %q", code, v.Code)
			}

			in := newVectorParties(t, v).initiatorAwaitingKey(t)
			key, err = in.ReadKey(mustHex(t, v.KeyMessage))
			if err != nil {
				t.Fatalf("ReadKey: %v", err)
			}
			if key.Reveal() != v.ResponderSyncKey {
				t.Error("initiator read a different responder key")
			}
			if code, _ := in.Code(); code != v.Code {
				t.Errorf("initiator code %q, vector %q", code, v.Code)
			}
		})
	}
}
