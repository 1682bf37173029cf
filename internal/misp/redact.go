package misp

import (
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/mispbump/mispbump/internal/secret"
)

// keyPattern matches a run of 40 or more letters and digits: the form of
// every MISP API key. MISP messages sometimes quote keys, for example
// "Authkey updated: <key>" from users/resetauthkey.
var keyPattern = regexp.MustCompile(`[A-Za-z0-9]{40,}`)

// redactKeys replaces anything shaped like an API key with the secret
// placeholder, so MISP's own text can go into errors and logs.
func redactKeys(s string) string {
	return keyPattern.ReplaceAllString(s, secret.Redacted)
}

// maxExcerpt is the longest excerpt of a non-JSON page kept in an error.
const maxExcerpt = 80

var (
	titlePattern = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	h1Pattern    = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	tagPattern   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// pageExcerpt returns a short, safe description of a non-JSON body: the
// HTML title, else the first heading, else the first words of the text.
// It collapses white space, drops control characters, cuts at maxExcerpt
// runes and redacts key-shaped strings.
func pageExcerpt(body []byte) string {
	text := ""
	if m := titlePattern.FindSubmatch(body); m != nil {
		text = string(m[1])
	} else if m := h1Pattern.FindSubmatch(body); m != nil {
		text = string(m[1])
	} else {
		text = string(body)
	}
	text = tagPattern.ReplaceAllString(text, " ")
	text = html.UnescapeString(text)
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, text)
	text = strings.Join(strings.Fields(text), " ")
	text = redactKeys(text)

	runes := []rune(text)
	if len(runes) > maxExcerpt {
		text = string(runes[:maxExcerpt]) + "…"
	}
	return text
}
