package exchange

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrepareProfileTruncatesDescription(t *testing.T) {
	p := initiatorProfile()
	// "é" is two bytes, so the cut lands inside a character whatever the
	// limit's parity, and the result must still be valid UTF-8.
	p.Description = strings.Repeat("é", 400)
	got, err := PrepareProfile(p)
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	if len(got.Description) > MaxDescriptionLen {
		t.Errorf("description is %d bytes, limit %d", len(got.Description), MaxDescriptionLen)
	}
	if !utf8.ValidString(got.Description) {
		t.Errorf("truncated description is not valid UTF-8: %q", got.Description)
	}
	if !strings.HasSuffix(got.Description, ellipsis) {
		t.Errorf("truncated description lacks the ellipsis: %q", got.Description)
	}
	if !strings.HasPrefix(p.Description, strings.TrimSuffix(got.Description, ellipsis)) {
		t.Errorf("truncated description is not a prefix of the original")
	}
}

func TestPrepareProfileKeepsShortText(t *testing.T) {
	p := initiatorProfile()
	got, err := PrepareProfile(p)
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	if got.Description != p.Description || got.Sector != p.Sector {
		t.Errorf("short free text changed: %q, %q", got.Description, got.Sector)
	}
}

func TestPrepareProfileFitsBudget(t *testing.T) {
	p := Profile{
		OrgName:     strings.Repeat("ü", MaxOrgNameLen/2),
		OrgUUID:     "5B1F2A3C-4D5E-4F60-8A71-92B3C4D5E6F7",
		Description: strings.Repeat("€", 100),
		Nationality: strings.Repeat("n", MaxNationalityLen),
		Sector:      strings.Repeat("s", MaxSectorLen),
		OrgType:     strings.Repeat("t", MaxOrgTypeLen),
		URL:         "https://" + strings.Repeat("h", MaxURLLen-8),
		SyncEmail:   strings.Repeat("e", MaxSyncEmailLen-6) + "@x.org",
		TLSPin:      make([]byte, 32),
		MISPVersion: strings.Repeat("1", MaxMISPVersionLen),
	}
	got, err := PrepareProfile(p)
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	size, err := sealedProfileSize(got)
	if err != nil {
		t.Fatal(err)
	}
	if size > maxProfileSize {
		t.Errorf("prepared profile encodes to %d bytes, limit %d", size, maxProfileSize)
	}
	if got.OrgUUID != strings.ToLower(p.OrgUUID) {
		t.Errorf("uuid %q not lower-cased", got.OrgUUID)
	}
	for name, s := range map[string]string{"Description": got.Description,
		"Nationality": got.Nationality, "Sector": got.Sector, "OrgType": got.OrgType} {
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8 after fitting", name)
		}
	}
	if err := validateProfile(got, false); err != nil {
		t.Errorf("prepared profile fails validation: %v", err)
	}
}

// TestIdentifyingLimitsFitBudget checks the claim in the limits' comment:
// identifying fields at their limits leave room for the free text.
func TestIdentifyingLimitsFitBudget(t *testing.T) {
	p := Profile{
		OrgName:     strings.Repeat("N", MaxOrgNameLen),
		OrgUUID:     "5b1f2a3c-4d5e-4f60-8a71-92b3c4d5e6f7",
		URL:         "https://" + strings.Repeat("h", MaxURLLen-8),
		SyncEmail:   strings.Repeat("e", MaxSyncEmailLen-6) + "@x.org",
		TLSPin:      make([]byte, 32),
		Pull:        true,
		Push:        true,
		MISPVersion: strings.Repeat("1", MaxMISPVersionLen),
	}
	size, err := sealedProfileSize(p)
	if err != nil {
		t.Fatal(err)
	}
	if size != 415 {
		t.Errorf("largest profile without free text is %d bytes, the comment says 415", size)
	}
	if size > maxProfileSize {
		t.Errorf("identifying fields alone exceed the budget: %d > %d", size, maxProfileSize)
	}
}

func TestPrepareProfileRemovesControlCharacters(t *testing.T) {
	p := initiatorProfile()
	p.Description = "line one\nline two\x07\u202e"
	p.Sector = "Fin\nance"
	got, err := PrepareProfile(p)
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	if got.Description != "line one\nline two" {
		t.Errorf("description = %q", got.Description)
	}
	if got.Sector != "Finance" {
		t.Errorf("sector = %q", got.Sector)
	}
}

func TestPrepareProfileRejectsInvalidFields(t *testing.T) {
	cases := []struct {
		field  string
		change func(*Profile)
	}{
		{"OrgName", func(p *Profile) { p.OrgName = "" }},
		{"OrgName", func(p *Profile) { p.OrgName = "   " }},
		{"OrgName", func(p *Profile) { p.OrgName = strings.Repeat("x", MaxOrgNameLen+1) }},
		{"OrgName", func(p *Profile) { p.OrgName = "Evil\u202eOrg" }},
		{"OrgUUID", func(p *Profile) { p.OrgUUID = "not-a-uuid" }},
		{"OrgUUID", func(p *Profile) { p.OrgUUID = "5b1f2a3c-4d5e-4f60-8a71-92b3c4d5e6fz" }},
		{"URL", func(p *Profile) { p.URL = "ftp://misp.example.org" }},
		{"URL", func(p *Profile) { p.URL = "misp.example.org" }},
		{"URL", func(p *Profile) { p.URL = "https://" }},
		{"URL", func(p *Profile) { p.URL = "https://user:pw@misp.example.org" }},
		{"URL", func(p *Profile) { p.URL = "https://misp.example.org/?a=b" }},
		{"URL", func(p *Profile) { p.URL = "https://" + strings.Repeat("h", MaxURLLen) }},
		{"SyncEmail", func(p *Profile) { p.SyncEmail = "sync" }},
		{"SyncEmail", func(p *Profile) { p.SyncEmail = "Sync <sync@example.org>" }},
		{"SyncEmail", func(p *Profile) { p.SyncEmail = strings.Repeat("e", MaxSyncEmailLen) + "@x.org" }},
		{"MISPVersion", func(p *Profile) { p.MISPVersion = "2.5 beta" }},
		{"TLSPin", func(p *Profile) { p.TLSPin = make([]byte, 20) }},
	}
	for _, c := range cases {
		p := initiatorProfile()
		c.change(&p)
		_, err := PrepareProfile(p)
		var pe *ProfileError
		if !errors.As(err, &pe) {
			t.Errorf("%s: got %v, want a *ProfileError", c.field, err)
			continue
		}
		if pe.Field != c.field || pe.Partner {
			t.Errorf("%s: error names field %q (partner %v): %v", c.field, pe.Field, pe.Partner, err)
		}
		if !errors.Is(err, ErrInvalidProfile) {
			t.Errorf("%s: error does not match ErrInvalidProfile", c.field)
		}
	}
}

func TestPartnerProfileValidated(t *testing.T) {
	good, err := toWire(mustPrepare(t, responderProfile()))
	if err != nil {
		t.Fatal(err)
	}
	good.Time = uint64(baseTime.Unix())
	cases := []struct {
		field  string
		change func(*wireProfile)
	}{
		{"OrgUUID", func(w *wireProfile) { w.OrgUUID = w.OrgUUID[:15] }},
		{"URL", func(w *wireProfile) { w.URL = "javascript:alert(1)" }},
		{"SyncEmail", func(w *wireProfile) { w.SyncEmail = "a@b@c" }},
		{"TLSPin", func(w *wireProfile) { w.TLSPin = make([]byte, 31) }},
		{"Description", func(w *wireProfile) { w.Description = strings.Repeat("d", MaxDescriptionLen+1) }},
		{"Sector", func(w *wireProfile) { w.Sector = "a\x00b" }},
		{"OrgName", func(w *wireProfile) { w.OrgName = string([]byte{0xff, 0xfe}) }},
		{"Time", func(w *wireProfile) { w.Time = 0 }},
	}
	for _, c := range cases {
		w := good
		c.change(&w)
		_, err := fromWire(w)
		var pe *ProfileError
		if !errors.As(err, &pe) {
			t.Errorf("%s: got %v, want a *ProfileError", c.field, err)
			continue
		}
		if pe.Field != c.field || !pe.Partner {
			t.Errorf("%s: error names field %q (partner %v): %v", c.field, pe.Field, pe.Partner, err)
		}
		if !strings.Contains(err.Error(), "partner profile") {
			t.Errorf("%s: message does not say whose profile: %v", c.field, err)
		}
	}
	if _, err := fromWire(good); err != nil {
		t.Errorf("unchanged profile rejected: %v", err)
	}
}

func TestTruncateTextAtRuneBoundary(t *testing.T) {
	s := "ab€cd" // € is 3 bytes, at bytes 2 to 4
	for limit := 0; limit <= len(s)+1; limit++ {
		got := truncateText(s, limit)
		if len(got) > limit && limit < len(s) {
			t.Errorf("limit %d: %q is %d bytes", limit, got, len(got))
		}
		if !utf8.ValidString(got) {
			t.Errorf("limit %d: %q is not valid UTF-8", limit, got)
		}
	}
	if got := truncateText(s, len(s)); got != s {
		t.Errorf("text at the limit changed: %q", got)
	}
}

func mustPrepare(t *testing.T, p Profile) Profile {
	t.Helper()
	got, err := PrepareProfile(p)
	if err != nil {
		t.Fatalf("PrepareProfile: %v", err)
	}
	return got
}
