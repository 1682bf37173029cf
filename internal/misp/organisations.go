package misp

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// OrganisationInput is the body of admin/organisations/add.
type OrganisationInput struct {
	Name string `json:"name"`

	// UUID is the organisation's UUID. For a sync partner it must be the
	// partner's own host organisation UUID, because MISP matches synced
	// events and sharing groups to organisations by UUID. It is sent in
	// lower case. Empty lets MISP generate one.
	UUID string `json:"uuid,omitempty"`

	// Local marks one of this instance's own organisations. It is always
	// sent, because MISP defaults it to true when it is missing.
	Local bool `json:"local"`

	Description string `json:"description,omitempty"`
	Type        string `json:"type,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Sector      string `json:"sector,omitempty"`
	Contacts    string `json:"contacts,omitempty"`
}

// AddOrganisation calls admin/organisations/add (site admin only). A
// duplicate name or UUID fails with ErrValidation naming the field.
func (c *Client) AddOrganisation(ctx context.Context, in OrganisationInput) (Organisation, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		// MISP 2.5.1 saves an organisation with an empty name, so the
		// check must happen here.
		return Organisation{}, errors.New("add organisation: name is empty")
	}
	if in.UUID != "" {
		if !IsUUID(in.UUID) {
			return Organisation{}, fmt.Errorf("add organisation %q: UUID %q is invalid: expected the 8-4-4-4-12 hex form",
				in.Name, truncateText(in.UUID, 60))
		}
		in.UUID = strings.ToLower(in.UUID)
	}

	cl := call{method: "POST", path: "/admin/organisations/add", body: in, saves: true}
	return c.organisationResult(ctx, cl)
}

// OrganisationEdit is the body of admin/organisations/edit. Nil fields
// are left out, and MISP keeps their values.
type OrganisationEdit struct {
	Name        *string `json:"name,omitempty"`
	UUID        *string `json:"uuid,omitempty"`
	Local       *bool   `json:"local,omitempty"`
	Description *string `json:"description,omitempty"`
	Type        *string `json:"type,omitempty"`
	Nationality *string `json:"nationality,omitempty"`
	Sector      *string `json:"sector,omitempty"`
	Contacts    *string `json:"contacts,omitempty"`
}

// EditOrganisation calls admin/organisations/edit/{ref} (site admin
// only), where ref is an id or a UUID.
func (c *Client) EditOrganisation(ctx context.Context, ref string, edit OrganisationEdit) (Organisation, error) {
	ref, err := orgRef(ref)
	if err != nil {
		return Organisation{}, fmt.Errorf("edit organisation: %w", err)
	}
	if edit.UUID != nil {
		if !IsUUID(*edit.UUID) {
			return Organisation{}, fmt.Errorf("edit organisation %s: UUID %q is invalid", ref, truncateText(*edit.UUID, 60))
		}
		lower := strings.ToLower(*edit.UUID)
		edit.UUID = &lower
	}
	// NOTE: no recording of a real MISP shows POST on organisations/edit.
	// MISP's OrganisationsController accepts POST and PUT there, and POST
	// is what the recorded users/edit and servers/edit calls used.
	cl := call{method: "POST", path: "/admin/organisations/edit/" + pathSegment(ref), body: edit, saves: true}
	return c.organisationResult(ctx, cl)
}

func (c *Client) organisationResult(ctx context.Context, cl call) (Organisation, error) {
	var wrapped struct {
		Organisation Organisation `json:"Organisation"`
	}
	if err := c.getObject(ctx, cl, &wrapped, "Organisation"); err != nil {
		return Organisation{}, err
	}
	return wrapped.Organisation, nil
}

// DeleteOrganisation calls admin/organisations/delete/{ref} (site admin
// only), where ref is an id or a UUID. MISP refuses to delete its host
// organisation and any organisation that still has users or events.
func (c *Client) DeleteOrganisation(ctx context.Context, ref string) error {
	ref, err := orgRef(ref)
	if err != nil {
		return fmt.Errorf("delete organisation: %w", err)
	}
	cl := call{method: "POST", path: "/admin/organisations/delete/" + pathSegment(ref)}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return withHint(err, KindValidation,
			"MISP keeps its host organisation and any organisation that still has users or events: "+
				"delete or move those first")
	}
	return c.checkSaved(cl, resp)
}

// withHint replaces the hint of an *Error of the given kind, for
// operations where MISP's response has a more specific cause.
func withHint(err error, kind Kind, hint string) error {
	var e *Error
	if errors.As(err, &e) && e.Kind == kind {
		e.Hint = hint
	}
	return err
}
