package codes

import "strings"

// SplitTexts splits pasted or stored text into the texts of single codes.
// Each line that starts with the mispbump prefix begins a new text. The
// lines after it continue that text until a blank line, because mail and
// chat programs wrap long lines. Other text is dropped.
//
// A code quoted in a mail reply keeps working: quote markers ("> ",
// ">> ", "> > ") before the prefix are removed, and so are those of the
// lines that continue the text. A line quoted to another depth ends the
// text, like a blank line.
func SplitTexts(s string) []string {
	var texts []string
	var current []string
	depth := 0
	flush := func() {
		if current != nil {
			texts = append(texts, strings.Join(current, "\n"))
			current = nil
		}
	}

	for _, line := range strings.Split(s, "\n") {
		d, rest := cutQuote(line)
		trimmed := strings.ToUpper(strings.TrimSpace(rest))
		switch {
		case strings.HasPrefix(trimmed, textName):
			flush()
			current = []string{rest}
			depth = d
		case trimmed == "" || d != depth:
			flush()
		case current != nil:
			current = append(current, rest)
		}
	}
	flush()
	return texts
}

// cutQuote removes the quote markers that mail programs put before
// quoted lines: any indentation, then one or more '>', each followed by
// an optional space. It returns the number of markers and the rest of
// the line, or 0 and the line unchanged when it is not quoted. Base45
// has no '>', so a marker is never part of a code.
func cutQuote(line string) (int, string) {
	rest := strings.TrimLeft(line, " \t")
	depth := 0
	for strings.HasPrefix(rest, ">") {
		depth++
		rest = strings.TrimPrefix(rest[1:], " ")
	}
	if depth == 0 {
		return 0, line
	}
	return depth, rest
}

// unquote removes the quote markers from every line of s when its first
// line is quoted, so that DecodeText reads a code copied out of a mail
// reply with its markers.
func unquote(s string) string {
	if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), ">") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		_, lines[i] = cutQuote(line)
	}
	return strings.Join(lines, "\n")
}
