package provision

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

// Action is what a plan does with one object.
type Action string

// The actions of a plan step.
const (
	ActionCreate Action = "create"
	ActionReuse  Action = "reuse"
	ActionUpdate Action = "update"
)

// Step is one line of a plan.
type Step struct {
	Kind   history.Kind `json:"kind"`
	Action Action       `json:"action"`
	// ID is the existing object's id for reuse and update.
	ID misp.ID `json:"id,omitempty"`
	// Detail describes what will happen, for the review screen.
	Detail string `json:"detail"`
}

// Options are the admin's choices for one bump.
type Options struct {
	// Pull and Push are the directions this side enables on its server
	// entry after the codes match.
	Pull, Push bool
	// AllowPrivateURL accepts a partner URL on a private network.
	AllowPrivateURL bool
	// NewKey makes a new key for a sync user that already exists, instead
	// of telling the partner to keep the key it has.
	NewKey bool
	// PartnerSendsKey is set when the partner's key is already known
	// (the responder plans after the offer): an existing server entry
	// then gets that key, and the review says so.
	PartnerSendsKey bool
}

// Plan is what one side will do for a partner.
type Plan struct {
	Partner exchange.Profile
	Options Options

	Org    Step
	User   Step
	Server Step
	// RoleID is the sync role chosen by its permissions.
	RoleID   misp.ID
	RoleName string

	// OrgExisting is the partner organisation found on this MISP.
	OrgExisting *misp.Organisation
	// UserExisting is the sync user found on this MISP.
	UserExisting *misp.UserView
	// ServerExisting is the server entry found for the partner URL.
	ServerExisting *misp.ServerEntry

	// PrivateURL explains why the partner URL is not public, "" if it is.
	PrivateURL string
	// CertPEM is the partner's certificate chain to upload, checked
	// against the pin; nil when the partner sent no pin.
	CertPEM []byte
	// Notes are things the admin should know, e.g. duplicate entries.
	Notes []string

	// key is the key made for the partner in this process, kept in
	// memory only so that a retried step does not make a second one.
	key secret.Key
	// legacyKeys is true when the MISP has advanced auth keys off.
	legacyKeys bool
	// previousPin is the partner's certificate pin (hex) at the last bump
	// with this partner on this MISP, "" when unknown.
	previousPin string
}

// SendsKey reports whether this side must give the partner a key: when
// it creates the sync user, or when the admin asked for a new key.
func (p *Plan) SendsKey() bool {
	return p.User.Action == ActionCreate || p.Options.NewKey
}

// NothingToDo reports whether the plan reuses everything as it is.
func (p *Plan) NothingToDo() bool {
	return p.Org.Action == ActionReuse && p.User.Action == ActionReuse &&
		p.Server.Action == ActionReuse && !p.SendsKey()
}

// Steps returns the plan's lines in apply order.
func (p *Plan) Steps() []Step {
	return []Step{p.Org, p.User, p.keyStep(), p.Server}
}

func (p *Plan) keyStep() Step {
	switch {
	case p.User.Action == ActionCreate:
		return Step{Kind: history.KindAuthKey, Action: ActionCreate, Detail: "take the key MISP makes with the new sync user"}
	case p.Options.NewKey:
		return Step{Kind: history.KindAuthKey, Action: ActionCreate, Detail: fmt.Sprintf(
			"make a new key for the existing sync user; its other keys expire %d days after the codes match", int(DefaultKeyGrace.Hours()/24))}
	}
	return Step{Kind: history.KindAuthKey, Action: ActionReuse, Detail: "the partner keeps the key it already has"}
}

// Plan looks up what already exists for the partner and decides what
// to create. It changes nothing on MISP. A *ConflictError means the bump
// cannot go ahead until the admin resolves it.
func (pv *Provisioner) Plan(ctx context.Context, own *Profile, partner exchange.Profile, opts Options) (*Plan, error) {
	partner.OrgUUID = strings.ToLower(partner.OrgUUID)
	plan := &Plan{Partner: partner, Options: opts, legacyKeys: !own.AdvancedAuthKeys}
	if err := checkNotSelf(own, partner); err != nil {
		return nil, err
	}
	if err := pv.settleUnfinished(ctx, partner); err != nil {
		return nil, err
	}
	if err := pv.planOrg(ctx, plan); err != nil {
		return nil, err
	}
	if err := pv.planRole(ctx, plan); err != nil {
		return nil, err
	}
	if err := pv.planUser(ctx, plan); err != nil {
		return nil, err
	}
	if err := pv.planServer(ctx, plan); err != nil {
		return nil, err
	}
	plan.PrivateURL = PrivateURL(ctx, partner.URL)
	if host := UnresolvedHost(ctx, partner.URL); host != "" {
		plan.Notes = append(plan.Notes, fmt.Sprintf("this computer cannot resolve %s, so mispbump could not check whether it is a private address: "+
			"make sure it is your partner's MISP before you continue", host))
	}
	if plan.PrivateURL != "" && !opts.AllowPrivateURL {
		return plan, fmt.Errorf("%w: %s; your MISP would call it: confirm only if this partner is on your own network", ErrPrivateURL, plan.PrivateURL)
	}
	if err := pv.CheckCertificate(ctx, plan); err != nil {
		return plan, err
	}
	return plan, nil
}

// settleUnfinished rolls back interrupted bumps with the same partner on
// this MISP before planning. Otherwise the plan would reuse the half-made
// organisation and sync user of such a bump as if they were a finished
// partnership: it would send no key, and a later recovery would delete
// what the new partnership uses. A roll-back that fails stops the plan.
func (pv *Provisioner) settleUnfinished(ctx context.Context, partner exchange.Profile) error {
	open, _ := pv.Store.Unfinished()
	for _, b := range open {
		if !b.OnMISP(pv.Client.BaseURL()) {
			continue
		}
		if !strings.EqualFold(b.Partner.OrgUUID, partner.OrgUUID) && !strings.EqualFold(b.Partner.SyncEmail, partner.SyncEmail) {
			continue
		}
		release, err := pv.Store.Lock(b.ID)
		if errors.Is(err, history.ErrLocked) {
			return &ConflictError{
				What:    fmt.Sprintf("partner %q", partner.OrgName),
				Problem: fmt.Sprintf("another mispbump process is running a bump with this partner (%s)", b.ID),
				Fix:     "finish or cancel that bump first",
			}
		}
		if err != nil {
			return err
		}
		err = pv.Rollback(ctx, b, "rolled back before a new bump with the same partner: the bump was interrupted")
		release()
		if err != nil {
			return &ConflictError{
				What:    fmt.Sprintf("partner %q", partner.OrgName),
				Problem: fmt.Sprintf("an interrupted bump with this partner (%s) left objects that could not be removed: %v", b.ID, err),
				Fix:     "try again once your MISP answers, or delete that bump's organisation and sync user in MISP",
			}
		}
		pv.log().Info("rolled back an interrupted bump with the same partner", "bump", b.ID)
	}
	return nil
}

func checkNotSelf(own *Profile, partner exchange.Profile) error {
	for _, org := range []misp.Organisation{own.Org, own.Identity()} {
		if strings.EqualFold(org.UUID, partner.OrgUUID) {
			return &ConflictError{
				What:    fmt.Sprintf("organisation %q", partner.OrgName),
				Problem: "the partner has the same organisation uuid as your own",
				Fix:     "you scanned a code of your own MISP: scan your partner's code",
			}
		}
	}
	return nil
}

func (pv *Provisioner) planOrg(ctx context.Context, plan *Plan) error {
	partner := plan.Partner
	org, err := pv.Client.Organisation(ctx, partner.OrgUUID)
	switch {
	case err == nil:
		plan.OrgExisting = &org
		plan.Org = Step{Kind: history.KindOrganisation, Action: ActionReuse, ID: org.ID,
			Detail: fmt.Sprintf("use the existing organisation %q (id %s)", org.Name, org.ID)}
		if org.Name != partner.OrgName {
			plan.Notes = append(plan.Notes, fmt.Sprintf("the partner calls itself %q; your MISP names this organisation %q and keeps that name",
				partner.OrgName, org.Name))
		}
		return nil
	case !errors.Is(err, misp.ErrNotFound):
		return &StepError{Step: "look up the partner organisation", Err: err}
	}

	// MISP's view endpoint reads a numeric reference as an id and a
	// uuid-shaped one as a uuid, so such names cannot be looked up by
	// name there; MISP's own uniqueness check still catches a clash when
	// the organisation is created.
	if nameIsReference(partner.OrgName) {
		plan.Org = Step{Kind: history.KindOrganisation, Action: ActionCreate,
			Detail: fmt.Sprintf("create the organisation %q with uuid %s", partner.OrgName, partner.OrgUUID)}
		return nil
	}
	same, err := pv.Client.Organisation(ctx, partner.OrgName)
	switch {
	case err == nil && same.Name != partner.OrgName:
		// Not the same name after all: nothing to report.
	case err == nil:
		return &ConflictError{
			What: fmt.Sprintf("organisation %q", partner.OrgName),
			Problem: fmt.Sprintf("your MISP has an organisation with this name but uuid %s (id %s), while the partner's uuid is %s",
				same.UUID, same.ID, partner.OrgUUID),
			Fix: "it was probably created by hand with a random uuid: if it is this partner, change its uuid to the partner's in MISP " +
				"(Administration > Organisations > Edit) and bump again; otherwise rename it",
		}
	case !errors.Is(err, misp.ErrNotFound):
		return &StepError{Step: "look up the partner organisation by name", Err: err}
	}
	plan.Org = Step{Kind: history.KindOrganisation, Action: ActionCreate,
		Detail: fmt.Sprintf("create the organisation %q with uuid %s", partner.OrgName, partner.OrgUUID)}
	return nil
}

// nameIsReference reports whether an organisation name would be read as
// an id or a uuid by organisations/view.
func nameIsReference(name string) bool {
	if misp.IsUUID(name) {
		return true
	}
	return name != "" && strings.Trim(name, "0123456789") == ""
}

func (pv *Provisioner) planRole(ctx context.Context, plan *Plan) error {
	roles, err := pv.Client.Roles(ctx)
	if err != nil {
		return &StepError{Step: "list roles", Err: err}
	}
	role, err := misp.SyncRole(roles)
	if err != nil {
		return &StepError{Step: "choose the sync role", Err: err}
	}
	plan.RoleID, plan.RoleName = role.ID, role.Name
	return nil
}

func (pv *Provisioner) planUser(ctx context.Context, plan *Plan) error {
	email := plan.Partner.SyncEmail
	view, found, err := pv.Client.FindUserByEmail(ctx, email)
	if err != nil {
		return &StepError{Step: "look up the sync user " + email, Err: err}
	}
	if !found {
		plan.User = Step{Kind: history.KindUser, Action: ActionCreate,
			Detail: fmt.Sprintf("create the sync user %s with role %q, disabled until the codes match", email, plan.RoleName)}
		return nil
	}
	inOrg := plan.OrgExisting != nil && view.User.OrgID == plan.OrgExisting.ID
	if !inOrg || view.User.RoleID != plan.RoleID {
		return &ConflictError{
			What: fmt.Sprintf("user %s", email),
			Problem: fmt.Sprintf("this e-mail already belongs to a user in organisation %q with role %q, not a sync user of the partner organisation",
				view.Organisation.Name, view.Role.Name),
			Fix: "ask the partner to use another sync e-mail, or move that user in MISP",
		}
	}
	plan.UserExisting = &view
	detail := fmt.Sprintf("use the existing sync user %s (id %s)", email, view.User.ID)
	if view.User.Disabled {
		detail += ", enabled once the codes match"
	}
	plan.User = Step{Kind: history.KindUser, Action: ActionReuse, ID: view.User.ID, Detail: detail}
	return nil
}

func (pv *Provisioner) planServer(ctx context.Context, plan *Plan) error {
	entries, err := pv.Client.Servers(ctx)
	if err != nil {
		return &StepError{Step: "list server entries", Err: err}
	}
	var matches []misp.ServerEntry
	for _, e := range entries {
		if misp.SameServerURL(e.Server.URL, plan.Partner.URL) {
			matches = append(matches, e)
		}
	}
	if len(matches) == 0 {
		plan.Server = Step{Kind: history.KindServer, Action: ActionCreate,
			Detail: fmt.Sprintf("create a server entry for %s, with pull and push off until the codes match", plan.Partner.URL)}
		return nil
	}
	chosen := matches[0]
	for _, m := range matches {
		if strings.EqualFold(m.RemoteOrg.UUID, plan.Partner.OrgUUID) {
			chosen = m
			break
		}
	}
	if len(matches) > 1 {
		plan.Notes = append(plan.Notes, fmt.Sprintf("your MISP has %d server entries for %s; mispbump uses id %s and leaves the others alone",
			len(matches), plan.Partner.URL, chosen.Server.ID))
	}
	plan.ServerExisting = &chosen
	// The pin of the certificate on the entry, as the bump that last
	// uploaded one recorded it; a bump that was cancelled before its
	// confirmation never uploaded its partner's certificate.
	if previous, err := pv.Store.FindPartner(plan.Partner.OrgUUID, pv.Client.BaseURL()); err == nil {
		if o := previous.Current(history.KindServer); o != nil && o.ID == int64(chosen.Server.ID) {
			plan.previousPin = o.CertPin
		}
	}
	changes := plan.serverChanges(chosen.Server)
	if len(changes) == 0 {
		plan.Server = Step{Kind: history.KindServer, Action: ActionReuse, ID: chosen.Server.ID,
			Detail: fmt.Sprintf("keep the server entry %q (id %s) as it is", chosen.Server.Name, chosen.Server.ID)}
		return nil
	}
	plan.Server = Step{Kind: history.KindServer, Action: ActionUpdate, ID: chosen.Server.ID,
		Detail: fmt.Sprintf("update the server entry %q (id %s) once the codes match: %s",
			chosen.Server.Name, chosen.Server.ID, strings.Join(changes, ", "))}
	return nil
}

// serverChanges lists what differs between an existing entry and the
// plan. The initiator learns the partner's key only after planning, so
// its plan cannot list a new key; Confirm stores one when it arrives.
func (p *Plan) serverChanges(s misp.Server) []string {
	var changes []string
	if p.OrgExisting == nil || s.RemoteOrgID != p.OrgExisting.ID {
		changes = append(changes, "remote organisation")
	}
	if s.Pull != p.Options.Pull {
		changes = append(changes, fmt.Sprintf("pull %s", onOff(p.Options.Pull)))
	}
	if s.Push != p.Options.Push {
		changes = append(changes, fmt.Sprintf("push %s", onOff(p.Options.Push)))
	}
	if p.certChanged(s) {
		changes = append(changes, "upload the partner's certificate")
	}
	if p.Options.PartnerSendsKey {
		changes = append(changes, "store the partner's new key")
	}
	return changes
}

// certChanged reports whether the partner's pinned certificate must be
// uploaded to the existing entry: the entry has none, or the partner now
// pins another certificate than at the last bump.
func (p *Plan) certChanged(s misp.Server) bool {
	if len(p.Partner.TLSPin) == 0 {
		return false
	}
	return s.CertFile == "" || p.previousPin != hex.EncodeToString(p.Partner.TLSPin)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// CheckCertificate fetches the partner's certificate and checks it
// against the pin from the handshake. Plan runs it, except for a partner
// URL on a private network that the admin has not accepted yet: this
// app does not connect there before the admin said yes.
func (pv *Provisioner) CheckCertificate(ctx context.Context, plan *Plan) error {
	pin := plan.Partner.TLSPin
	if len(pin) == 0 || !strings.HasPrefix(strings.ToLower(plan.Partner.URL), "https://") {
		return nil
	}
	info, err := pv.probeTLS(ctx, plan.Partner.URL)
	if err != nil {
		return &StepError{Step: "read the partner's certificate at " + plan.Partner.URL, Err: err}
	}
	if !bytes.Equal(info.SHA256, pin) {
		return fmt.Errorf("%w: %s presents %s, but the partner's code announced %s: someone may be intercepting the connection; "+
			"do not continue, and compare the fingerprint with the partner by phone",
			ErrPinMismatch, plan.Partner.URL, misp.FormatFingerprint(info.SHA256), misp.FormatFingerprint(pin))
	}
	plan.CertPEM = info.ChainPEM
	return nil
}
