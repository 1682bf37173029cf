package ui

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCLocaleIsQuiet runs this test binary again in the C locale and
// checks that Fyne, which parses the locale when the program starts,
// prints nothing about it. The ui package imports clocale for that.
func TestCLocaleIsQuiet(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG":
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run %s: %v\n%s", os.Args[0], err, out)
	}
	if strings.Contains(string(out), "locale") {
		t.Errorf("the app prints a locale error in the C locale:\n%s", out)
	}
}
