package codes

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TextPrefix starts the text form of every code: the format name and its
// version, all in the QR alphanumeric character set.
const TextPrefix = textName + "1:"

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
	for _, candidate := range unwrapCandidates(payload) {
		k, content, err := parsePayload(candidate)
		if err == nil {
			return k, content, nil
		}
		if firstErr == nil {
			firstErr = err
		}
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

// maxUnwrapCandidates bounds the join combinations that unwrapCandidates
// tries, so a text broken into many lines costs milliseconds, not seconds.
const maxUnwrapCandidates = 2187

// unwrapCandidates returns the payload joined across its line breaks in
// each plausible way: the break was inserted (join directly) or replaced
// a space (join with one space), with whitespace next to the break either
// kept or dropped. The checksum later picks the right one.
func unwrapCandidates(payload string) []string {
	payload = strings.ReplaceAll(payload, "\r", "")
	lines := strings.Split(payload, "\n")
	if len(lines) == 1 {
		return lines
	}

	joints := len(lines) - 1
	total := 1
	for i := 0; i < joints && total <= maxUnwrapCandidates; i++ {
		total *= 3
	}
	if total > maxUnwrapCandidates {
		// NOTE: with this many breaks only uniform joins are tried, which
		// covers programs that wrap every line the same way.
		return uniformJoins(lines)
	}

	candidates := []string{lines[0]}
	for i := 1; i < len(lines); i++ {
		next := make([]string, 0, len(candidates)*3)
		for _, c := range candidates {
			for _, joined := range joinOptions(c, lines[i]) {
				next = append(next, joined)
			}
		}
		candidates = next
	}
	return dedupe(candidates)
}

// joinOptions returns the three ways to join left and right across one
// line break.
func joinOptions(left, right string) []string {
	l := strings.TrimRight(left, " \t")
	r := strings.TrimLeft(right, " \t")
	return []string{left + right, l + r, l + " " + r}
}

func uniformJoins(lines []string) []string {
	trimmed := make([]string, len(lines))
	for i, line := range lines {
		trimmed[i] = strings.Trim(line, " \t")
	}
	return dedupe([]string{
		strings.Join(lines, ""),
		strings.Join(trimmed, ""),
		strings.Join(trimmed, " "),
	})
}

func dedupe(items []string) []string {
	seen := make(map[string]bool, len(items))
	out := items[:0]
	for _, item := range items {
		if !seen[item] {
			seen[item] = true
			out = append(out, item)
		}
	}
	return out
}

// SplitTexts splits pasted or stored text into the texts of single codes:
// each line that starts with the mispbump prefix begins a new text, and
// other lines continue the text before them, because mail and chat
// programs wrap long lines. Text before the first prefix is dropped.
func SplitTexts(s string) []string {
	var texts []string
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(trimmed, textName):
			texts = append(texts, line)
		case len(texts) > 0 && trimmed != "":
			texts[len(texts)-1] += "\n" + line
		}
	}
	return texts
}
