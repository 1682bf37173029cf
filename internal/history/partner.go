package history

import (
	"fmt"
	"strings"
)

// Partnership is the derived view of one partner: its newest bump and
// the objects that all its bumps created and that still exist.
type Partnership struct {
	Partner Partner
	// Latest is the partner's newest bump that got past "pending".
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

// Partners groups the bumps by partner organisation uuid, newest
// activity last.
func (s *Store) Partners() ([]*Partnership, error) {
	bumps, err := s.List()
	byUUID := map[string]*Partnership{}
	var order []string
	for _, b := range bumps {
		id := b.Partner.OrgUUID
		if id == "" {
			continue
		}
		p, ok := byUUID[id]
		if !ok {
			p = &Partnership{}
			byUUID[id] = p
			order = append(order, id)
		}
		p.Bumps = append(p.Bumps, b)
		p.Partner = b.Partner
		if b.Status != StatusPending || p.Latest == nil {
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
	for _, id := range order {
		out = append(out, byUUID[id])
	}
	return out, err
}

// FindPartner returns the partnership whose organisation uuid or name
// (case-insensitive) is query. A name that matches several partners is
// an error that lists their uuids.
func (s *Store) FindPartner(query string) (*Partnership, error) {
	partners, err := s.Partners()
	if err != nil && len(partners) == 0 {
		return nil, err
	}
	q := strings.TrimSpace(query)
	var byName []*Partnership
	for _, p := range partners {
		if strings.EqualFold(p.Partner.OrgUUID, q) {
			return p, nil
		}
		if strings.EqualFold(p.Partner.OrgName, q) {
			byName = append(byName, p)
		}
	}
	switch len(byName) {
	case 0:
		return nil, fmt.Errorf("partner %q: %w: run 'mispbump history' to list partners", query, ErrNotFound)
	case 1:
		return byName[0], nil
	}
	uuids := make([]string, len(byName))
	for i, p := range byName {
		uuids[i] = p.Partner.OrgUUID
	}
	return nil, fmt.Errorf("partner name %q matches %d partners (%s): give the organisation uuid instead", query, len(byName), strings.Join(uuids, ", "))
}
