package provision

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

// Confirm runs once both admins have confirmed that the codes match. It enables
// the sync user and turns on the server entry's directions, with the
// partner's new key and certificate for an entry that existed before.
func (pv *Provisioner) Confirm(ctx context.Context, b *history.Bump, plan *Plan, partnerKey secret.Key) error {
	if b.Status != history.StatusApplied {
		return fmt.Errorf("confirm bump %s: it is %s, not applied", b.ID, b.Status)
	}
	if !matched(b) {
		// Recorded first, so that a rollback after a crash keeps a key the
		// partner may already have stored.
		b.Timeline = append(b.Timeline, history.Event{Time: pv.now().UTC(), Status: b.Status, Note: noteMatched})
		if err := pv.Store.Save(b); err != nil {
			return fmt.Errorf("record that the codes matched: %w", err)
		}
	}
	enabled, err := pv.enableUser(ctx, b, plan)
	if err != nil {
		return err
	}
	if err := pv.enableServer(ctx, b, plan, partnerKey); err != nil {
		return err
	}
	note := "codes matched"
	switch {
	case enabled:
		note += "; sync user enabled"
	case !b.Changed():
		note += "; nothing needed changing"
	}
	b.SetStatus(history.StatusConfirmed, note, pv.now())
	if err := pv.Store.Save(b); err != nil {
		return fmt.Errorf("record the confirmation: %w", err)
	}
	pv.finishRotation(ctx, b)
	return nil
}

// enableUser enables the sync user unless it already was, and reports
// whether it did.
func (pv *Provisioner) enableUser(ctx context.Context, b *history.Bump, plan *Plan) (bool, error) {
	kind := history.KindUser
	o := b.Object(kind)
	if o == nil || o.ID == 0 {
		return false, pv.fail(kind, "enable the sync user", errors.New("the bump has no sync user"))
	}
	if o.State == history.StateReused && plan.UserExisting != nil && !plan.UserExisting.User.Disabled {
		return false, nil
	}
	pv.emit(Event{Kind: kind, Phase: PhaseStarted, Detail: "enable"})
	if _, err := pv.Client.SetUserDisabled(ctx, misp.ID(o.ID), false); err != nil {
		// The edit may have been saved before the failure: read back.
		view, readErr := pv.Client.User(ctx, misp.ID(o.ID))
		if readErr != nil || view.User.Disabled {
			return false, pv.fail(kind, "enable the sync user "+plan.Partner.SyncEmail, err)
		}
		pv.log().Info("sync user was enabled although the edit failed", "user_id", o.ID, "err", err)
	}
	if o.State == history.StateReused {
		o.State, o.Note = history.StateUpdated, "enabled at confirmation"
	}
	if err := pv.Store.Save(b); err != nil {
		return false, pv.fail(kind, "record the sync user", err)
	}
	pv.succeed(kind, "enabled")
	return true, nil
}

func (pv *Provisioner) enableServer(ctx context.Context, b *history.Bump, plan *Plan, partnerKey secret.Key) error {
	kind := history.KindServer
	o := b.Object(kind)
	if o == nil || o.ID == 0 {
		return pv.fail(kind, "enable the server entry", errors.New("the bump has no server entry"))
	}
	orgID, _ := done(b, history.KindOrganisation)
	edit := misp.ServerEdit{}
	changed := false
	if o.State == history.StateCreated {
		if plan.Options.Pull || plan.Options.Push {
			edit.Pull, edit.Push = &plan.Options.Pull, &plan.Options.Push
			changed = true
		}
	} else if existing := plan.ServerExisting; existing != nil {
		changed = pv.existingServerEdit(&edit, plan, existing.Server, orgID, partnerKey)
	}
	if !changed {
		return nil
	}
	pv.emit(Event{Kind: kind, Phase: PhaseStarted, Detail: "enable"})
	if _, err := pv.Client.EditServer(ctx, misp.ID(o.ID), edit); err != nil {
		if !pv.serverMatches(ctx, misp.ID(o.ID), edit) {
			return pv.fail(kind, "turn on sync in the server entry for "+plan.Partner.URL, err)
		}
		pv.log().Info("server entry was changed although the edit failed", "server_id", o.ID, "err", err)
	}
	if o.State == history.StateReused {
		o.State = history.StateUpdated
		o.Note = describeEdit(edit)
	}
	if edit.SubmittedCert != "" {
		o.CertPin = hex.EncodeToString(plan.Partner.TLSPin)
	}
	if err := pv.Store.Save(b); err != nil {
		return pv.fail(kind, "record the server entry", err)
	}
	pv.succeed(kind, describeEdit(edit))
	return nil
}

// describeEdit says what an edit of a server entry changes.
func describeEdit(edit misp.ServerEdit) string {
	var parts []string
	if edit.Pull != nil {
		parts = append(parts, "pull "+onOff(*edit.Pull))
	}
	if edit.Push != nil {
		parts = append(parts, "push "+onOff(*edit.Push))
	}
	if !edit.Key.IsZero() {
		parts = append(parts, "partner's new key stored")
	}
	if edit.SubmittedCert != "" {
		parts = append(parts, "partner's certificate uploaded")
	}
	if edit.RemoteOrgID != nil {
		parts = append(parts, "remote organisation set")
	}
	return strings.Join(parts, ", ")
}

// existingServerEdit fills edit with the changes an existing entry needs
// and reports whether there are any.
func (pv *Provisioner) existingServerEdit(edit *misp.ServerEdit, plan *Plan, s misp.Server, orgID misp.ID, partnerKey secret.Key) bool {
	changed := false
	if s.RemoteOrgID != orgID && orgID != 0 {
		edit.RemoteOrgID, changed = &orgID, true
	}
	if s.Pull != plan.Options.Pull || s.Push != plan.Options.Push {
		edit.Pull, edit.Push, changed = &plan.Options.Pull, &plan.Options.Push, true
	}
	if !partnerKey.IsZero() {
		edit.Key, changed = partnerKey, true
	}
	if plan.CertPEM != nil && plan.certChanged(s) {
		if cert, err := misp.EncodeSubmittedCert(plan.CertPEM); err == nil {
			edit.SubmittedCert, changed = cert, true
		}
	}
	return changed
}

// serverMatches reads the entry back after a failed edit and reports
// whether it already holds everything the edit set, because MISP may
// have saved the edit before failing. A key or a certificate cannot be
// read back, so an edit that carried one counts as failed and is retried.
func (pv *Provisioner) serverMatches(ctx context.Context, id misp.ID, edit misp.ServerEdit) bool {
	if !edit.Key.IsZero() || edit.SubmittedCert != "" {
		return false
	}
	entries, err := pv.Client.Servers(ctx)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Server.ID != id {
			continue
		}
		s := e.Server
		return (edit.Pull == nil || s.Pull == *edit.Pull) &&
			(edit.Push == nil || s.Push == *edit.Push) &&
			(edit.RemoteOrgID == nil || s.RemoteOrgID == *edit.RemoteOrgID)
	}
	return false
}
