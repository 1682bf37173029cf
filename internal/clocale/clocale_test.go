package clocale

import "testing"

func TestIsPOSIX(t *testing.T) {
	cases := map[string]bool{
		"C": true, "C.UTF-8": true, "C.utf8": true, "POSIX": true,
		"en_US.UTF-8": false, "de_DE": false, "": false, "Cy_GB": false,
	}
	for locale, want := range cases {
		if got := IsPOSIX(locale); got != want {
			t.Errorf("IsPOSIX(%q) = %v, want %v", locale, got, want)
		}
	}
}
