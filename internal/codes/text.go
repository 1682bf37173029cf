package codes

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TextPrefix starts the text form of every code: the format name and its
// version, all in the QR alphanumeric character set.
const TextPrefix = "MISPBUMP1:"

const (
	textName    = "MISPBUMP"
	textVersion = 1
)

// Errors that DecodeText and Collector.Add wrap, for errors.Is.
var (
	// ErrNotCode marks text or a QR code that is not a mispbump code.
	ErrNotCode = errors.New("not a mispbump code")

	// ErrDamaged marks a mispbump code whose content did not survive the
	// trip: a character changed, went missing or was added.
	ErrDamaged = errors.New("damaged mispbump code")

	// ErrUnsupportedVersion marks a code written by a newer or older
	// mispbump with a format version this one does not read.
	ErrUnsupportedVersion = errors.New("unsupported mispbump code version")

	// ErrFrame marks the text of one frame of an animated code, given
	// where a whole message was expected.
	ErrFrame = errors.New("text is one frame of an animated code")
)

// EncodeText returns the text form of msg: TextPrefix and the Base45 form
// of the body, which carries a checksum. The result is one line with no
// space at either end.
func EncodeText(msg []byte) string {
	return TextPrefix + encodeBase45(sealBody(kindMessage, msg))
}

// DecodeText returns the message in a text form made by EncodeText. It
// accepts lower case, whitespace around the text and line breaks that mail
// and chat programs insert, whether or not they replaced a space.
func DecodeText(s string) ([]byte, error) {
	k, content, err := parseText(s)
	if err != nil {
		return nil, err
	}
	if k == kindFrame {
		return nil, fmt.Errorf("%w: scan the animated code or paste all of its lines", ErrFrame)
	}
	return content, nil
}

// parseText checks the prefix and returns the kind and content of the
// body, trying the ways line breaks may have been inserted.
func parseText(s string) (kind, []byte, error) {
	s = strings.ToUpper(strings.TrimSpace(s))

	payload, err := cutPrefix(s)
	if err != nil {
		return 0, nil, err
	}

	var firstErr error
	var k kind
	var content []byte
	found := unwrap(payload, func(candidate string) bool {
		var err error
		k, content, err = parsePayload(candidate)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return err == nil
	})
	if found {
		return k, content, nil
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("%w: the text is not valid Base45 however its line breaks "+
			"are joined; copy the whole text again", ErrDamaged)
	}
	return 0, nil, firstErr
}

// cutPrefix checks "MISPBUMP<version>:" at the start of s and returns the
// rest.
func cutPrefix(s string) (string, error) {
	rest, ok := strings.CutPrefix(s, textName)
	if !ok {
		return "", fmt.Errorf("%w: text does not start with %q", ErrNotCode, TextPrefix)
	}

	digits, payload, ok := strings.Cut(rest, ":")
	version, err := strconv.Atoi(digits)
	if !ok || err != nil || len(digits) > 4 {
		return "", fmt.Errorf("%w: no format version after %q", ErrNotCode, textName)
	}
	if version != textVersion {
		return "", fmt.Errorf("%w %d: this mispbump reads version %d, so use the same "+
			"mispbump release on both sides", ErrUnsupportedVersion, version, textVersion)
	}
	return payload, nil
}

// parsePayload decodes one candidate Base45 payload and checks its body.
func parsePayload(payload string) (kind, []byte, error) {
	raw, err := decodeBase45(payload)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w; copy the whole text again", ErrDamaged, err)
	}
	return openBody(raw)
}

// maxUnwrapSteps bounds the join choices that unwrap explores, so that
// no text costs more than milliseconds.
const maxUnwrapSteps = 20000

// unwrap passes the payload, joined across its line breaks, to try until
// try returns true, and reports whether it did. Each break may have been
// inserted (join directly) or may have replaced a space (join with one
// space), with whitespace beside it kept or dropped. A depth-first
// search drops a choice as soon as a complete three-character group
// exceeds what Base45 allows. A wrong choice shifts the groups that
// follow, so wrong branches die within a few groups, and the checksum in
// try picks among the few that survive.
func unwrap(payload string, try func(string) bool) bool {
	payload = strings.ReplaceAll(payload, "\r", "")
	lines := strings.Split(payload, "\n")
	if len(lines) == 1 {
		return try(payload)
	}

	steps := 0
	var search func(prefix string, checked, next int) bool
	search = func(prefix string, checked, next int) bool {
		if next == len(lines) {
			return try(prefix)
		}
		// Joining may drop trailing whitespace of the prefix, so recheck
		// the groups that whitespace was part of.
		stable := min(checked, len(strings.TrimRight(prefix, " \t"))/3*3)
		for _, joined := range joinOptions(prefix, lines[next]) {
			steps++
			if steps > maxUnwrapSteps {
				return false
			}
			valid, upTo := validGroups(joined, stable)
			if valid && search(joined, upTo, next+1) {
				return true
			}
		}
		return false
	}
	return search(lines[0], 0, 1)
}

// joinOptions returns the distinct ways to join left and right across
// one line break.
func joinOptions(left, right string) []string {
	l := strings.TrimRight(left, " \t")
	r := strings.TrimLeft(right, " \t")
	options := []string{l + r, l + " " + r, left + right}
	if options[2] == options[0] || options[2] == options[1] {
		options = options[:2]
	}
	return options
}

// validGroups checks the complete three-character groups of s from
// offset from on and returns where the checked part ends.
func validGroups(s string, from int) (bool, int) {
	end := len(s) / 3 * 3
	for i := from; i < end; i += 3 {
		a, b, c := base45Values[s[i]], base45Values[s[i+1]], base45Values[s[i+2]]
		if a < 0 || b < 0 || c < 0 || int(a)+int(b)*45+int(c)*2025 > 0xFFFF {
			return false, i
		}
	}
	return true, max(end, from)
}

// SplitTexts splits pasted or stored text into the texts of single codes.
// Each line that starts with the mispbump prefix begins a new text. The
// lines after it continue that text until a blank line, because mail and
// chat programs wrap long lines. Other text is dropped.
func SplitTexts(s string) []string {
	var texts []string
	open := false
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(trimmed, textName):
			texts = append(texts, line)
			open = true
		case trimmed == "":
			open = false
		case open:
			texts[len(texts)-1] += "\n" + line
		}
	}
	return texts
}
