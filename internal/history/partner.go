package history

import (
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// Partnership is the derived view of one partner: its newest bump and
// the objects that all its bumps created and that still exist.
type Partnership struct {
	// MISPURL is the MISP on which this partnership was set up.
	MISPURL string
	Partner Partner
	// Latest is the partner's newest bump that got past "pending" and
	// either changed something or set the partnership up; a repeated
	// bump that was cancelled without touching anything does not count.
	Latest *Bump
	// Bumps are all bumps with this partner, oldest first.
	Bumps []*Bump
	// Status is Latest's status.
	Status Status
	// LastVerification is the newest verification across the bumps.
	LastVerification *Verification
}

// Created returns the object of kind that a bump with this partner
// created and that was not removed since, with the bump that made it.
func (p *Partnership) Created(kind Kind) (*Object, *Bump) {
	for i := len(p.Bumps) - 1; i >= 0; i-- {
		b := p.Bumps[i]
		if o := b.Object(kind); o != nil && o.State == StateCreated {
			return o, b
		}
	}
	return nil, nil
}

// Current returns the newest live entry for kind (created, reused or
// updated, with an id) across the partner's bumps, for removal and
// verification. An entry that a rollback removed is skipped, so an older
// bump's object still counts.
func (p *Partnership) Current(kind Kind) *Object {
	for i := len(p.Bumps) - 1; i >= 0; i-- {
		o := p.Bumps[i].Object(kind)
		if o == nil || o.ID == 0 {
			continue
		}
		switch o.State {
		case StateCreated, StateReused, StateUpdated:
			return o
		}
	}
	return nil
}

// Partners groups the bumps by MISP and partner organisation uuid, in
// the order of their first bump.
func (s *Store) Partners() ([]*Partnership, error) {
	bumps, err := s.List()
	byKey := map[string]*Partnership{}
	var order []string
	for _, b := range bumps {
		if b.Partner.OrgUUID == "" {
			continue
		}
		misp := b.MISPURL
		if misp == "" {
			misp = b.Own.URL
		}
		key := strings.ToLower(strings.TrimRight(misp, "/")) + " " + b.Partner.OrgUUID
		p, ok := byKey[key]
		if !ok {
			p = &Partnership{MISPURL: misp}
			byKey[key] = p
			order = append(order, key)
		}
		p.Bumps = append(p.Bumps, b)
		p.Partner = b.Partner
		if counts(b) || p.Latest == nil {
			p.Latest = b
			p.Status = b.Status
		}
		if v := b.LastVerification; v != nil {
			if p.LastVerification == nil || v.Time.After(p.LastVerification.Time) {
				p.LastVerification = v
			}
		}
	}
	out := make([]*Partnership, 0, len(order))
	for _, key := range order {
		out = append(out, byKey[key])
	}
	return out, err
}

// counts reports whether a bump decides the state of its partnership. A
// bump that was cancelled or failed counts only if it had created the
// organisation, the sync user or the server entry (now removed), or if
// it failed only after the codes were confirmed: a cancelled repeat bump
// that only made a key, or reused everything, leaves the partnership as
// it was.
func counts(b *Bump) bool {
	switch b.Status {
	case StatusPending:
		return false
	case StatusApplied, StatusConfirmed, StatusVerified:
		return true
	case StatusFailed:
		if b.WasConfirmed() {
			return true
		}
	}
	for _, kind := range []Kind{KindOrganisation, KindUser, KindServer} {
		if o := b.Object(kind); o != nil && o.State == StateRemoved {
			return true
		}
	}
	return false
}

// FindPartner returns the partnership on the MISP at mispURL whose
// organisation uuid or name (case-insensitive) is query; an empty
// mispURL searches every MISP. A name that matches several partners is
// an error that lists their uuids.
func (s *Store) FindPartner(query, mispURL string) (*Partnership, error) {
	partners, err := s.Partners()
	if err != nil && len(partners) == 0 {
		return nil, err
	}
	q := strings.TrimSpace(query)
	var byName []*Partnership
	elsewhere := ""
	for _, p := range partners {
		if mispURL != "" && !sameURL(p.MISPURL, mispURL) {
			if strings.EqualFold(p.Partner.OrgUUID, q) || strings.EqualFold(p.Partner.OrgName, q) {
				elsewhere = p.MISPURL
			}
			continue
		}
		if strings.EqualFold(p.Partner.OrgUUID, q) {
			return p, nil
		}
		if strings.EqualFold(p.Partner.OrgName, q) {
			byName = append(byName, p)
		}
	}
	switch len(byName) {
	case 0:
		if elsewhere != "" {
			return nil, fmt.Errorf("partner %s: %w on %s; the history has it on %s: run the command with --misp-url %s",
				secret.Quote(query), ErrNotFound, mispURL, elsewhere, elsewhere)
		}
		return nil, fmt.Errorf("partner %s: %w: run 'mispbump history' to list partners", secret.Quote(query), ErrNotFound)
	case 1:
		return byName[0], nil
	}
	uuids := make([]string, len(byName))
	for i, p := range byName {
		uuids[i] = p.Partner.OrgUUID
	}
	return nil, fmt.Errorf("partner name %s matches %d partners (%s): give the organisation uuid instead", secret.Quote(query), len(byName), strings.Join(uuids, ", "))
}
