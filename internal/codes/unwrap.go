package codes

import (
	"bytes"
	"slices"
	"strings"
)

// The work that unwrap may spend on a payload: bytes appended, bytes
// checked and bytes passed to try, plus one for each join tried. The
// budget is unwrapWorkPerByte times the payload length and at least
// unwrapMinWork. Texts wrapped by mail and chat programs stay far below
// it, while crafted text, such as one long line followed by thousands
// of one-character lines, would otherwise take minutes.
const (
	unwrapWorkPerByte = 128
	unwrapMinWork     = 1024
)

// unwrap passes the payload, joined across its line breaks, to try until
// try returns true, and reports whether it did. Each break may have been
// inserted (join directly) or may have replaced a space (join with one
// space), with whitespace beside it kept or dropped. A depth-first
// search drops a choice as soon as a complete three-character group
// exceeds what Base45 allows. A wrong choice shifts the groups that
// follow, so wrong branches die within a few groups, and the checksum in
// try picks among the few that survive. unwrap returns false once it
// has spent its work budget.
//
// NOTE: three wrong joins that each shift the text by one character
// realign the groups after them, so only the checksum rejects such a
// branch. With lines of under about 30 characters these branches
// multiply, and a 1,600-byte message may exhaust the budget. In a test
// of 20 such messages, each broken every 12 characters and wrapped at
// spaces near 12, 16 of the 40 texts failed. At 20 characters 1 of 40
// failed, and none at 30.
func unwrap(payload string, try func(string) bool) bool {
	payload = strings.ReplaceAll(payload, "\r", "")
	lines := strings.Split(payload, "\n")
	if len(lines) == 1 {
		return try(payload)
	}

	u := &unwrapper{
		lines:  lines,
		try:    try,
		budget: max(unwrapMinWork, unwrapWorkPerByte*len(payload)),
		buf:    make([]byte, 0, len(payload)+len(lines)),
	}
	u.buf = append(u.buf, lines[0]...)
	return u.search(0, 1)
}

// unwrapper is the state of one unwrap. The search appends each join to
// one buffer and cuts it back when it backtracks, so a step costs the
// length of the line it joins, not of the text so far.
type unwrapper struct {
	lines  []string
	try    func(string) bool
	buf    []byte
	budget int
}

// search joins lines[next] to the buffer in each possible way and goes
// on with the next line. The complete groups of the buffer before
// checked are valid.
func (u *unwrapper) search(checked, next int) bool {
	if next == len(u.lines) {
		u.budget -= len(u.buf)
		return u.budget >= 0 && u.try(string(u.buf))
	}

	// Every join keeps the buffer up to its trailing whitespace, so only
	// the part after it changes. The groups that whitespace was part of
	// are checked again.
	trimmed := len(bytes.TrimRight(u.buf, " \t"))
	tail := string(u.buf[trimmed:])
	stable := min(checked, trimmed/3*3)
	for _, part := range joinParts(tail, u.lines[next]) {
		u.buf = append(u.buf[:trimmed], part...)
		u.budget -= 1 + len(part) + len(u.buf) - stable
		if u.budget < 0 {
			return false
		}
		valid, upTo := validGroups(u.buf, stable)
		if valid && u.search(upTo, next+1) {
			return true
		}
	}
	u.buf = append(u.buf[:trimmed], tail...)
	return false
}

// joinParts returns the distinct texts that may follow the left side of
// a line break once its trailing whitespace tail is cut: the right side
// without leading whitespace, the same after one space, and both sides'
// whitespace kept.
func joinParts(tail, right string) []string {
	r := strings.TrimLeft(right, " \t")
	var parts []string
	for _, p := range []string{tail + right, r, " " + r, tail + " " + right} {
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return parts
}

// validGroups checks the complete three-character groups of s from
// offset from on and returns where the checked part ends.
func validGroups(s []byte, from int) (bool, int) {
	end := len(s) / 3 * 3
	for i := from; i < end; i += 3 {
		a, b, c := base45Values[s[i]], base45Values[s[i+1]], base45Values[s[i+2]]
		if a < 0 || b < 0 || c < 0 || int(a)+int(b)*45+int(c)*2025 > 0xFFFF {
			return false, i
		}
	}
	return true, max(end, from)
}
