package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/mispbump/mispbump/internal/secret"
)

// The sealed payloads are CBOR maps with small unsigned integer keys in
// core deterministic encoding (RFC 8949 section 4.2.1). Optional fields
// are omitted when they hold their zero value.

// wireProfile is the CBOR form of a Profile.
type wireProfile struct {
	OrgName     string `cbor:"1,keyasint"`
	OrgUUID     []byte `cbor:"2,keyasint"`
	Description string `cbor:"3,keyasint,omitempty"`
	Nationality string `cbor:"4,keyasint,omitempty"`
	Sector      string `cbor:"5,keyasint,omitempty"`
	OrgType     string `cbor:"6,keyasint,omitempty"`
	URL         string `cbor:"7,keyasint"`
	SyncEmail   string `cbor:"8,keyasint"`
	TLSPin      []byte `cbor:"9,keyasint,omitempty"`
	Pull        bool   `cbor:"10,keyasint,omitempty"`
	Push        bool   `cbor:"11,keyasint,omitempty"`
	MISPVersion string `cbor:"12,keyasint,omitempty"`
	Time        uint64 `cbor:"13,keyasint"` // seconds since the Unix epoch
}

// wireOffer is the sealed payload of the offer.
type wireOffer struct {
	Profile wireProfile `cbor:"1,keyasint"`
	Key     string      `cbor:"2,keyasint"`
	Nonce   []byte      `cbor:"3,keyasint"`
}

// wireKey is the sealed payload of the key message.
type wireKey struct {
	Time uint64 `cbor:"1,keyasint"`
	Key  string `cbor:"2,keyasint"`
}

var (
	encMode = mustEncMode()
	decMode = mustDecMode()
)

func mustEncMode() cbor.EncMode {
	mode, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return mode
}

func mustDecMode() cbor.DecMode {
	mode, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   4,
		MaxArrayElements:  16,
		MaxMapPairs:       16,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return mode
}

// errNotCanonical reports a payload that decodes but is not in the one
// encoding this package produces.
var errNotCanonical = errors.New("not in deterministic CBOR encoding")

// decodeCanonical decodes data into v and rejects it unless encoding v
// again gives the same bytes. That makes each payload's encoding unique,
// so a second implementation cannot drift unnoticed.
func decodeCanonical(data []byte, v any) error {
	if err := decMode.Unmarshal(data, v); err != nil {
		return err
	}
	again, err := encMode.Marshal(v)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, data) {
		return errNotCanonical
	}
	return nil
}

// toWire converts a profile that passed PrepareProfile or validation.
func toWire(p Profile) (wireProfile, error) {
	uuid, err := parseUUID(p.OrgUUID)
	if err != nil {
		return wireProfile{}, &ProfileError{Field: "OrgUUID", Value: p.OrgUUID, Reason: err.Error()}
	}
	var seconds uint64
	if p.Time.Unix() > 0 {
		seconds = uint64(p.Time.Unix())
	}
	return wireProfile{
		OrgName: p.OrgName, OrgUUID: uuid[:], Description: p.Description,
		Nationality: p.Nationality, Sector: p.Sector, OrgType: p.OrgType,
		URL: p.URL, SyncEmail: p.SyncEmail, TLSPin: p.TLSPin,
		Pull: p.Pull, Push: p.Push, MISPVersion: p.MISPVersion, Time: seconds,
	}, nil
}

// fromWire converts and validates a profile read from the partner.
func fromWire(w wireProfile) (Profile, error) {
	if len(w.OrgUUID) != 16 {
		return Profile{}, &ProfileError{Partner: true, Field: "OrgUUID",
			Value: fmt.Sprintf("%x", w.OrgUUID), Reason: "a uuid has 16 bytes"}
	}
	if w.Time == 0 || w.Time > 1<<40 {
		return Profile{}, &ProfileError{Partner: true, Field: "Time",
			Value: fmt.Sprint(w.Time), Reason: "not a plausible time"}
	}
	p := Profile{
		OrgName: w.OrgName, OrgUUID: formatUUID([16]byte(w.OrgUUID)),
		Description: w.Description, Nationality: w.Nationality, Sector: w.Sector,
		OrgType: w.OrgType, URL: w.URL, SyncEmail: w.SyncEmail, TLSPin: w.TLSPin,
		Pull: w.Pull, Push: w.Push, MISPVersion: w.MISPVersion,
		Time: time.Unix(int64(w.Time), 0).UTC(),
	}
	if err := validateProfile(p, true); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// encodeProfile returns the CBOR form of p, which is the reply payload.
func encodeProfile(p Profile) ([]byte, error) {
	w, err := toWire(p)
	if err != nil {
		return nil, err
	}
	return encMode.Marshal(w)
}

// decodeProfile reads a reply payload.
func decodeProfile(data []byte) (Profile, error) {
	if len(data) > maxProfileSize {
		return Profile{}, fmt.Errorf("partner profile: %d bytes exceed the limit of %d: %w",
			len(data), maxProfileSize, ErrInvalidProfile)
	}
	var w wireProfile
	if err := decodeCanonical(data, &w); err != nil {
		return Profile{}, malformed(StepReply, err)
	}
	return fromWire(w)
}

// encodeOffer returns the offer payload.
func encodeOffer(p Profile, key secret.Key, nonce []byte) ([]byte, error) {
	w, err := toWire(p)
	if err != nil {
		return nil, err
	}
	return encMode.Marshal(wireOffer{Profile: w, Key: key.Reveal(), Nonce: nonce})
}

// decodeOffer reads an offer payload. The key is checked for shape only.
func decodeOffer(data []byte) (Profile, secret.Key, []byte, error) {
	var w wireOffer
	if err := decodeCanonical(data, &w); err != nil {
		return Profile{}, secret.Key{}, nil, malformed(StepOffer, err)
	}
	profile, err := fromWire(w.Profile)
	if err != nil {
		return Profile{}, secret.Key{}, nil, err
	}
	if size, _ := encMode.Marshal(w.Profile); len(size) > maxProfileSize {
		return Profile{}, secret.Key{}, nil, fmt.Errorf("partner profile: %d bytes exceed the limit of %d: %w",
			len(size), maxProfileSize, ErrInvalidProfile)
	}
	key := secret.New(w.Key)
	if err := checkSyncKey(key); err != nil {
		return Profile{}, secret.Key{}, nil, fmt.Errorf("partner sync key: %w", err)
	}
	if len(w.Nonce) != nonceSize {
		return Profile{}, secret.Key{}, nil, fmt.Errorf("%w: the nonce has %d bytes, not %d",
			ErrCommitment, len(w.Nonce), nonceSize)
	}
	return profile, key, w.Nonce, nil
}

// encodeKey returns the key message payload.
func encodeKey(sealed time.Time, key secret.Key) ([]byte, error) {
	return encMode.Marshal(wireKey{Time: uint64(sealed.Unix()), Key: key.Reveal()})
}

// decodeKey reads a key message payload.
func decodeKey(data []byte) (time.Time, secret.Key, error) {
	var w wireKey
	if err := decodeCanonical(data, &w); err != nil {
		return time.Time{}, secret.Key{}, malformed(StepKey, err)
	}
	if w.Time == 0 || w.Time > 1<<40 {
		return time.Time{}, secret.Key{}, malformed(StepKey, errors.New("the time is not plausible"))
	}
	key := secret.New(w.Key)
	if err := checkSyncKey(key); err != nil {
		return time.Time{}, secret.Key{}, fmt.Errorf("partner sync key: %w", err)
	}
	return time.Unix(int64(w.Time), 0).UTC(), key, nil
}

// checkSyncKey accepts the key a side sends in the offer or the key
// message: a MISP key, or no key at all. No key means "keep the key you
// already have": a repeated bump with the same partner, whose sync user
// already exists, sends none so that nothing changes on either MISP.
func checkSyncKey(key secret.Key) error {
	if key.IsZero() {
		return nil
	}
	return checkKey(key)
}

// checkKey accepts exactly 40 ASCII letters and digits, the form of every
// MISP API key. The error gives the length but never the key.
func checkKey(key secret.Key) error {
	value := key.Reveal()
	if len(value) != 40 {
		return fmt.Errorf("%w (it has %d characters)", ErrInvalidKey, len(value))
	}
	for i := 0; i < len(value); i++ {
		if !isAlnum(value[i]) {
			return fmt.Errorf("%w (character %d is neither a letter nor a digit)", ErrInvalidKey, i+1)
		}
	}
	return nil
}
