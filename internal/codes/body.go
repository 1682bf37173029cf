package codes

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// kind is the low nibble of a body's header byte.
type kind byte

const (
	kindMessage kind = 0
	kindFrame   kind = 1

	headerPadded = 0x80
	headerKind   = 0x0f
	checksumLen  = 4
)

// bodyOverhead is the header byte, the checksum and at most one padding
// byte.
const bodyOverhead = 1 + checksumLen + 1

// sealBody returns header, content and checksum, with one padding byte
// when needed to make the length odd (see the package documentation).
func sealBody(k kind, content []byte) []byte {
	n := 1 + len(content) + checksumLen
	header := byte(k)
	if n%2 == 0 {
		header |= headerPadded
	}

	body := make([]byte, 0, n+1)
	body = append(body, header)
	body = append(body, content...)
	body = binary.BigEndian.AppendUint32(body, crc32.ChecksumIEEE(body))
	if header&headerPadded != 0 {
		body = append(body, 0)
	}
	return body
}

// openBody checks a body made by sealBody and returns its kind and
// content.
func openBody(body []byte) (kind, []byte, error) {
	if len(body) < 1+checksumLen {
		return 0, nil, fmt.Errorf("%w: body of %d bytes is too short; copy the whole text again",
			ErrDamaged, len(body))
	}

	header := body[0]
	if header&headerPadded != 0 {
		if body[len(body)-1] != 0 || len(body) < 2+checksumLen {
			return 0, nil, fmt.Errorf("%w: bad padding; copy the whole text again", ErrDamaged)
		}
		body = body[:len(body)-1]
	}

	end := len(body) - checksumLen
	want := binary.BigEndian.Uint32(body[end:])
	if crc32.ChecksumIEEE(body[:end]) != want {
		return 0, nil, fmt.Errorf("%w: checksum mismatch; copy the whole text again", ErrDamaged)
	}

	k := kind(header & headerKind)
	if k != kindMessage && k != kindFrame || header&^(headerKind|headerPadded) != 0 {
		return 0, nil, fmt.Errorf("%w: unknown code kind %#x; use the same mispbump "+
			"release on both sides", ErrUnsupportedVersion, header)
	}
	return k, body[1:end], nil
}
