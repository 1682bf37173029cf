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

// keyComment returns the comment of the keys bump b makes. Admins
// recognise them in MISP's auth key list by it, and the bump's id lets a
// retry or a rollback find a key whose create response was lost.
func keyComment(b *history.Bump) string {
	return "mispbump sync key, bump " + b.ID
}

// ApplyAccount creates or reuses the partner organisation and the sync
// user, and returns the key to give the partner. A zero key means the
// partner keeps the key it already has. Run it again after a failure: it
// continues where the history records the last run stopped.
func (pv *Provisioner) ApplyAccount(ctx context.Context, b *history.Bump, plan *Plan) (secret.Key, error) {
	orgID, err := pv.applyOrg(ctx, b, plan)
	if err != nil {
		return secret.Key{}, err
	}
	userID, key, err := pv.applyUser(ctx, b, plan, orgID)
	if err != nil {
		return secret.Key{}, err
	}
	if !key.IsZero() || !plan.SendsKey() {
		return key, nil
	}
	return pv.applyKey(ctx, b, plan, userID)
}

// record updates the bump's entry for o.Kind and saves the history. The
// first record ties the bump to this MISP, because its ids mean nothing
// on another one.
func (pv *Provisioner) record(b *history.Bump, o history.Object) error {
	if b.MISPURL == "" {
		b.MISPURL = pv.Client.BaseURL()
	}
	if err := pv.hold(b); err != nil {
		return err
	}
	b.PutObject(o)
	if err := pv.Store.Save(b); err != nil {
		return fmt.Errorf("record %s in the history: %w", o.Kind, err)
	}
	return nil
}

// done returns the id of an object that an earlier run already settled.
func done(b *history.Bump, kind history.Kind) (misp.ID, bool) {
	o := b.Object(kind)
	if o == nil || o.ID == 0 {
		return 0, false
	}
	switch o.State {
	case history.StateCreated, history.StateReused, history.StateUpdated:
		return misp.ID(o.ID), true
	}
	return 0, false
}

// retryHint replaces the client's advice to list the records before a
// retry, because every step here looks up what MISP may have saved
// before it creates anything.
const retryHint = "a retry first looks for a record MISP may have saved, so it makes no duplicate; " +
	"MISP's error log (app/tmp/logs/error.log) has the cause"

func (pv *Provisioner) fail(kind history.Kind, step string, err error) error {
	var me *misp.Error
	if errors.As(err, &me) && me.MaybeSaved() {
		me.Hint = retryHint
	}
	pv.log().Warn("provisioning step failed", "step", step, "err", err)
	pv.emit(Event{Kind: kind, Phase: PhaseFailed, Err: err})
	return &StepError{Step: step, Err: err}
}

func (pv *Provisioner) succeed(kind history.Kind, detail string) {
	pv.log().Info("provisioning step done", "kind", kind, "detail", detail)
	pv.emit(Event{Kind: kind, Phase: PhaseDone, Detail: detail})
}

func (pv *Provisioner) applyOrg(ctx context.Context, b *history.Bump, plan *Plan) (misp.ID, error) {
	kind := history.KindOrganisation
	if id, ok := done(b, kind); ok {
		return id, nil
	}
	pv.emit(Event{Kind: kind, Phase: PhaseStarted})
	uuid := plan.Partner.OrgUUID
	if plan.Org.Action == ActionReuse {
		if err := pv.record(b, history.Object{Kind: kind, State: history.StateReused, ID: int64(plan.Org.ID), Natural: uuid}); err != nil {
			return 0, pv.fail(kind, "record the organisation", err)
		}
		pv.succeed(kind, "reused id "+plan.Org.ID.String())
		return plan.Org.ID, nil
	}

	// A record left in state "creating" means an earlier run may have
	// created the organisation: look before creating again.
	if org, err := pv.Client.Organisation(ctx, uuid); err == nil {
		return pv.adoptOrg(b, org)
	} else if !errors.Is(err, misp.ErrNotFound) {
		return 0, pv.fail(kind, "look up the partner organisation", err)
	}
	if err := pv.record(b, history.Object{Kind: kind, State: history.StateCreating, Natural: uuid}); err != nil {
		return 0, pv.fail(kind, "record the organisation", err)
	}
	p := plan.Partner
	org, err := pv.Client.AddOrganisation(ctx, misp.OrganisationInput{
		Name: p.OrgName, UUID: uuid, Local: false,
		Description: p.Description, Type: p.OrgType, Nationality: p.Nationality, Sector: p.Sector,
	})
	if err != nil {
		if found, lookErr := pv.Client.Organisation(ctx, uuid); lookErr == nil {
			pv.log().Info("organisation was saved although the create failed", "uuid", uuid, "err", err)
			return pv.adoptOrg(b, found)
		}
		return 0, pv.fail(kind, fmt.Sprintf("create the organisation %q", p.OrgName), err)
	}
	return pv.adoptOrg(b, org)
}

func (pv *Provisioner) adoptOrg(b *history.Bump, org misp.Organisation) (misp.ID, error) {
	kind := history.KindOrganisation
	o := history.Object{Kind: kind, State: history.StateCreated, ID: int64(org.ID), Natural: strings.ToLower(org.UUID)}
	if err := pv.record(b, o); err != nil {
		return 0, pv.fail(kind, "record the organisation", err)
	}
	pv.succeed(kind, "created id "+org.ID.String())
	return org.ID, nil
}

func (pv *Provisioner) applyUser(ctx context.Context, b *history.Bump, plan *Plan, orgID misp.ID) (misp.ID, secret.Key, error) {
	kind := history.KindUser
	if id, ok := done(b, kind); ok {
		return id, plan.key, nil
	}
	pv.emit(Event{Kind: kind, Phase: PhaseStarted})
	email := plan.Partner.SyncEmail
	if plan.User.Action == ActionReuse {
		o := history.Object{Kind: kind, State: history.StateReused, ID: int64(plan.User.ID), Natural: email}
		if err := pv.record(b, o); err != nil {
			return 0, secret.Key{}, pv.fail(kind, "record the sync user", err)
		}
		pv.succeed(kind, "reused id "+plan.User.ID.String())
		return plan.User.ID, secret.Key{}, nil
	}

	if view, found, err := pv.Client.FindUserByEmail(ctx, email); err != nil {
		return 0, secret.Key{}, pv.fail(kind, "look up the sync user "+email, err)
	} else if found {
		id, err := pv.adoptUser(b, plan, view.User, orgID, false)
		return id, secret.Key{}, err
	}
	if err := pv.record(b, history.Object{Kind: kind, State: history.StateCreating, Natural: email}); err != nil {
		return 0, secret.Key{}, pv.fail(kind, "record the sync user", err)
	}
	user, key, err := pv.Client.AddUser(ctx, misp.UserInput{Email: email, OrgID: orgID, RoleID: plan.RoleID, Disabled: true})
	if err != nil {
		if view, found, lookErr := pv.Client.FindUserByEmail(ctx, email); lookErr == nil && found {
			pv.log().Info("sync user was saved although the create failed", "email", email, "err", err)
			id, err := pv.adoptUser(b, plan, view.User, orgID, false)
			return id, secret.Key{}, err
		}
		return 0, secret.Key{}, pv.fail(kind, "create the sync user "+email, err)
	}
	id, err := pv.adoptUser(b, plan, user, orgID, true)
	if err != nil {
		return 0, secret.Key{}, err
	}
	plan.key = key
	return id, key, nil
}

// adoptUser records a user this bump created, after checking that MISP
// put it where it was asked to: an org admin's key, for example, makes
// MISP silently create users in the org admin's own organisation. A
// misplaced user that this call created is recorded, so that a rollback
// deletes it; one that was only found by its e-mail is not, so that a
// rollback never deletes someone else's user.
func (pv *Provisioner) adoptUser(b *history.Bump, plan *Plan, user misp.User, orgID misp.ID, createdNow bool) (misp.ID, error) {
	kind := history.KindUser
	misplaced := user.OrgID != orgID || user.RoleID != plan.RoleID
	if misplaced && createdNow {
		o := history.Object{Kind: kind, State: history.StateCreated, ID: int64(user.ID), Natural: plan.Partner.SyncEmail}
		if err := pv.record(b, o); err != nil {
			return 0, pv.fail(kind, "record the sync user", err)
		}
	}
	if misplaced {
		err := fmt.Errorf("user %s (%s) is in organisation %s with role %s instead of organisation %s with role %s: "+
			"if MISP just created it there, use a site admin's API key; otherwise ask the partner for another sync e-mail",
			user.ID, user.Email, user.OrgID, user.RoleID, orgID, plan.RoleID)
		return 0, pv.fail(kind, "check the sync user", err)
	}
	o := history.Object{Kind: kind, State: history.StateCreated, ID: int64(user.ID), Natural: plan.Partner.SyncEmail}
	if err := pv.record(b, o); err != nil {
		return 0, pv.fail(kind, "record the sync user", err)
	}
	pv.succeed(kind, "created id "+user.ID.String())
	return user.ID, nil
}

// applyKey makes a key for the sync user with auth_keys/add: when
// users/add returned none, when the user was adopted after a lost
// answer, or when the admin asked for a new key.
func (pv *Provisioner) applyKey(ctx context.Context, b *history.Bump, plan *Plan, userID misp.ID) (secret.Key, error) {
	kind := history.KindAuthKey
	if !plan.key.IsZero() {
		return plan.key, nil
	}
	pv.emit(Event{Kind: kind, Phase: PhaseStarted})
	if plan.legacyKeys {
		return secret.Key{}, pv.fail(kind, "make a key for the sync user",
			errors.New("this MISP has advanced auth keys off, and keys made with auth_keys/add do not work in that mode: "+
				"turn Security.advanced_authkeys on, or delete the sync user and bump again"))
	}
	// A key that an earlier attempt made, or that MISP saved although the
	// create failed, was never sent. Remove it, so that no working key is
	// left that the partner does not have.
	if old := b.Object(kind); old != nil && (old.State == history.StateCreated || old.State == history.StateCreating) {
		if err := pv.removeBumpKeys(ctx, b, userID, misp.ID(old.ID)); err != nil {
			return secret.Key{}, pv.fail(kind, "remove the key of the failed attempt", err)
		}
	}
	if err := pv.record(b, history.Object{Kind: kind, State: history.StateCreating, Natural: plan.Partner.SyncEmail}); err != nil {
		return secret.Key{}, pv.fail(kind, "record the key", err)
	}
	ak, err := pv.Client.AddAuthKey(ctx, userID, keyComment(b))
	if err != nil {
		return secret.Key{}, pv.fail(kind, "make a key for the sync user", err)
	}
	if err := pv.record(b, history.Object{Kind: kind, State: history.StateCreated, ID: int64(ak.ID), Natural: plan.Partner.SyncEmail}); err != nil {
		return secret.Key{}, pv.fail(kind, "record the key", err)
	}
	if ak.UserID != userID || ak.Raw.IsZero() {
		return secret.Key{}, pv.fail(kind, "check the new key",
			fmt.Errorf("MISP made key %s for user %s instead of user %s", ak.ID, ak.UserID, userID))
	}
	plan.key = ak.Raw
	if u := b.Object(history.KindUser); u != nil && u.State == history.StateCreated {
		pv.dropOtherKeys(ctx, userID, ak.ID)
	}
	pv.succeed(kind, "made key "+ak.Start+"…"+ak.End)
	return ak.Raw, nil
}

// dropOtherKeys deletes every key of a sync user that this bump created
// except keep: a key that MISP made with the user in an answer that was
// lost still works, and nobody should hold a working key that was never
// meant to be used.
func (pv *Provisioner) dropOtherKeys(ctx context.Context, userID, keep misp.ID) {
	keys, err := pv.Client.AuthKeys(ctx, userID)
	if err != nil {
		pv.log().Warn("could not list the sync user's keys", "user_id", userID, "err", err)
		return
	}
	for _, k := range keys {
		if k.ID == keep {
			continue
		}
		if err := pv.Client.DeleteAuthKey(ctx, k.ID); err != nil && !errors.Is(err, misp.ErrNotFound) {
			pv.log().Warn("could not delete an unused key", "authkey_id", k.ID, "err", err)
		}
	}
}

// ApplyServer creates the server entry for the partner, with pull and
// push off until Confirm, or checks that an existing entry can stay.
// partnerKey is the key the partner sent; zero means "keep yours".
func (pv *Provisioner) ApplyServer(ctx context.Context, b *history.Bump, plan *Plan, partnerKey secret.Key) error {
	kind := history.KindServer
	if _, ok := done(b, kind); ok {
		return pv.markApplied(b)
	}
	pv.emit(Event{Kind: kind, Phase: PhaseStarted})

	orgID, ok := done(b, history.KindOrganisation)
	if !ok {
		return pv.fail(kind, "create the server entry", errors.New("the partner organisation is not set up yet"))
	}
	if plan.Server.Action != ActionCreate {
		// The entry stays as it is until Confirm applies the planned
		// changes and the partner's new key; only then is it "updated".
		o := history.Object{Kind: kind, State: history.StateReused, ID: int64(plan.Server.ID),
			Natural: plan.Partner.URL, CertPin: plan.previousPin}
		if plan.Server.Action == ActionUpdate || !partnerKey.IsZero() {
			o.Note = "changes wait for the confirmation"
		}
		if err := pv.record(b, o); err != nil {
			return pv.fail(kind, "record the server entry", err)
		}
		pv.succeed(kind, "existing id "+plan.Server.ID.String())
		return pv.markApplied(b)
	}

	if partnerKey.IsZero() {
		return pv.fail(kind, "create the server entry", fmt.Errorf("%w: the partner's MISP already has a sync user for you, "+
			"but this MISP has no server entry for %s: start the bump again, and ask your partner to choose a new key", ErrNeedKey, plan.Partner.URL))
	}
	if entry, found, err := pv.findServer(ctx, plan.Partner.URL, orgID); err != nil {
		return pv.fail(kind, "look up the server entry", err)
	} else if found {
		return pv.adoptServer(b, plan, entry.Server)
	}

	if err := pv.record(b, history.Object{Kind: kind, State: history.StateCreating, Natural: plan.Partner.URL}); err != nil {
		return pv.fail(kind, "record the server entry", err)
	}
	in := misp.ServerInput{
		Name: plan.Partner.OrgName, URL: plan.Partner.URL, Key: partnerKey, RemoteOrgID: orgID,
	}
	if plan.CertPEM != nil {
		cert, err := misp.EncodeSubmittedCert(plan.CertPEM)
		if err != nil {
			return pv.fail(kind, "prepare the partner's certificate", err)
		}
		in.SubmittedCert = cert
	}

	server, err := pv.Client.AddServer(ctx, in)
	if err != nil {
		// MISP may have saved the entry (a 500 after save): list again
		// before anyone retries, because MISP allows duplicates.
		if entry, found, lookErr := pv.findServer(ctx, plan.Partner.URL, orgID); lookErr == nil && found {
			pv.log().Info("server entry was saved although the create failed", "url", plan.Partner.URL, "err", err)
			return pv.adoptServer(b, plan, entry.Server)
		}
		return pv.fail(kind, "create the server entry for "+plan.Partner.URL, err)
	}
	return pv.adoptServer(b, plan, server)
}

func (pv *Provisioner) adoptServer(b *history.Bump, plan *Plan, s misp.Server) error {
	kind := history.KindServer
	o := history.Object{Kind: kind, State: history.StateCreated, ID: int64(s.ID), Natural: plan.Partner.URL}
	if plan.CertPEM != nil {
		o.CertPin = hex.EncodeToString(plan.Partner.TLSPin)
	}
	if err := pv.record(b, o); err != nil {
		return pv.fail(kind, "record the server entry", err)
	}
	pv.succeed(kind, "created id "+s.ID.String())
	return pv.markApplied(b)
}

func (pv *Provisioner) markApplied(b *history.Bump) error {
	if b.Status == history.StatusApplied {
		return nil
	}
	note := "set up; the sync user stays disabled until the codes match"
	if !b.Changed() {
		note = "nothing to change: the partnership already exists"
	}
	b.SetStatus(history.StatusApplied, note, pv.now())
	if err := pv.Store.Save(b); err != nil {
		return fmt.Errorf("record the applied bump: %w", err)
	}
	return nil
}

// findServer returns the entry for url whose remote organisation is
// orgID.
func (pv *Provisioner) findServer(ctx context.Context, url string, orgID misp.ID) (misp.ServerEntry, bool, error) {
	entries, err := pv.Client.Servers(ctx)
	if err != nil {
		return misp.ServerEntry{}, false, err
	}
	for _, e := range entries {
		if misp.SameServerURL(e.Server.URL, url) && e.Server.RemoteOrgID == orgID {
			return e, true, nil
		}
	}
	return misp.ServerEntry{}, false, nil
}
