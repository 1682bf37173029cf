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
// accepts lower case, whitespace around the text, line breaks that mail
// and chat programs insert, whether or not they replaced a space, and
// the quote markers of a mail reply.
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
	s = strings.ToUpper(strings.TrimSpace(unquote(s)))

	payload, err := cutPrefix(s)
	if err != nil {
		return 0, nil, err
	}
	if len(s) > maxTextLen {
		return 0, nil, fmt.Errorf("%w: text of %d bytes is longer than any mispbump code "+
			"(at most %d); copy only the code", ErrDamaged, len(s), maxTextLen)
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
