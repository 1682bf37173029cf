// Package secret holds API keys and other credentials in a type that
// refuses to print itself.
//
// MISP API keys, the sync keys exchanged in a bump and private keys must
// never reach a log line, an error string, a panic or a history file.
// Wrapping them in Key makes the accidental paths (fmt verbs, slog
// attributes, encoding/json, encoding/gob via fmt) print a placeholder;
// the only way to the clear text is an explicit call to Reveal.
package secret

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"strings"
)

// Redacted is what a Key prints in place of its value.
const Redacted = "[redacted]"

// Key is a credential such as a MISP API key. The zero value is an empty
// key. Compare keys with Equal, not ==.
//
// The clear text sits behind a pointer because fmt cannot call the
// printing methods of a struct field that is not exported: it prints such
// a field by reflection, and for a pointer at that depth it prints only
// the address.
type Key struct {
	box *box
}

type box struct {
	value string
}

// New wraps a clear-text credential.
func New(value string) Key {
	if value == "" {
		return Key{}
	}
	return Key{box: &box{value: value}}
}

// Reveal returns the clear text. Call it only where the value leaves the
// process on purpose: an Authorization header, a sealed message, the OS
// keyring.
func (k Key) Reveal() string {
	if k.box == nil {
		return ""
	}
	return k.box.value
}

// IsZero reports whether the key is empty.
func (k Key) IsZero() bool {
	return k.Reveal() == ""
}

// Equal compares two keys in constant time.
func (k Key) Equal(other Key) bool {
	return subtle.ConstantTimeCompare([]byte(k.Reveal()), []byte(other.Reveal())) == 1
}

// Hint returns the first and last four characters of a key of 40
// characters or more, the same parts MISP itself shows in its auth key
// list (authkey_start, authkey_end), so an admin can tell keys apart.
// Shorter keys return only the placeholder.
func (k Key) Hint() string {
	value := k.Reveal()
	if len(value) < 40 {
		return Redacted
	}
	return value[:4] + "…" + value[len(value)-4:]
}

// String implements fmt.Stringer with the placeholder.
func (k Key) String() string {
	return Redacted
}

// GoString implements fmt.GoStringer so %#v prints the placeholder too.
func (k Key) GoString() string {
	return "secret.Key{" + Redacted + "}"
}

// Format implements fmt.Formatter so that every verb, %x and %q included,
// prints the placeholder.
func (k Key) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(Redacted))
}

// LogValue implements slog.LogValuer.
func (k Key) LogValue() slog.Value {
	return slog.StringValue(Redacted)
}

// MarshalJSON writes the placeholder, so a Key inside a struct that is
// encoded for a history file or a --json output never leaks.
func (k Key) MarshalJSON() ([]byte, error) {
	return []byte(`"` + Redacted + `"`), nil
}

// MarshalText writes the placeholder for encoders that use
// encoding.TextMarshaler (YAML, TOML, map keys).
func (k Key) MarshalText() ([]byte, error) {
	return []byte(Redacted), nil
}

// LooksLikeKey reports whether s contains a run of exactly 40 ASCII
// letters and digits, the shape of a MISP API key, so that a key pasted
// into the wrong setting is not echoed back in an error message. Longer
// runs, such as long file names, do not count.
func LooksLikeKey(s string) bool {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAlnum(s[i]) {
			run++
			continue
		}
		if run == 40 {
			return true
		}
		run = 0
	}
	return false
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// IsKeyShaped reports whether s, without surrounding space, is exactly 40
// ASCII letters and digits: a value that is itself an API key, as when a
// key is pasted where a file name belongs. Unlike LooksLikeKey it does
// not match a path with a 40-character component, such as a directory
// named by a SHA-1 digest.
func IsKeyShaped(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// Quote returns s quoted with %q for an error message, or a placeholder
// saying the value looks like an API key.
func Quote(s string) string {
	if LooksLikeKey(s) {
		return "(a value that looks like an API key, not shown)"
	}
	return fmt.Sprintf("%q", s)
}
