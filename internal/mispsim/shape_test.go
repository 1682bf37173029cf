package mispsim

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// shapeDiff compares the shape of a recorded and an actual JSON value:
// object keys, value types and nesting. List elements of the actual value
// must each match the shape of some recorded element. nullOK names the
// keys where the simulator may send null in place of a recorded value.
func shapeDiff(at string, recorded, actual any, nullOK map[string]bool) []string {
	rk, ak := jsonKind(recorded), jsonKind(actual)
	if rk != ak {
		key := at[strings.LastIndex(at, ".")+1:]
		if ak == "null" && nullOK[key] {
			return nil
		}
		return []string{fmt.Sprintf("%s: recorded %s, got %s", at, rk, ak)}
	}
	switch rk {
	case "object":
		return objectDiff(at, recorded.(map[string]any), actual.(map[string]any), nullOK)
	case "list":
		return listDiff(at, recorded.([]any), actual.([]any), nullOK)
	}
	return nil
}

func objectDiff(at string, recorded, actual map[string]any, nullOK map[string]bool) []string {
	var diffs []string
	for _, key := range sortedStrings(recorded) {
		if _, ok := actual[key]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: missing key %q", at, key))
			continue
		}
		diffs = append(diffs, shapeDiff(at+"."+key, recorded[key], actual[key], nullOK)...)
	}
	for _, key := range sortedStrings(actual) {
		if _, ok := recorded[key]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: extra key %q", at, key))
		}
	}
	return diffs
}

func listDiff(at string, recorded, actual []any, nullOK map[string]bool) []string {
	if len(recorded) == 0 || len(actual) == 0 {
		if len(recorded) != len(actual) {
			return []string{fmt.Sprintf("%s: recorded %d items, got %d", at, len(recorded), len(actual))}
		}
		return nil
	}
	var diffs []string
	for i, item := range actual {
		var best []string
		for _, candidate := range recorded {
			d := shapeDiff(fmt.Sprintf("%s[%d]", at, i), candidate, item, nullOK)
			if d == nil {
				best = nil
				break
			}
			if best == nil || len(d) < len(best) {
				best = d
			}
		}
		diffs = append(diffs, best...)
	}
	return diffs
}

func sortedStrings(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// decodeJSON decodes raw with numbers kept as json.Number.
func decodeJSON(raw []byte) (any, error) {
	decoder := json.NewDecoder(strings.NewReader(string(raw)))
	decoder.UseNumber()
	var v any
	err := decoder.Decode(&v)
	return v, err
}

func TestShapeDiff(t *testing.T) {
	cases := []struct {
		name             string
		recorded, actual string
		wantDiff         bool
	}{
		{"same object", `{"a":"1","b":true}`, `{"a":"2","b":false}`, false},
		{"number for string", `{"id":"1"}`, `{"id":1}`, true},
		{"missing key", `{"a":1,"b":2}`, `{"a":1}`, true},
		{"extra key", `{"a":1}`, `{"a":1,"b":2}`, true},
		{"null for string", `{"a":"x"}`, `{"a":null}`, true},
		{"list of wrappers", `[{"O":{"id":"1"}}]`, `[{"O":{"id":"1"}},{"O":{"id":"2"}}]`, false},
		{"list item differs", `[{"O":{"id":"1"}}]`, `[{"O":{"id":1}}]`, true},
		{"empty list vs items", `[]`, `[1]`, true},
		{"item matches second recorded", `[{"c":null},{"c":"x"}]`, `[{"c":"y"}]`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recorded, err := decodeJSON([]byte(tc.recorded))
			if err != nil {
				t.Fatal(err)
			}
			actual, err := decodeJSON([]byte(tc.actual))
			if err != nil {
				t.Fatal(err)
			}
			diffs := shapeDiff("$", recorded, actual, nil)
			if got := len(diffs) > 0; got != tc.wantDiff {
				t.Errorf("shapeDiff = %v, want difference %v", diffs, tc.wantDiff)
			}
		})
	}
	if !slices.Equal(sortedStrings(map[string]any{"b": 1, "a": 2}), []string{"a", "b"}) {
		t.Error("sortedStrings does not sort")
	}
}
