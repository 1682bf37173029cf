package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
)

// Rollback removes what bump b created on MISP and nothing else, in
// reverse order: server entry, key, sync user, organisation. Objects the
// bump only reused stay. Objects still in state "creating" are looked
// up by their natural key first. A 404 counts as removed, so Rollback can
// run again after a failure. reason goes into the timeline.
func (pv *Provisioner) Rollback(ctx context.Context, b *history.Bump, reason string) error {
	if err := pv.checkMISP(b); err != nil {
		return err
	}
	var problems []error
	laterUse := pv.objectsOfLaterBumps(b)
	for _, kind := range []history.Kind{history.KindServer, history.KindAuthKey, history.KindUser, history.KindOrganisation} {
		o := b.Object(kind)
		if o == nil || (o.State != history.StateCreated && o.State != history.StateCreating) {
			continue
		}
		if kind == history.KindAuthKey && matched(b) && keyForExistingUser(b) {
			// The partner may have stored this key when it confirmed, and
			// the older keys were never set to expire, so both stay valid.
			o.State, o.Note = history.StateReused, "kept: the codes matched, so the partner may already use it, and its older keys stay valid too"
			_ = pv.Store.Save(b)
			continue
		}
		if o.ID != 0 && laterUse[objectKey{kind, o.ID}] {
			// A later bump took this object over (it reused it), so it
			// belongs to a partnership now: leave it.
			o.State, o.Note = history.StateReused, "kept: a later bump uses it"
			_ = pv.Store.Save(b)
			continue
		}
		if err := pv.removeObject(ctx, b, o); err != nil {
			problems = append(problems, err)
			continue
		}
		o.State = history.StateRemoved
		if err := pv.Store.Save(b); err != nil {
			problems = append(problems, fmt.Errorf("record the removal of the %s: %w", kind, err))
		}
	}
	if len(problems) > 0 {
		err := errors.Join(problems...)
		b.Timeline = append(b.Timeline, history.Event{Time: pv.now().UTC(), Status: b.Status, Note: "rollback incomplete: " + err.Error()})
		_ = pv.Store.Save(b)
		return fmt.Errorf("roll back bump %s: %w: run the command again, or remove the objects in MISP by hand", b.ID, err)
	}
	b.SetStatus(history.StatusRemoved, reason, pv.now())
	if err := pv.Store.Save(b); err != nil {
		return fmt.Errorf("record the rollback: %w", err)
	}
	pv.Release(b)
	pv.log().Info("bump rolled back", "bump", b.ID, "reason", reason)
	return nil
}

// objectKey names a MISP object.
type objectKey struct {
	kind history.Kind
	id   int64
}

// objectsOfLaterBumps returns the objects that bumps started after b on
// the same MISP still hold (created, reused or updated).
func (pv *Provisioner) objectsOfLaterBumps(b *history.Bump) map[objectKey]bool {
	used := map[objectKey]bool{}
	bumps, _ := pv.Store.List()
	for _, other := range bumps {
		if other.ID == b.ID || !other.Started.After(b.Started) || !other.OnMISP(pv.Client.BaseURL()) {
			continue
		}
		for _, o := range other.Objects {
			switch o.State {
			case history.StateCreated, history.StateReused, history.StateUpdated:
				if o.ID != 0 {
					used[objectKey{o.Kind, o.ID}] = true
				}
			}
		}
	}
	return used
}

// removeObject deletes one object; an object in state "creating" is
// found by its natural key first and may turn out never to exist.
func (pv *Provisioner) removeObject(ctx context.Context, b *history.Bump, o *history.Object) error {
	if o.Kind == history.KindAuthKey {
		var userID misp.ID
		if u := b.Object(history.KindUser); u != nil {
			userID = misp.ID(u.ID)
		}
		return pv.removeBumpKeys(ctx, b, userID, misp.ID(o.ID))
	}
	id := misp.ID(o.ID)
	if o.State == history.StateCreating || id == 0 {
		found, err := pv.lookup(ctx, b, o)
		if err != nil {
			return fmt.Errorf("look up the %s %q: %w", o.Kind, o.Natural, err)
		}
		if found == 0 {
			return nil
		}
		id = found
	}
	var err error
	switch o.Kind {
	case history.KindServer:
		err = pv.Client.DeleteServer(ctx, id)
	case history.KindAuthKey:
		err = pv.Client.DeleteAuthKey(ctx, id)
	case history.KindUser:
		err = pv.Client.DeleteUser(ctx, id)
	case history.KindOrganisation:
		err = pv.Client.DeleteOrganisation(ctx, id.String())
	}
	if err != nil && !errors.Is(err, misp.ErrNotFound) {
		return fmt.Errorf("delete the %s %s: %w", o.Kind, id, err)
	}
	pv.log().Info("removed", "kind", o.Kind, "id", id)
	pv.emit(Event{Kind: o.Kind, Phase: PhaseDone, Detail: "removed id " + id.String()})
	return nil
}

// lookup finds an object whose create may or may not have happened.
func (pv *Provisioner) lookup(ctx context.Context, b *history.Bump, o *history.Object) (misp.ID, error) {
	switch o.Kind {
	case history.KindOrganisation:
		org, err := pv.Client.Organisation(ctx, o.Natural)
		if errors.Is(err, misp.ErrNotFound) {
			return 0, nil
		}
		return org.ID, err
	case history.KindUser:
		view, found, err := pv.Client.FindUserByEmail(ctx, o.Natural)
		if err != nil || !found {
			return 0, err
		}
		// Only a user in the organisation this bump created is ours.
		if org := b.Object(history.KindOrganisation); org != nil && org.ID != 0 && view.User.OrgID != misp.ID(org.ID) {
			return 0, nil
		}
		return view.User.ID, nil
	case history.KindServer:
		org := b.Object(history.KindOrganisation)
		if org == nil || org.ID == 0 {
			return 0, nil
		}
		entry, found, err := pv.findServer(ctx, o.Natural, misp.ID(org.ID))
		if err != nil || !found {
			return 0, err
		}
		return entry.Server.ID, nil
	}
	// Keys are found by their comment instead (removeBumpKeys).
	return 0, nil
}

// Recover rolls back bumps on this MISP that a previous run left
// unfinished. Their handshake keys lived only in memory, so they cannot
// be completed. Bumps of other MISP servers are left for a run against
// them, and bumps that another process is still running are skipped. It
// returns the bumps it rolled back; the error lists those it could not.
func (pv *Provisioner) Recover(ctx context.Context) ([]*history.Bump, error) {
	open, listErr := pv.Store.Unfinished()
	var problems []error
	if listErr != nil {
		problems = append(problems, listErr)
	}
	var rolled []*history.Bump
	for _, b := range open {
		if !b.OnMISP(pv.Client.BaseURL()) && b.MISPURL != "" {
			pv.log().Info("interrupted bump belongs to another MISP", "bump", b.ID, "misp", b.MISPURL)
			continue
		}
		release, err := pv.Store.Lock(b.ID)
		if errors.Is(err, history.ErrLocked) {
			pv.log().Info("bump is running in another process", "bump", b.ID)
			continue
		}
		if err != nil {
			problems = append(problems, err)
			continue
		}
		err = pv.Rollback(ctx, b, "rolled back at start-up: the bump was interrupted")
		release()
		if err != nil {
			problems = append(problems, err)
			continue
		}
		rolled = append(rolled, b)
	}
	return rolled, errors.Join(problems...)
}

// checkMISP refuses to act on a bump that was made on another MISP,
// where the recorded ids name unrelated objects.
func (pv *Provisioner) checkMISP(b *history.Bump) error {
	if b.MISPURL == "" || b.OnMISP(pv.Client.BaseURL()) {
		return nil
	}
	return fmt.Errorf("bump %s was made on %s, not on %s: run the command with --misp-url %s",
		b.ID, b.MISPURL, pv.Client.BaseURL(), b.MISPURL)
}

// Remove ends a partnership: it deletes the server entry and the sync
// user (whose keys stop working with it), and the partner organisation
// only when a bump created it and no user is left in it. The result is
// recorded in the partnership's newest bump.
func (pv *Provisioner) Remove(ctx context.Context, p *history.Partnership) ([]string, error) {
	if err := pv.checkMISP(p.Latest); err != nil {
		return nil, err
	}
	if p.Current(history.KindServer) == nil && p.Current(history.KindUser) == nil && p.Status == history.StatusRemoved {
		return []string{"nothing to remove: this partnership was already removed"}, nil
	}
	var done []string
	var problems []error
	for _, kind := range []history.Kind{history.KindServer, history.KindUser} {
		o := p.Current(kind)
		if o == nil {
			continue
		}
		if err := pv.removeObject(ctx, p.Latest, &history.Object{Kind: kind, ID: o.ID, State: history.StateCreated}); err != nil {
			problems = append(problems, err)
			continue
		}
		markRemoved(p, kind)
		done = append(done, fmt.Sprintf("deleted the %s (id %d)", kind, o.ID))
	}
	if len(problems) == 0 {
		if note, err := pv.removeOrg(ctx, p); err != nil {
			problems = append(problems, err)
		} else if note != "" {
			done = append(done, note)
		}
	}
	err := errors.Join(problems...)
	status, note := history.StatusRemoved, "partnership removed: "+strings.Join(done, ", ")
	if err != nil {
		status, note = p.Latest.Status, "removal incomplete: "+err.Error()
	}
	p.Latest.SetStatus(status, note, pv.now())
	if saveErr := pv.saveAll(p); saveErr != nil {
		return done, errors.Join(err, saveErr)
	}
	if err != nil {
		return done, fmt.Errorf("remove partnership with %q: %w: run the command again", p.Partner.OrgName, err)
	}
	return done, nil
}

// removeOrg deletes the partner organisation if a bump created it and no
// user is left in it; otherwise it says why it stays.
func (pv *Provisioner) removeOrg(ctx context.Context, p *history.Partnership) (string, error) {
	o, _ := p.Created(history.KindOrganisation)
	if o == nil {
		if removedEarlier(p, history.KindOrganisation) {
			return "", nil
		}
		return "kept the organisation: it existed before mispbump", nil
	}
	org, err := pv.Client.Organisation(ctx, misp.ID(o.ID).String())
	if errors.Is(err, misp.ErrNotFound) {
		markRemoved(p, history.KindOrganisation)
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look up the organisation %d: %w", o.ID, err)
	}
	if org.UserCount > 0 {
		return fmt.Sprintf("kept the organisation %q: %d users still belong to it", org.Name, org.UserCount), nil
	}
	if err := pv.Client.DeleteOrganisation(ctx, org.ID.String()); err != nil {
		if errors.Is(err, misp.ErrValidation) || errors.Is(err, misp.ErrPermission) {
			return fmt.Sprintf("kept the organisation %q: MISP refused to delete it (it still owns events)", org.Name), nil
		}
		return "", fmt.Errorf("delete the organisation %q: %w", org.Name, err)
	}
	markRemoved(p, history.KindOrganisation)
	return fmt.Sprintf("deleted the organisation %q (id %s)", org.Name, org.ID), nil
}

// removedEarlier reports whether a bump created an object of kind that
// was removed since.
func removedEarlier(p *history.Partnership, kind history.Kind) bool {
	for _, b := range p.Bumps {
		if o := b.Object(kind); o != nil && o.State == history.StateRemoved && o.ID != 0 {
			return true
		}
	}
	return false
}

// markRemoved sets the state of kind to removed in every bump of p.
func markRemoved(p *history.Partnership, kind history.Kind) {
	for _, b := range p.Bumps {
		if o := b.Object(kind); o != nil && o.State != history.StateRemoved {
			o.State = history.StateRemoved
		}
	}
}

func (pv *Provisioner) saveAll(p *history.Partnership) error {
	var problems []error
	for _, b := range p.Bumps {
		if err := pv.Store.Save(b); err != nil {
			problems = append(problems, err)
		}
	}
	return errors.Join(problems...)
}
