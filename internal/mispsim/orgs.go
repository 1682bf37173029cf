package mispsim

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// orgObject renders an organisation as MISP's add, edit and users/view
// responses show it.
func orgObject(o *org) object {
	return object{
		{"id", idString(o.ID)},
		{"name", o.Name},
		{"date_created", mispDateTime(o.Created)},
		{"date_modified", mispDateTime(o.Modified)},
		{"description", nullable(o.Description)},
		{"type", o.Type},
		{"nationality", o.Nationality},
		{"sector", o.Sector},
		{"created_by", idString(o.CreatedBy)},
		{"uuid", o.UUID},
		{"contacts", nullable(o.Contacts)},
		{"local", o.Local},
		{"restricted_to_domain", stringList(o.RestrictedToDomain)},
		{"landingpage", nullable(o.Landingpage)},
	}
}

// orgViewObject renders an organisation as organisations/view shows it.
// Site admins also see who created it.
func (s *Sim) orgViewObject(o *org, full bool) object {
	out := object{
		{"id", idString(o.ID)},
		{"name", o.Name},
		{"date_created", mispDateTime(o.Created)},
		{"date_modified", mispDateTime(o.Modified)},
		{"type", o.Type},
		{"nationality", o.Nationality},
		{"sector", o.Sector},
		{"contacts", nullable(o.Contacts)},
		{"description", nullable(o.Description)},
		{"local", o.Local},
		{"uuid", o.UUID},
		{"restricted_to_domain", stringList(o.RestrictedToDomain)},
	}
	if full {
		out = out.with("created_by", idString(o.CreatedBy))
	}
	out = out.with("user_count", idString(s.st.userCount[o.ID]))
	if creator := s.st.users[o.CreatedBy]; full && creator != nil {
		out = out.with("created_by_email", creator.Email)
	}
	return out
}

// orgIndexObject renders an organisation as organisations/index lists it.
func (s *Sim) orgIndexObject(o *org) object {
	email := "Unknown"
	if creator := s.st.users[o.CreatedBy]; creator != nil {
		email = creator.Email
	}
	return orgObject(o).
		with("user_count", idString(s.st.userCount[o.ID])).
		with("created_by_email", email)
}

// orgsIndex lists organisations sorted by name: local ones by default, or
// by scope:local, scope:external or scope:all.
func (s *Sim) orgsIndex(c *call) {
	scope := c.route.named["scope"]
	list := make([]*org, 0, len(s.st.orgs))
	for _, o := range s.st.orgs {
		switch {
		case scope == "all",
			scope == "external" && !o.Local,
			scope != "external" && o.Local:
			list = append(list, o)
		}
	}
	slices.SortFunc(list, func(a, b *org) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	out := make([]object, 0, len(list))
	for _, o := range list {
		out = append(out, object{{"Organisation", s.orgIndexObject(o)}})
	}
	c.ok(out)
}

// orgsView shows one organisation by id, uuid or exact name. HEAD returns
// the same status without a body, MISP's cheapest existence check.
func (s *Sim) orgsView(c *call) {
	ref := c.route.param(0)
	o := s.st.orgByRef(ref)
	if o == nil {
		o = s.st.orgByName[ref]
	}
	if o == nil {
		c.notFound("Invalid organisation")
		return
	}
	c.ok(object{{"Organisation", s.orgViewObject(o, c.siteAdmin())}})
}

var orgOptionalFields = []string{
	"description", "type", "nationality", "sector", "uuid", "contacts", "local",
}

func (s *Sim) orgsAdd(c *call) {
	if c.r.Method != http.MethodPost {
		c.describe("/admin/organisations/add",
			"POST an Organisation object in JSON format to this API to create a new organsiation.",
			[]string{"name"}, orgOptionalFields)
		return
	}
	f := modelFields(c.body, "Organisation")
	t := now()
	o := &org{ID: s.st.next.Org, Local: true, CreatedBy: c.user.ID, Created: t, Modified: t}
	o.Name, _ = f.str("name")
	o.UUID, _ = f.str("uuid")
	o.UUID = strings.ToLower(strings.TrimSpace(o.UUID))
	if o.UUID == "" {
		o.UUID = randomUUID()
	}
	applyOrgFields(o, f)

	var errs fieldErrors
	if s.st.orgByName[o.Name] != nil {
		errs.add("name", "An organisation with this name already exists.")
	}
	if !validUUID(o.UUID) {
		errs.add("uuid", "Please provide a valid RFC 4122 UUID")
	} else if s.st.orgByUUID[o.UUID] != nil {
		errs.add("uuid", "An organisation with this UUID already exists.")
	}
	if !errs.empty() {
		c.saveFail("Could not add Organisation", c.actionURL("add", ""), "", errs.object())
		return
	}
	s.st.insertOrg(o)
	if !c.commit(s) {
		return
	}
	c.ok(object{{"Organisation", orgObject(o)}})
}

// applyOrgFields copies the free-text and flag fields MISP takes on add
// and edit.
func applyOrgFields(o *org, f fields) {
	for key, dst := range map[string]*string{
		"type": &o.Type, "nationality": &o.Nationality, "sector": &o.Sector,
	} {
		if v, ok := f.str(key); ok {
			*dst = v
		}
	}
	for key, dst := range map[string]**string{
		"description": &o.Description, "contacts": &o.Contacts, "landingpage": &o.Landingpage,
	} {
		if v, ok := f.str(key); ok {
			*dst = ptr(v)
		}
	}
	f.setBool("local", &o.Local)
	if v, ok := f["restricted_to_domain"]; ok {
		o.RestrictedToDomain = stringsValue(v)
	}
}

func (s *Sim) orgsEdit(c *call) {
	o := s.st.orgByRef(c.route.param(0))
	if o == nil {
		c.notFound("Invalid organisation")
		return
	}
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodPut {
		c.describe("/admin/organisations/edit",
			"POST an Organisation object in JSON format to this API to edit an organsiation.",
			nil, append([]string{"name"}, orgOptionalFields...))
		return
	}
	f := modelFields(c.body, "Organisation")
	changed := *o
	if name, ok := f.str("name"); ok {
		changed.Name = name
	}
	if uuid, ok := f.str("uuid"); ok {
		changed.UUID = strings.ToLower(strings.TrimSpace(uuid))
	}
	applyOrgFields(&changed, f)

	var errs fieldErrors
	if other := s.st.orgByName[changed.Name]; other != nil && other != o {
		errs.add("name", "An organisation with this name already exists.")
	}
	if !validUUID(changed.UUID) {
		errs.add("uuid", "Please provide a valid RFC 4122 UUID")
	}
	id := idString(o.ID)
	if !errs.empty() {
		c.saveFail("Could not edit Organisation", c.actionURL("edit", id), id, errs.object())
		return
	}
	if other := s.st.orgByUUID[changed.UUID]; other != nil && other != o {
		// MISP checks uuid uniqueness on create only; on edit the
		// database's unique index fails the save.
		c.internalError()
		return
	}
	changed.Modified = now()
	s.st.updateOrg(o, func(target *org) { *target = changed })
	if !c.commit(s) {
		return
	}
	c.ok(object{{"Organisation", orgObject(o)}})
}

func (s *Sim) orgsDelete(c *call) {
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodDelete {
		c.methodNotAllowed("Action not allowed, post or delete request expected.")
		return
	}
	o := s.st.orgByRef(c.route.param(0))
	if o == nil {
		c.notFound("Invalid organisation")
		return
	}
	id := idString(o.ID)
	url := c.actionURL("delete", id)
	if o.ID == s.st.settings.HostOrgID || s.st.userCount[o.ID] > 0 {
		c.saveFail("Could not delete Organisation", url, id, []string{})
		return
	}
	s.st.deleteOrg(o)
	if !c.commit(s) {
		return
	}
	c.saveSuccess("Organisation deleted", url, id)
}
