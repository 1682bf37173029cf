package codes

import (
	"errors"
	"fmt"
	"strings"
)

// base45Alphabet is the RFC 9285 alphabet, which is also the full QR
// alphanumeric character set.
const base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

var base45Values = func() [256]int8 {
	var values [256]int8
	for i := range values {
		values[i] = -1
	}
	for i := 0; i < len(base45Alphabet); i++ {
		values[base45Alphabet[i]] = int8(i)
	}
	return values
}()

// errBase45 marks text that is not valid Base45.
var errBase45 = errors.New("invalid base45")

// base45EncodedLen returns the Base45 length of n bytes.
func base45EncodedLen(n int) int {
	return n/2*3 + n%2*2
}

// encodeBase45 encodes data as RFC 9285 Base45: each pair of bytes becomes
// three characters, least significant first, and a last single byte two.
func encodeBase45(data []byte) string {
	var b strings.Builder
	b.Grow(base45EncodedLen(len(data)))

	for i := 0; i+1 < len(data); i += 2 {
		n := int(data[i])<<8 | int(data[i+1])
		b.WriteByte(base45Alphabet[n%45])
		b.WriteByte(base45Alphabet[n/45%45])
		b.WriteByte(base45Alphabet[n/2025])
	}
	if len(data)%2 == 1 {
		n := int(data[len(data)-1])
		b.WriteByte(base45Alphabet[n%45])
		b.WriteByte(base45Alphabet[n/45])
	}
	return b.String()
}

// decodeBase45 decodes RFC 9285 Base45 text. It rejects characters outside
// the alphabet, lengths of the form 3n+1 and groups whose value exceeds
// what the group can carry.
func decodeBase45(s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return nil, fmt.Errorf("%w: length %d leaves one character over", errBase45, len(s))
	}

	out := make([]byte, 0, len(s)/3*2+1)
	for i := 0; i < len(s); {
		group := 3
		if len(s)-i == 2 {
			group = 2
		}

		n, weight := 0, 1
		for j := 0; j < group; j++ {
			v := base45Values[s[i+j]]
			if v < 0 {
				return nil, fmt.Errorf("%w: character %q at position %d", errBase45, s[i+j], i+j)
			}
			n += int(v) * weight
			weight *= 45
		}

		if group == 3 {
			if n > 0xFFFF {
				return nil, fmt.Errorf("%w: group at position %d is too large", errBase45, i)
			}
			out = append(out, byte(n>>8), byte(n))
		} else {
			if n > 0xFF {
				return nil, fmt.Errorf("%w: group at position %d is too large", errBase45, i)
			}
			out = append(out, byte(n))
		}
		i += group
	}
	return out, nil
}
