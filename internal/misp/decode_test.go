package misp

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestIDDecode(t *testing.T) {
	cases := map[string]ID{`"7"`: 7, `7`: 7, `null`: 0, `""`: 0, ` "12345" `: 12345}
	for input, want := range cases {
		var got ID
		if err := json.Unmarshal([]byte(input), &got); err != nil || got != want {
			t.Errorf("decode %s = %d, %v; want %d", input, got, err, want)
		}
	}
	for _, input := range []string{`"Server deleted"`, `7.5`, `true`, `{}`, `"1e3"`} {
		var got ID
		if err := json.Unmarshal([]byte(input), &got); err == nil {
			t.Errorf("decode %s succeeded with %d", input, got)
		}
	}
}

func TestIDEncodesAsNumber(t *testing.T) {
	data, err := json.Marshal(struct {
		ID ID `json:"remote_org_id"`
	}{8})
	if err != nil || string(data) != `{"remote_org_id":8}` {
		t.Errorf("encode = %s, %v", data, err)
	}
}

func TestIntegerErrorHidesLongValues(t *testing.T) {
	var id ID
	err := json.Unmarshal([]byte(`"RedactedTestKey0013xxxxxxxxxxxxxxxxxxxxx"`), &id)
	if err == nil || strings.Contains(err.Error(), "RedactedTestKey") {
		t.Errorf("error quotes a long value: %v", err)
	}
}

func FuzzID(f *testing.F) {
	for _, seed := range []string{`"7"`, `7`, `null`, `""`, `"-1"`, `"Server deleted"`, `1e3`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var id ID
		if err := json.Unmarshal([]byte(input), &id); err != nil {
			return
		}
		data, err := json.Marshal(id)
		if err != nil {
			t.Fatalf("encode %d: %v", id, err)
		}
		var again ID
		if err := json.Unmarshal(data, &again); err != nil || again != id {
			t.Fatalf("round trip of %d via %s = %d, %v", id, data, again, err)
		}
	})
}

func TestNormaliseFields(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		want map[string][]string
	}{
		{"map of lists", `{"name":["An organisation with this name already exists."],"uuid":["An organisation with this UUID already exists."]}`,
			map[string][]string{"name": {"An organisation with this name already exists."}, "uuid": {"An organisation with this UUID already exists."}}},
		{"map of strings", `{"email":"Mandatory field not set."}`, map[string][]string{"email": {"Mandatory field not set."}}},
		{"list", `["Invalid organisation"]`, map[string][]string{"": {"Invalid organisation"}}},
		{"string", `"Invalid pull technique ` + "`incremental`" + `."`, map[string][]string{"": {"Invalid pull technique `incremental`."}}},
		{"null", `null`, nil},
		{"empty list", `[]`, nil},
		{"nested map", `{"Server":{"url":["Invalid baseurl"]}}`, map[string][]string{"Server.url": {"Invalid baseurl"}}},
		{"key in message", `"Authkey updated: RedactedTestKey0013xxxxxxxxxxxxxxxxxxxxx"`, map[string][]string{"": {"Authkey updated: [redacted]"}}},
	}
	for _, tc := range cases {
		got := normaliseFields(json.RawMessage(tc.raw))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func FuzzNormaliseFields(f *testing.F) {
	for _, seed := range []string{`{"a":["b"]}`, `{"a":"b"}`, `["a"]`, `"a"`, `null`, `{"a":{"b":[1,true,null]}}`, `[`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for name, msgs := range normaliseFields(json.RawMessage(raw)) {
			if len(msgs) == 0 {
				t.Fatalf("field %q has an empty message list", name)
			}
		}
	})
}

func TestPageExcerpt(t *testing.T) {
	cases := map[string]string{
		loginPage: "Users - MISP",
		proxyPage: "502 Bad Gateway",
		"<html><body><h1>Service &amp; Co\nunavailable</h1></body></html>": "Service & Co unavailable",
		"plain text error": "plain text error",
		"<title>" + strings.Repeat("ab ", 100) + "</title>":           strings.Repeat("ab ", 40)[:maxExcerpt] + "…",
		"<title>key RedactedTestKey0013xxxxxxxxxxxxxxxxxxxxx</title>": "key [redacted]",
	}
	for page, want := range cases {
		if got := pageExcerpt([]byte(page)); got != want {
			t.Errorf("excerpt of %.40q = %q, want %q", page, got, want)
		}
	}
}

func TestPostTestForms(t *testing.T) {
	cases := map[string]PostTest{
		`1`:                                    {Code: 1},
		`10`:                                   {Code: 10},
		`"too old"`:                            {TooOld: true},
		`{"status":1,"content-encoding":null}`: {Code: 1},
		`{"status":"8","content-encoding":"gzip"}`: {Code: 8, ContentEncoding: "gzip"},
		`null`: {},
	}
	for input, want := range cases {
		var got PostTest
		if err := json.Unmarshal([]byte(input), &got); err != nil || got != want {
			t.Errorf("decode %s = %+v, %v; want %+v", input, got, err, want)
		}
	}
	var bad PostTest
	if err := json.Unmarshal([]byte(`[1]`), &bad); err == nil {
		t.Error("decode of a list succeeded")
	}
}

func FuzzPostTest(f *testing.F) {
	for _, seed := range []string{`1`, `"too old"`, `{"status":1}`, `null`, `"9"`, `[]`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		var p PostTest
		_ = json.Unmarshal([]byte(input), &p)
		_ = p.Explain()
	})
}

func TestConnectionStatusTexts(t *testing.T) {
	for status := ConnectionOK; status <= ConnectionSightingsOnly; status++ {
		if strings.HasPrefix(status.String(), "status ") || status.Explain() == "" {
			t.Errorf("status %d has no name or explanation", int(status))
		}
	}
	if got := ConnectionStatus(42).String(); got != "status 42" {
		t.Errorf("unknown status name = %q", got)
	}
}
