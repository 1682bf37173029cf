package provision

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/secret"
)

func TestNoKeyInLogsOrHistory(t *testing.T) {
	a, b := twoSides(t)
	ra, rb := fullBump(t, a, b)
	ra.verify(t, b, rb.key)
	rb.verify(t, a, ra.key)

	keys := map[string]secret.Key{
		"A's admin key": a.sim.AdminKey(), "B's admin key": b.sim.AdminKey(),
		"A's sync key": ra.key, "B's sync key": rb.key,
	}
	texts := map[string]string{"A's debug log": a.logs.String(), "B's debug log": b.logs.String()}
	if !strings.Contains(texts["A's debug log"], "level=DEBUG") {
		t.Fatal("the debug log is empty: the test would prove nothing")
	}
	for _, s := range []*side{a, b} {
		files, _ := filepath.Glob(filepath.Join(s.store.Dir(), "*.json"))
		if len(files) == 0 {
			t.Fatal("no history files written")
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts[f] = string(data)
		}
	}
	for name, text := range texts {
		for keyName, key := range keys {
			if key.IsZero() {
				t.Fatalf("%s is empty", keyName)
			}
			if strings.Contains(text, key.Reveal()) {
				t.Errorf("%s contains %s", name, keyName)
			}
		}
	}
}
