package misp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// ID is the numeric id of a MISP record (organisation, user, role, server,
// auth key). MISP 2.5 sends ids as JSON strings ("7") when the database
// driver stringifies integers, and as numbers otherwise. ID accepts both,
// and null or "", which decode to zero. It always encodes as a JSON number.
type ID int64

// String returns the decimal form used in URL paths.
func (id ID) String() string {
	return strconv.FormatInt(int64(id), 10)
}

// IsZero reports whether the id is unset. MISP never issues id 0.
func (id ID) IsZero() bool {
	return id == 0
}

// MarshalJSON encodes the id as a JSON number.
func (id ID) MarshalJSON() ([]byte, error) {
	return []byte(id.String()), nil
}

// UnmarshalJSON accepts "7", 7 and null.
func (id *ID) UnmarshalJSON(data []byte) error {
	n, err := decodeInteger(data)
	if err != nil {
		return fmt.Errorf("decode id: %w", err)
	}
	*id = ID(n)
	return nil
}

// Number is an integer that MISP sends either as a JSON string or as a
// number: counts, priorities and Unix timestamps in seconds. Null and the
// empty string decode to zero.
type Number int64

// UnmarshalJSON accepts "7", 7, "", and null.
func (n *Number) UnmarshalJSON(data []byte) error {
	v, err := decodeInteger(data)
	if err != nil {
		return fmt.Errorf("decode number: %w", err)
	}
	*n = Number(v)
	return nil
}

// decodeInteger reads a JSON number, a JSON string holding a decimal
// integer, an empty string or null. Anything else, fractions and
// exponents included, is an error, because MISP only sends whole numbers
// in these fields and a fraction means the field is not what we think.
func decodeInteger(data []byte) (int64, error) {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		return 0, nil
	}

	text := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return 0, err
		}
		if text == "" {
			return 0, nil
		}
	}

	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, &integerError{value: describeValue(data)}
	}
	return n, nil
}

// integerError reports a value that is not a whole number. It quotes the
// value only when it is short (see describeValue).
type integerError struct {
	value string
}

func (e *integerError) Error() string {
	return e.value + " is not a whole number"
}

// describeValue quotes a short JSON value for an error message. Longer
// values are only measured, because a long string in a MISP response may
// be an API key.
func describeValue(data []byte) string {
	if len(data) > 24 {
		return fmt.Sprintf("a value of %d bytes", len(data))
	}
	return string(data)
}
