package misp

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// normaliseFields turns the "errors" member of a MISP failure into field
// messages. MISP sends it as a map of lists ({"name":["…"]}), a map of
// strings ({"email":"Mandatory field not set."}), a list (["Invalid
// organisation"]), a plain string, or null. Messages without a field name
// go under the empty key; nested maps get dotted names ("Server.url").
// The result is nil when there are no messages.
func normaliseFields(raw json.RawMessage) map[string][]string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	var value any
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	if err := decoder.Decode(&value); err != nil {
		return map[string][]string{"": {"(unreadable errors member)"}}
	}

	fields := map[string][]string{}
	collectFields(fields, "", value)
	if len(fields) == 0 {
		return nil
	}
	return fields
}

func collectFields(fields map[string][]string, name string, value any) {
	switch v := value.(type) {
	case nil:
	case string:
		if v != "" {
			fields[name] = append(fields[name], redactKeys(v))
		}
	case []any:
		for _, item := range v {
			collectFields(fields, name, item)
		}
	case map[string]any:
		for key, item := range v {
			collectFields(fields, joinFieldName(name, key), item)
		}
	default:
		// Numbers and booleans are not messages, but keep them visible.
		fields[name] = append(fields[name], fmt.Sprint(v))
	}
}

func joinFieldName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
