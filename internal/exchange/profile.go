package exchange

import (
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Profile describes one side of a bump: the organisation, where its MISP
// can be reached and what sync it wants. The partner's app uses it to
// create the organisation, the sync user and the server entry.
type Profile struct {
	// Organisation fields as MISP stores them. OrgName and OrgUUID are
	// required. OrgUUID is sent as 16 bytes and always read back in
	// lower-case canonical form.
	OrgName, OrgUUID, Description, Nationality, Sector, OrgType string

	// URL is the base URL the partner's MISP must call (as in
	// MISP.external_baseurl or MISP.baseurl): http or https, no query.
	URL string

	// SyncEmail is the e-mail for the sync user the partner creates for us.
	SyncEmail string

	// TLSPin is the SHA-256 of our MISP's leaf certificate (DER) when the
	// certificate is self-signed or privately issued, and nil otherwise.
	TLSPin []byte

	// Pull and Push are the directions the sender wants to run itself
	// against the partner.
	Pull, Push bool

	// MISPVersion is the sender's MISP version, such as "2.5.1". Optional.
	MISPVersion string

	// Time is when the profile was sealed. The sealing methods set it, so
	// any value passed in is ignored. It has a precision of one second.
	Time time.Time
}

// Length limits of profile fields in bytes of UTF-8. A longer identifying
// field (name, URL, e-mail, version) is rejected. A longer free-text field
// (description, nationality, sector, type) is truncated at a character
// boundary and ends with "…". With every identifying field at its limit the
// encoded profile is 415 bytes, so truncating free text always reaches
// maxProfileSize.
const (
	MaxOrgNameLen     = 100
	MaxURLLen         = 120
	MaxSyncEmailLen   = 100
	MaxMISPVersionLen = 16
	MaxDescriptionLen = 200
	MaxNationalityLen = 64
	MaxSectorLen      = 64
	MaxOrgTypeLen     = 64
)

// ellipsis marks a truncated free-text field.
const ellipsis = "…"

// PrepareProfile returns the profile as the partner will receive it. The
// uuid is lower-cased and control characters are removed from free-text
// fields. Those fields are then truncated until the encoded profile fits
// the message size budget: description first, then sector, type and
// nationality. An identifying field that is invalid or too long gives a
// *ProfileError. Time is left as given because sealing sets it.
func PrepareProfile(p Profile) (Profile, error) {
	if len(p.TLSPin) == 0 {
		p.TLSPin = nil
	}
	p.Description = truncateText(cleanText(p.Description, true), MaxDescriptionLen)
	p.Nationality = truncateText(cleanText(p.Nationality, false), MaxNationalityLen)
	p.Sector = truncateText(cleanText(p.Sector, false), MaxSectorLen)
	p.OrgType = truncateText(cleanText(p.OrgType, false), MaxOrgTypeLen)

	uuid, err := parseUUID(p.OrgUUID)
	if err != nil {
		return p, &ProfileError{Field: "OrgUUID", Value: p.OrgUUID, Reason: err.Error()}
	}
	p.OrgUUID = formatUUID(uuid)
	if err := validateIdentity(p, false); err != nil {
		return p, err
	}
	p, err = fitProfile(p)
	if err != nil {
		return p, err
	}
	return p, validateProfile(p, false)
}

// fitProfile shortens free-text fields until the encoded profile fits
// maxProfileSize. Each pass cuts one field by the excess. A pass can fall
// short by a byte or two when a CBOR length header shrinks, so it repeats.
func fitProfile(p Profile) (Profile, error) {
	fields := []*string{&p.Description, &p.Sector, &p.OrgType, &p.Nationality}
	for _, field := range fields {
		for {
			size, err := sealedProfileSize(p)
			if err != nil {
				return p, err
			}
			excess := size - maxProfileSize
			if excess <= 0 {
				return p, nil
			}
			if *field == "" {
				break
			}
			*field = truncateText(*field, max(len(*field)-excess, 0))
		}
	}
	// Unreachable while the identifying limits add up to less than
	// maxProfileSize. It stays so that a change of limits fails loudly.
	return p, fmt.Errorf("encoded profile exceeds %d bytes after truncating all free text", maxProfileSize)
}

// sealedProfileSize returns the encoded size of p with a time whose CBOR
// form is the largest (9 bytes), because sealing sets the real time later.
func sealedProfileSize(p Profile) (int, error) {
	p.Time = time.Unix(1<<40, 0)
	encoded, err := encodeProfile(p)
	return len(encoded), err
}

// validateProfile checks every field of a profile read from the partner,
// or of an own profile after PrepareProfile.
func validateProfile(p Profile, partner bool) error {
	if err := validateIdentity(p, partner); err != nil {
		return err
	}
	if _, err := parseUUID(p.OrgUUID); err != nil || p.OrgUUID != strings.ToLower(p.OrgUUID) {
		return &ProfileError{Partner: partner, Field: "OrgUUID", Value: p.OrgUUID,
			Reason: "not a lower-case RFC 4122 uuid"}
	}
	free := []struct {
		name, value string
		limit       int
		multiline   bool
	}{
		{"Description", p.Description, MaxDescriptionLen, true},
		{"Nationality", p.Nationality, MaxNationalityLen, false},
		{"Sector", p.Sector, MaxSectorLen, false},
		{"OrgType", p.OrgType, MaxOrgTypeLen, false},
	}
	for _, f := range free {
		if err := checkText(f.value, f.limit, f.multiline); err != nil {
			return &ProfileError{Partner: partner, Field: f.name, Value: f.value, Reason: err.Error()}
		}
	}
	if p.TLSPin != nil && len(p.TLSPin) != 32 {
		return &ProfileError{Partner: partner, Field: "TLSPin", Value: hex.EncodeToString(p.TLSPin),
			Reason: fmt.Sprintf("a SHA-256 pin has 32 bytes, not %d", len(p.TLSPin))}
	}
	return nil
}

// validateIdentity checks the fields that are rejected rather than
// truncated: name, URL, e-mail and MISP version.
func validateIdentity(p Profile, partner bool) error {
	fail := func(field, value, reason string) error {
		return &ProfileError{Partner: partner, Field: field, Value: value, Reason: reason}
	}
	if p.OrgName == "" || strings.TrimSpace(p.OrgName) == "" {
		return fail("OrgName", p.OrgName, "the organisation name is missing")
	}
	if err := checkText(p.OrgName, MaxOrgNameLen, false); err != nil {
		return fail("OrgName", p.OrgName, err.Error())
	}
	if err := checkURL(p.URL); err != nil {
		return fail("URL", p.URL, err.Error())
	}
	if err := checkEmail(p.SyncEmail); err != nil {
		return fail("SyncEmail", p.SyncEmail, err.Error())
	}
	if err := checkVersion(p.MISPVersion); err != nil {
		return fail("MISPVersion", p.MISPVersion, err.Error())
	}
	return nil
}

// checkText checks UTF-8 validity, length and characters of a text field.
// Control characters other than newline and tab (multi-line fields only)
// and bidirectional formatting characters are rejected, because they can
// make a name look like another one on the partner's screen.
func checkText(s string, limit int, multiline bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("not valid UTF-8")
	}
	if len(s) > limit {
		return fmt.Errorf("%d bytes long, the limit is %d", len(s), limit)
	}
	for _, r := range s {
		if !allowedRune(r, multiline) {
			return fmt.Errorf("contains the control character %U", r)
		}
	}
	return nil
}

// cleanText makes free text valid UTF-8 and removes the characters that
// checkText rejects.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if allowedRune(r, multiline) {
			return r
		}
		return -1
	}, s)
}

func allowedRune(r rune, multiline bool) bool {
	if multiline && (r == '\n' || r == '\t') {
		return true
	}
	if unicode.IsControl(r) {
		return false
	}
	// Bidirectional embeddings, overrides and isolates.
	return (r < 0x202A || r > 0x202E) && (r < 0x2066 || r > 0x2069)
}

// truncateText cuts s to at most limit bytes at a character boundary and
// marks the cut with an ellipsis. A limit too small for any text gives "".
func truncateText(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit - len(ellipsis)
	if cut <= 0 {
		return ""
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + ellipsis
}

// checkURL accepts an absolute http or https URL with a host and without
// user information, query or fragment, which MISP would not use as a base
// URL.
func checkURL(s string) error {
	if len(s) > MaxURLLen {
		return fmt.Errorf("%d bytes long, the limit is %d", len(s), MaxURLLen)
	}
	if err := checkText(s, MaxURLLen, false); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("the scheme must be http or https")
	case u.Host == "" || u.Opaque != "":
		return fmt.Errorf("the host is missing")
	case u.User != nil:
		return fmt.Errorf("user information is not allowed")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Errorf("a query or fragment is not allowed")
	case strings.ContainsAny(s, " \t"):
		return fmt.Errorf("spaces are not allowed")
	}
	return nil
}

// checkEmail accepts a bare address (no display name) that net/mail parses
// back to the same string.
func checkEmail(s string) error {
	if len(s) > MaxSyncEmailLen {
		return fmt.Errorf("%d bytes long, the limit is %d", len(s), MaxSyncEmailLen)
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return fmt.Errorf("not an e-mail address of the form name@example.org")
	}
	return nil
}

// checkVersion accepts an empty version or one made of letters, digits,
// dots, plus and minus signs.
func checkVersion(s string) error {
	if len(s) > MaxMISPVersionLen {
		return fmt.Errorf("%d bytes long, the limit is %d", len(s), MaxMISPVersionLen)
	}
	for _, r := range s {
		if !(r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '.' || r == '+' || r == '-')) {
			return fmt.Errorf("only letters, digits, '.', '+' and '-' are allowed")
		}
	}
	return nil
}

// parseUUID reads the 8-4-4-4-12 hex form in either case.
func parseUUID(s string) ([16]byte, error) {
	var id [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return id, fmt.Errorf("not a uuid of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
	}
	digits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(id[:], []byte(digits)); err != nil {
		return id, fmt.Errorf("a uuid contains only hex digits and dashes")
	}
	return id, nil
}

// formatUUID writes the lower-case 8-4-4-4-12 form.
func formatUUID(id [16]byte) string {
	h := hex.EncodeToString(id[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
