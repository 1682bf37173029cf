package codes

import (
	"bytes"
	"errors"
	"testing"
)

func TestBase45Vectors(t *testing.T) {
	// Examples from RFC 9285, section 4.
	tests := []struct{ plain, encoded string }{
		{"AB", "BB8"},
		{"Hello!!", "%69 VD92EX0"},
		{"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := encodeBase45([]byte(tt.plain)); got != tt.encoded {
			t.Errorf("encodeBase45(%q) = %q, want %q", tt.plain, got, tt.encoded)
		}
		got, err := decodeBase45(tt.encoded)
		if err != nil {
			t.Errorf("decodeBase45(%q): %v", tt.encoded, err)
		}
		if !bytes.Equal(got, []byte(tt.plain)) {
			t.Errorf("decodeBase45(%q) = %q, want %q", tt.encoded, got, tt.plain)
		}
	}
}

func TestBase45RejectsInvalid(t *testing.T) {
	for _, s := range []string{
		"GGW",  // 65536, one more than two bytes hold
		"A",    // length 3n+1
		"BB8A", // length 3n+1
		"bb8",  // lower case is outside the alphabet
		"B_8",
		":::", // 44+44*45+44*2025 > 65535
		"::",  // 44+44*45 > 255
	} {
		if _, err := decodeBase45(s); !errors.Is(err, errBase45) {
			t.Errorf("decodeBase45(%q) error = %v, want errBase45", s, err)
		}
	}
}

func TestBase45AllPairs(t *testing.T) {
	for n := 0; n < 1<<16; n += 7 {
		data := []byte{byte(n >> 8), byte(n), byte(n * 31)}
		got, err := decodeBase45(encodeBase45(data))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip of %x: %x, %v", data, got, err)
		}
	}
}
