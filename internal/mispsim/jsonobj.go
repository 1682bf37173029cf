package mispsim

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// object is a JSON object that keeps its keys in the order they were added,
// so responses list fields in the order MISP sends them.
type object []member

type member struct {
	key   string
	value any
}

// with returns o with one more member.
func (o object) with(key string, value any) object {
	return append(o, member{key, value})
}

// get returns the value stored under key.
func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// MarshalJSON implements json.Marshaler.
func (o object) MarshalJSON() ([]byte, error) {
	return appendJSON(nil, o)
}

// appendJSON encodes v. The common value types are written directly,
// because list endpoints on a seeded simulator encode hundreds of
// thousands of values; anything else goes through encoding/json.
func appendJSON(buf []byte, v any) ([]byte, error) {
	var err error
	switch v := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case string:
		return appendString(buf, v), nil
	case bool:
		return strconv.AppendBool(buf, v), nil
	case int:
		return strconv.AppendInt(buf, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(buf, v, 10), nil
	case object:
		buf = append(buf, '{')
		for i, m := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, m.key)
			buf = append(buf, ':')
			if buf, err = appendJSON(buf, m.value); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	case []object:
		buf = append(buf, '[')
		for i, item := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			if buf, err = appendJSON(buf, item); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	case []string:
		buf = append(buf, '[')
		for i, s := range v {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, s)
		}
		return append(buf, ']'), nil
	}
	encoded, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(buf, encoded...), nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping quotes, backslashes,
// control characters and invalid UTF-8.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, `\ufffd`...)
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}

// idString formats an id, count or timestamp the way MISP 2.5 sends it: as
// a JSON string.
func idString(n int) string {
	return strconv.Itoa(n)
}

// nullableEpoch formats a Unix time as a JSON string, or null when unset.
func nullableEpoch(t int64) any {
	if t == 0 {
		return nil
	}
	return strconv.FormatInt(t, 10)
}

// nullable returns nil for a nil pointer, so the field encodes as null.
func nullable(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// stringList returns nil for a nil slice and an empty list otherwise, so
// MISP's null and [] stay apart.
func stringList(list []string) any {
	if list == nil {
		return nil
	}
	return list
}

// ptr returns a pointer to a copy of s.
func ptr(s string) *string {
	return &s
}
