package mispsim

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// fields is a decoded JSON request body, or the model part of it.
type fields map[string]any

// modelFields returns the part of body that describes model: MISP accepts
// {"Model":{...}}, {"request":{...}} and bare fields.
func modelFields(body fields, model string) fields {
	for _, key := range []string{model, "request"} {
		if inner, ok := body[key].(map[string]any); ok {
			return inner
		}
	}
	return body
}

func (f fields) has(key string) bool {
	_, ok := f[key]
	return ok
}

// str returns the value of key as a string: JSON strings as they are,
// numbers and booleans the way PHP prints them.
func (f fields) str(key string) (string, bool) {
	v, ok := f[key]
	if !ok || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		if v {
			return "1", true
		}
		return "", true
	}
	return "", false
}

// boolean returns the value of key as a flag: true, 1, "1" and "true" are
// true; false, 0, "0", "" and "false" are false.
func (f fields) boolean(key string) (value, ok bool) {
	v, present := f[key]
	if !present {
		return false, false
	}
	return asBool(v)
}

func asBool(v any) (value, ok bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case json.Number:
		n, err := v.Float64()
		return n != 0, err == nil
	case float64:
		return v != 0, true
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "on", "yes":
			return true, true
		case "0", "false", "", "off", "no":
			return false, true
		}
	case nil:
		return false, true
	}
	return false, false
}

// setBool sets *dst from key when key is present with a flag value.
func (f fields) setBool(key string, dst *bool) {
	if v, ok := f.boolean(key); ok {
		*dst = v
	}
}

// id returns the value of key as a positive integer id.
func (f fields) id(key string) (int, bool) {
	s, ok := f.str(key)
	if !ok {
		return 0, false
	}
	return parseID(s)
}

// parseID parses a positive decimal id.
func parseID(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n > 0
}

// uuidPattern is CakePHP 2's Validation::uuid: versions 0 to 5 and the
// RFC 4122 variant only, so v6 and v7 uuids are rejected as by MISP.
var uuidPattern = regexp.MustCompile(
	`^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[0-5][a-fA-F0-9]{3}-[089aAbB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}$`)

func validUUID(s string) bool {
	return uuidPattern.MatchString(s)
}

// keyPattern is the only form MISP accepts as an API key.
var keyPattern = regexp.MustCompile(`^[a-zA-Z0-9]{40}$`)

func validKeyFormat(s string) bool {
	return keyPattern.MatchString(s)
}

// stringsValue reads a list given as a JSON array or as a string with
// commas or newlines between the items, as MISP accepts for allowed_ips
// and restricted_to_domain.
func stringsValue(v any) []string {
	var items []string
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			if s, ok := item.(string); ok {
				items = append(items, s)
			}
		}
	case string:
		items = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' })
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
