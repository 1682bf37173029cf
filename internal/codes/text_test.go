package codes

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestTextRoundTrip(t *testing.T) {
	for _, n := range append([]int{1, 2, 3, 4, 5}, handshakeSizes...) {
		msg := randomMessage(t, n, int64(n))
		text := EncodeText(msg)
		if !strings.HasPrefix(text, TextPrefix) {
			t.Fatalf("text of %d bytes starts with %q", n, text[:10])
		}
		if strings.HasSuffix(text, " ") {
			t.Errorf("text of %d bytes ends in a space", n)
		}
		got, err := DecodeText(text)
		if err != nil {
			t.Fatalf("decode %d bytes: %v", n, err)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("decode %d bytes: message differs", n)
		}
	}
}

func TestTextPrefixIsAlphanumeric(t *testing.T) {
	for _, c := range TextPrefix {
		if !strings.ContainsRune(base45Alphabet, c) {
			t.Errorf("prefix character %q is outside the QR alphanumeric set", c)
		}
	}
}

// wrap breaks s into lines of width characters the way mail and chat
// programs do: at a space when one is near, replacing it, and otherwise
// in the middle of a word.
func wrap(s string, width int, sep string) string {
	var b strings.Builder
	for len(s) > width {
		cut := width
		if i := strings.LastIndex(s[:width], " "); i > width/2 {
			b.WriteString(s[:i] + sep)
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:cut] + sep)
		s = s[cut:]
	}
	b.WriteString(s)
	return b.String()
}

func TestTextSurvivesMailAndChat(t *testing.T) {
	msg := randomMessage(t, 600, 7)
	text := EncodeText(msg)
	if !strings.Contains(text, " ") {
		t.Fatal("test text has no space to wrap at; pick another seed")
	}

	cases := map[string]string{
		"surrounding whitespace": "\n\t  " + text + "  \r\n",
		"lower case":             strings.ToLower(text),
		"wrapped at 76, CRLF":    wrap(text, 76, "\r\n"),
		"wrapped at 40, LF":      wrap(text, 40, "\n"),
		"hard breaks every 64":   hardWrap(text, 64),
		"quoted indentation":     strings.ReplaceAll(hardWrap(text, 70), "\n", "\n    "),
	}
	for name, s := range cases {
		got, err := DecodeText(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, msg) {
			t.Errorf("%s: message differs", name)
		}
	}
}

func hardWrap(s string, width int) string {
	var lines []string
	for len(s) > width {
		lines = append(lines, s[:width])
		s = s[width:]
	}
	return strings.Join(append(lines, s), "\n")
}

func TestTextErrors(t *testing.T) {
	msg := randomMessage(t, 120, 1)
	text := EncodeText(msg)
	anim, err := NewAnimation(randomMessage(t, 600, 2), AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}

	flipped := []byte(text)
	i := len(TextPrefix) + 10
	if flipped[i] == 'A' {
		flipped[i] = 'B'
	} else {
		flipped[i] = 'A'
	}

	tests := []struct {
		name, text string
		want       error
		wantText   string
	}{
		{"empty", "", ErrNotCode, "not a mispbump code"},
		{"url", "https://example.com/", ErrNotCode, "not a mispbump code"},
		{"no version", "MISPBUMP:ABC", ErrNotCode, "no format version"},
		{"newer version", "MISPBUMP2:ABC", ErrUnsupportedVersion, "unsupported mispbump code version 2"},
		{"changed character", string(flipped), ErrDamaged, "damaged"},
		{"cut short", text[:len(text)-9], ErrDamaged, "damaged"},
		{"foreign character", text[:20] + "_" + text[21:], ErrDamaged, "damaged"},
		{"frame", anim.FrameText(0), ErrFrame, "one frame of an animated code"},
	}
	for _, tt := range tests {
		_, err := DecodeText(tt.text)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantText) {
			t.Errorf("%s: error %q does not say %q", tt.name, err, tt.wantText)
		}
	}
}

func TestSplitTexts(t *testing.T) {
	anim, err := NewAnimation(randomMessage(t, 1500, 3), AnimationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	static := EncodeText(randomMessage(t, 120, 4))

	input := "Here are the codes:\n\n" + hardWrap(anim.FrameText(0), 50) + "\n" +
		anim.FrameText(1) + "\n  " + hardWrap(static, 60) + "\n\nthanks\n"
	texts := SplitTexts(input)
	if len(texts) != 3 {
		t.Fatalf("SplitTexts found %d texts, want 3", len(texts))
	}
	if _, err := Inspect(texts[0]); err != nil {
		t.Errorf("wrapped frame: %v", err)
	}
	if _, err := Inspect(texts[1]); err != nil {
		t.Errorf("frame: %v", err)
	}
	// The blank line ends the static text, so "thanks" stays out.
	if _, err := DecodeText(texts[2]); err != nil {
		t.Errorf("static text: %v", err)
	}
}

func FuzzDecodeText(f *testing.F) {
	f.Add(EncodeText([]byte("hello")))
	f.Add(EncodeText(make([]byte, 300)))
	f.Add("MISPBUMP1:")
	f.Add("MISPBUMP99999:AB")
	f.Add("mispbump1:bb8\n\n")
	f.Add(hardWrap(EncodeText(make([]byte, 90)), 7))
	f.Add(quote(hardWrap(EncodeText([]byte("quoted")), 12), "> "))
	f.Add(">> " + TextPrefix + "0\n>\n> 0")
	f.Add(TextPrefix + strings.Repeat("0", 3000) + strings.Repeat("\n0", 300))
	f.Fuzz(func(t *testing.T, s string) {
		msg, err := DecodeText(s)
		if err != nil {
			if !errors.Is(err, ErrNotCode) && !errors.Is(err, ErrDamaged) &&
				!errors.Is(err, ErrUnsupportedVersion) && !errors.Is(err, ErrFrame) {
				t.Fatalf("error %v wraps none of the package errors", err)
			}
			return
		}
		again, err := DecodeText(EncodeText(msg))
		if err != nil || !bytes.Equal(again, msg) {
			t.Fatalf("decoded message does not round trip: %v", err)
		}
	})
}

func TestTextPrefixMatchesParts(t *testing.T) {
	if want := textName + strconv.Itoa(textVersion) + ":"; TextPrefix != want {
		t.Errorf("TextPrefix %q does not match the name and version parsed, %q", TextPrefix, want)
	}
}

// quote puts marker before every line of s, as a mail reply does.
func quote(s, marker string) string {
	return marker + strings.ReplaceAll(s, "\n", "\n"+marker)
}

func TestTextQuotedInMail(t *testing.T) {
	msg := randomMessage(t, 1260, 8)
	text := wrap(EncodeText(msg), 72, "\n")
	cases := map[string]string{
		"one level":              quote(text, "> "),
		"without space":          quote(text, ">"),
		"two levels":             quote(text, ">> "),
		"two levels with spaces": quote(text, "> > "),
		"indented, CRLF":         strings.ReplaceAll(quote(text, "  > "), "\n", "\r\n"),
		"hard breaks":            quote(hardWrap(EncodeText(msg), 70), "> "),
	}
	for name, s := range cases {
		got, err := DecodeText(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, msg) {
			t.Errorf("%s: message differs", name)
		}
	}
}

func TestSplitTextsQuotedReply(t *testing.T) {
	mine := randomMessage(t, 1260, 9)
	theirs := randomMessage(t, 600, 10)
	mail := "Here is my reply code:\n\n" + wrap(EncodeText(mine), 72, "\n") + "\n\n" +
		"On Monday, Alice wrote:\n" +
		"> Hello, this is my code:\n>\n" +
		quote(wrap(EncodeText(theirs), 72, "\n"), "> ") + "\n" +
		"Thanks, got it.\n"

	texts := SplitTexts(mail)
	if len(texts) != 2 {
		t.Fatalf("SplitTexts found %d texts, want 2", len(texts))
	}
	for i, want := range [][]byte{mine, theirs} {
		got, err := DecodeText(texts[i])
		if err != nil {
			t.Errorf("text %d: %v", i+1, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("text %d: message differs", i+1)
		}
	}
}

// TestTextWrappedAtDoubleSpace breaks a text at one of two spaces in a
// row and drops that space, as programs that wrap at spaces do.
func TestTextWrappedAtDoubleSpace(t *testing.T) {
	var msg []byte
	var text string
	at := -1
	for seed := int64(1); at < 0; seed++ {
		msg = randomMessage(t, 1260, seed)
		text = EncodeText(msg)
		at = strings.Index(text[len(TextPrefix):], "  ")
		if at >= 0 {
			at += len(TextPrefix)
		}
	}
	cases := map[string]string{
		"space kept on the left":  text[:at+1] + "\n" + text[at+2:],
		"space kept on the right": text[:at] + "\n" + text[at+1:],
	}
	for name, s := range cases {
		got, err := DecodeText(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, msg) {
			t.Errorf("%s: message differs", name)
		}
	}
}

func TestTextTooLong(t *testing.T) {
	_, err := DecodeText(TextPrefix + strings.Repeat("0", maxTextLen))
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("error = %v, want ErrDamaged", err)
	}
	if !strings.Contains(err.Error(), "longer than any mispbump code") {
		t.Errorf("error %q does not give the reason", err)
	}
}
