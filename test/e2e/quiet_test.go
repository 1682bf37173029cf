package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestQuietInPOSIXLocale checks that a command prints nothing but its
// own output when LANG is the C locale of minimal servers, where Fyne
// would otherwise log a locale parsing error at every start.
func TestQuietInPOSIXLocale(t *testing.T) {
	for _, locale := range []string{"C", "C.UTF-8", "POSIX"} {
		cmd := exec.Command(binary, "--data-dir", t.TempDir(), "history")
		cmd.Env = append(os.Environ(), "LANG="+locale, "LANGUAGE=", "LC_ALL=", "LC_MESSAGES=")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("LANG=%s: %v\n%s", locale, err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("LANG=%s: the command wrote to standard error:\n%s", locale, stderr.String())
		}
		if !strings.Contains(string(out), "No bumps yet") {
			t.Errorf("LANG=%s: unexpected output %q", locale, out)
		}
	}
}
