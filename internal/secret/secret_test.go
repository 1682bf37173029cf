package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const clear = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wxyz"

func TestKeyNeverPrints(t *testing.T) {
	k := New(clear)
	holder := struct {
		Name string
		Key  Key
		Ptr  *Key
	}{"partner", k, &k}
	hidden := struct {
		name string
		key  Key
		ptr  *Key
	}{"partner", k, &k}

	outputs := map[string]string{
		"%v":             fmt.Sprintf("%v", k),
		"%s":             fmt.Sprintf("%s", k),
		"%q":             fmt.Sprintf("%q", k),
		"%x":             fmt.Sprintf("%x", k),
		"%#v":            fmt.Sprintf("%#v", k),
		"%+v":            fmt.Sprintf("%+v", holder),
		"struct":         fmt.Sprintf("%v", holder),
		"error":          fmt.Errorf("add key %v: %w", k, errors.New("boom")).Error(),
		"println":        fmt.Sprintln(k, &k),
		"unexported %v":  fmt.Sprintf("%v", hidden),
		"unexported %+v": fmt.Sprintf("%+v", hidden),
		"unexported %#v": fmt.Sprintf("%#v", hidden),
		"unexported ptr": fmt.Sprintf("%+v", &hidden),
	}
	js, err := json.Marshal(holder)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	outputs["json"] = string(js)

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Debug("key", "key", k, "holder", holder)
	outputs["slog"] = logs.String()

	for name, out := range outputs {
		if strings.Contains(out, clear) || strings.Contains(out, clear[:10]) {
			t.Errorf("%s output contains the key: %s", name, out)
		}
		if strings.HasPrefix(name, "unexported") {
			continue
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("%s output lacks the placeholder: %s", name, out)
		}
	}
}

func TestKeyReveal(t *testing.T) {
	k := New(clear)
	if got := k.Reveal(); got != clear {
		t.Fatalf("Reveal = %q, want the clear key", got)
	}
	if k.IsZero() {
		t.Fatal("IsZero on a set key")
	}
	if !(Key{}).IsZero() {
		t.Fatal("zero Key not IsZero")
	}
}

func TestKeyEqual(t *testing.T) {
	if !New(clear).Equal(New(clear)) {
		t.Error("equal keys compare unequal")
	}
	if New(clear).Equal(New(clear[:39] + "Q")) {
		t.Error("different keys compare equal")
	}
}

func TestKeyHint(t *testing.T) {
	if got := New(clear).Hint(); got != "AbCd…wxyz" {
		t.Errorf("Hint = %q", got)
	}
	if got := New("short").Hint(); got != Redacted {
		t.Errorf("Hint of a short key = %q", got)
	}
}

func TestQuoteHidesKeyShapedValues(t *testing.T) {
	for _, s := range []string{clear, "https://" + clear, "/etc/" + clear + ".txt"} {
		if LooksLikeKey(s) == false || strings.Contains(Quote(s), clear) {
			t.Errorf("Quote(%.12s…) shows the key-shaped value", s)
		}
	}
	for _, s := range []string{"https://misp.example.org", "30s", strings.Repeat("a", 39) + "-" + strings.Repeat("b", 39),
		"/tmp/TestBreakKeyFileFlagBeatsEnvironment12345678/001/misp.key"} {
		if LooksLikeKey(s) {
			t.Errorf("LooksLikeKey(%q) = true", s)
		}
		if Quote(s) != fmt.Sprintf("%q", s) {
			t.Errorf("Quote(%q) = %s", s, Quote(s))
		}
	}
}
