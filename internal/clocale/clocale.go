// Package clocale maps the POSIX "C" locale to English before Fyne reads
// the locale.
//
// Fyne's lang package parses the user's locale in its init function and
// logs "Fyne error: Error parsing user locale C" to standard error when
// LANG is C or C.UTF-8, as on minimal servers and in containers: noise on
// every command, including the command-line ones. The C locale means "no
// translation", which is English, so setting LANGUAGE=en for it changes
// nothing else.
//
// Import this package from main. Go initialises the packages of a program
// in import path order among those whose imports are ready (the language
// specification, "Package initialization", since Go 1.21); this package
// needs only the standard library, and its path sorts before Fyne's
// dependencies github.com/nicksnyder/go-i18n and golang.org/x/text, so
// its init runs before Fyne's lang package. A test of the built binary
// checks that.
package clocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		value := os.Getenv(name)
		if value == "" {
			continue
		}
		if IsPOSIX(value) {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}

// IsPOSIX reports whether a locale name is the C or POSIX locale, with
// or without a character set ("C.UTF-8").
func IsPOSIX(locale string) bool {
	base, _, _ := strings.Cut(locale, ".")
	return base == "C" || base == "POSIX"
}
