package codes

import (
	"strings"
	"testing"
)

// TestUnwrapBoundsWork feeds unwrap payloads that line breaks make
// expensive and checks that the joins it passes to try stay within its
// work budget.
func TestUnwrapBoundsWork(t *testing.T) {
	cases := map[string]string{
		"long line, many short ones": strings.Repeat("0", 150000) + strings.Repeat("\n0", 20000),
		"long line, few short ones":  strings.Repeat("0", 150000) + strings.Repeat("\n0", 200),
		"one character a line":       strings.Repeat("0\n", 60000),
		"blank lines":                "000" + strings.Repeat("\n", 5000) + "000",
		"spaces at line ends":        strings.Repeat("00 \n", 30000),
	}
	for name, payload := range cases {
		budget := max(unwrapMinWork, unwrapWorkPerByte*len(payload))
		tries, tried := 0, 0
		unwrap(payload, func(s string) bool {
			tries++
			tried += len(s)
			return false
		})
		if tried > budget {
			t.Errorf("%s: tried %d joins of %d bytes in all, more than the budget of %d",
				name, tries, tried, budget)
		}
	}
}

// TestUnwrapFindsWrappedText checks that the work budget leaves room
// for texts wrapped by mail and chat programs, at spaces or anywhere.
func TestUnwrapFindsWrappedText(t *testing.T) {
	cases := []struct{ size, width int }{
		{100, 20}, {100, 76}, {1600, 30}, {1600, 40}, {1600, 76}, {20000, 76},
	}
	for _, c := range cases {
		for seed := int64(1); seed <= 5; seed++ {
			text := EncodeText(randomMessage(t, c.size, seed))
			if _, err := DecodeText(hardWrap(text, c.width)); err != nil {
				t.Errorf("%d bytes (seed %d) broken every %d: %v", c.size, seed, c.width, err)
			}
			if _, err := DecodeText(wrap(text, c.width, "\r\n")); err != nil {
				t.Errorf("%d bytes (seed %d) wrapped at spaces near %d: %v", c.size, seed, c.width, err)
			}
		}
	}
}
