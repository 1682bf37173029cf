package mispsim

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// serverObject renders a server entry. withKey adds the stored key, which
// add, edit and import return in clear text (MISP without an encryption
// key configured) and the index leaves out.
func serverObject(srv *server, withKey bool) object {
	out := object{{"id", idString(srv.ID)}, {"name", srv.Name}, {"url", srv.URL}}
	if withKey {
		out = out.with("authkey", srv.AuthKey)
	}
	return append(out,
		member{"org_id", idString(srv.OrgID)},
		member{"push", srv.Push},
		member{"pull", srv.Pull},
		member{"push_sightings", srv.PushSightings},
		member{"push_galaxy_clusters", srv.PushGalaxyClusters},
		member{"push_analyst_data", srv.PushAnalystData},
		member{"pull_analyst_data", srv.PullAnalystData},
		member{"pull_galaxy_clusters", srv.PullGalaxyClusters},
		member{"lastpulledid", nil},
		member{"lastpushedid", nil},
		member{"organization", nil},
		member{"remote_org_id", idString(srv.RemoteOrgID)},
		member{"publish_without_email", srv.PublishWithoutEmail},
		member{"unpublish_event", srv.UnpublishEvent},
		member{"self_signed", srv.SelfSigned},
		member{"pull_rules", srv.PullRules},
		member{"push_rules", srv.PushRules},
		member{"cert_file", nullable(srv.CertFile)},
		member{"client_cert_file", nullable(srv.ClientCertFile)},
		member{"internal", srv.Internal},
		member{"skip_proxy", srv.SkipProxy},
		member{"remove_missing_tags", srv.RemoveMissingTags},
		member{"caching_enabled", srv.CachingEnabled},
		member{"priority", idString(srv.Priority)},
	)
}

// shortOrgObject is the Organisation and RemoteOrg member of the index.
func shortOrgObject(o *org) object {
	if o == nil {
		return object{{"id", nil}, {"name", nil}, {"uuid", nil}, {"nationality", nil},
			{"sector", nil}, {"type", nil}}
	}
	return object{{"id", idString(o.ID)}, {"name", o.Name}, {"uuid", o.UUID},
		{"nationality", o.Nationality}, {"sector", o.Sector}, {"type", o.Type}}
}

func (s *Sim) serversIndex(c *call) {
	list := make([]*server, 0, len(s.st.servers))
	for _, srv := range s.st.servers {
		list = append(list, srv)
	}
	slices.SortFunc(list, func(a, b *server) int {
		return cmp.Or(cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.ID, b.ID))
	})
	out := make([]object, 0, len(list))
	for _, srv := range list {
		out = append(out, object{
			{"Server", serverObject(srv, false).with("cache_timestamp", false)},
			{"Organisation", shortOrgObject(s.st.orgs[srv.OrgID])},
			{"RemoteOrg", shortOrgObject(s.st.orgs[srv.RemoteOrgID])},
			{"User", []string{}},
		})
	}
	c.ok(out)
}

// server flags that add and edit take from the body.
var serverFlags = []struct {
	key string
	get func(*server) *bool
}{
	{"push", func(s *server) *bool { return &s.Push }},
	{"pull", func(s *server) *bool { return &s.Pull }},
	{"push_sightings", func(s *server) *bool { return &s.PushSightings }},
	{"push_galaxy_clusters", func(s *server) *bool { return &s.PushGalaxyClusters }},
	{"pull_galaxy_clusters", func(s *server) *bool { return &s.PullGalaxyClusters }},
	{"push_analyst_data", func(s *server) *bool { return &s.PushAnalystData }},
	{"pull_analyst_data", func(s *server) *bool { return &s.PullAnalystData }},
	{"caching_enabled", func(s *server) *bool { return &s.CachingEnabled }},
	{"unpublish_event", func(s *server) *bool { return &s.UnpublishEvent }},
	{"publish_without_email", func(s *server) *bool { return &s.PublishWithoutEmail }},
	{"self_signed", func(s *server) *bool { return &s.SelfSigned }},
	{"remove_missing_tags", func(s *server) *bool { return &s.RemoveMissingTags }},
	{"skip_proxy", func(s *server) *bool { return &s.SkipProxy }},
	{"internal", func(s *server) *bool { return &s.Internal }},
}

// ruleError checks pull_rules and push_rules. A rule that is not a string
// makes PHP throw a TypeError in MISP, so crash is true and the caller
// sends a 500. A string that is not JSON returns MISP's error text.
func ruleError(f fields) (msg string, crash bool) {
	for _, key := range []string{"pull_rules", "push_rules"} {
		v, ok := f[key]
		if !ok || v == nil {
			continue
		}
		text, isString := v.(string)
		if !isString {
			return "", true
		}
		if !json.Valid([]byte(text)) {
			return "The pull/push filter rules must be in valid JSON format.", false
		}
	}
	return "", false
}

// validateServer adds MISP's model validation errors for a server entry:
// url with a protocol, a 40-character alphanumeric key and a name.
func validateServer(srv *server, f fields, adding bool, errs *fieldErrors) {
	if f.has("url") || !adding {
		u, err := url.Parse(srv.URL)
		if srv.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
			u.Host == "" || strings.ContainsAny(srv.URL, " \t") {
			errs.add("url", "Invalid baseurl, please make sure that the protocol is set.")
		}
	}
	if f.has("authkey") || !adding {
		if !validKeyFormat(srv.AuthKey) {
			errs.add("authkey", "The authkey has to be exactly 40 characters long and "+
				"consist of alphanumeric characters.")
		}
	}
	if strings.TrimSpace(srv.Name) == "" {
		errs.add("name", "This field cannot be left blank")
	}
}

// normalizeServerURL trims whitespace and the trailing slash, as MISP's
// Server::beforeSave does.
func normalizeServerURL(raw string) string {
	return strings.TrimRight(strings.TrimSpace(raw), "/")
}

var serverOptionalFields = []string{
	"push", "pull", "push_sightings", "push_rules", "pull_rules", "submitted_cert",
	"submitted_client_cert", "json",
}

func (s *Sim) serversAdd(c *call) {
	if c.r.Method != http.MethodPost {
		c.describe("/servers/add", "POST an Server object in JSON format to this API to add a server.",
			[]string{"url", "name", "remote_org_id", "authkey"}, serverOptionalFields)
		return
	}
	f := modelFields(c.body, "Server")
	fail := func(errors any) { c.saveFail("Could not add Server", "/servers/add", "", errors) }

	if msg, crash := ruleError(f); crash {
		c.internalError()
		return
	} else if msg != "" {
		fail(msg)
		return
	}
	remoteRef, hasRemote := f.str("remote_org_id")
	if !hasRemote || remoteRef == "" {
		if f.has("json") {
			fail(object{{"Organisation", "Remote Organisation's id/uuid not given (remote_org_id)"}})
			return
		}
		c.methodNotAllowed("No remote org ID set. Please pass it as remote_org_id")
		return
	}
	remote := s.st.orgByRef(remoteRef)
	if remote == nil {
		fail(object{{"Organisation", "Invalid Remote Organisation"}})
		return
	}

	srv := &server{
		ID: s.st.next.Server, OrgID: c.user.OrgID, RemoteOrgID: remote.ID,
		PullRules: defaultPullRules, PushRules: defaultPushRules,
		Priority: s.st.maxServerPriority() + 1,
	}
	srv.Name, _ = f.str("name")
	rawURL, _ := f.str("url")
	srv.URL = normalizeServerURL(rawURL)
	srv.AuthKey, _ = f.str("authkey")
	applyServerFields(srv, f)
	var errs fieldErrors
	validateServer(srv, f, true, &errs)
	if !errs.empty() {
		fail(errs.object())
		return
	}
	// These reach MISP's database and fail there: a uuid in the integer
	// remote_org_id column, and a missing url or key in NOT NULL columns.
	if _, numeric := parseID(remoteRef); !numeric || !f.has("url") || !f.has("authkey") {
		c.internalError()
		return
	}
	srv.Internal = srv.Internal && remote.ID == s.st.settings.HostOrgID
	s.st.insertServer(srv)
	s.saveServerCerts(c, srv, f)
}

// applyServerFields copies the whitelisted columns MISP takes on add and
// edit, except url, authkey and remote_org_id.
func applyServerFields(srv *server, f fields) {
	for _, flag := range serverFlags {
		f.setBool(flag.key, flag.get(srv))
	}
	if name, ok := f.str("name"); ok {
		srv.Name = name
	}
	for key, dst := range map[string]*string{"pull_rules": &srv.PullRules, "push_rules": &srv.PushRules} {
		if v, ok := f[key].(string); ok {
			*dst = v
		}
	}
}

func (s *Sim) serverByParam(c *call) *server {
	id, _ := parseID(c.route.param(0))
	srv := s.st.servers[id]
	if srv == nil {
		c.notFound("Invalid server")
	}
	return srv
}

func (s *Sim) serversEdit(c *call) {
	srv := s.serverByParam(c)
	if srv == nil {
		return
	}
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodPut {
		c.describe("/servers/edit", "POST an Server object in JSON format to this API to edit a server.",
			nil, append([]string{"url", "name", "remote_org_id", "authkey"}, serverOptionalFields...))
		return
	}
	f := modelFields(c.body, "Server")
	id := idString(srv.ID)
	fail := func(errors any) { c.saveFail("Could not edit Server", "/servers/edit/"+id, id, errors) }
	if msg, crash := ruleError(f); crash {
		c.internalError()
		return
	} else if msg != "" {
		fail(msg)
		return
	}

	changed := *srv
	applyServerFields(&changed, f)
	if raw, ok := f.str("url"); ok {
		changed.URL = normalizeServerURL(raw)
	}
	// The key changes only when a non-empty one is given.
	if key, ok := f.str("authkey"); ok && key != "" {
		changed.AuthKey = key
	}
	// MISP does not check that remote_org_id exists on edit.
	if remoteID, ok := f.id("remote_org_id"); ok {
		changed.RemoteOrgID = remoteID
	}
	if done := s.captureInlineOrg(c, &changed, f, fail); done {
		return
	}

	var errs fieldErrors
	validateServer(&changed, f, false, &errs)
	if !errs.empty() {
		// MISP's edit passes a property that does not exist, so the
		// details are lost and errors is null.
		fail(nil)
		return
	}
	changed.Internal = changed.Internal && changed.RemoteOrgID == s.st.settings.HostOrgID
	*srv = changed
	s.saveServerCerts(c, srv, f)
}

// captureInlineOrg handles organisation_type 2 with a json member on
// servers/edit: MISP creates the external organisation named there and
// points remote_org_id at it. It returns true when it sent the
// response.
func (s *Sim) captureInlineOrg(c *call, srv *server, f fields, fail func(any)) bool {
	kind, _ := f.str("organisation_type")
	raw, hasJSON := f.str("json")
	if kind != "2" || !hasJSON {
		return false
	}
	var spec struct {
		Name string `json:"name"`
		UUID string `json:"uuid"`
	}
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		c.methodNotAllowed(msgInvalidJSON)
		return true
	}

	spec.UUID = strings.ToLower(strings.TrimSpace(spec.UUID))
	if spec.UUID == "" {
		spec.UUID = randomUUID()
	}
	if !validUUID(spec.UUID) || s.st.orgByUUID[spec.UUID] != nil || s.st.orgByName[spec.Name] != nil {
		// NOTE: the error text is the simulator's; MISP responds with 403 here,
		// and the recordings hold no example of its body.
		fail(object{{"Organisation", "Couldn't save the new organisation, are you sure " +
			"that the uuid is in the correct format? Also, make sure the organisation's " +
			"name doesn't clash with an existing one."}})
		return true
	}

	t := now()
	o := &org{ID: s.st.next.Org, Name: spec.Name, UUID: spec.UUID, CreatedBy: c.user.ID,
		Created: t, Modified: t}
	s.st.insertOrg(o)
	srv.RemoteOrgID = o.ID
	return false
}

// serversDelete deletes a server entry on POST only. Its success body
// carries the message as url suffix and id, a quirk of MISP 2.5.1.
func (s *Sim) serversDelete(c *call) {
	if c.r.Method != http.MethodPost {
		c.methodNotAllowed("This endpoint expects POST requests.")
		return
	}
	srv := s.serverByParam(c)
	if srv == nil {
		return
	}
	delete(s.st.servers, srv.ID)
	s.removeServerCerts(srv)
	if !c.commit(s) {
		return
	}
	const msg = "Server deleted"
	c.saveSuccess(msg, "/servers/delete/"+msg, msg)
}

// createSync returns MISP's sync config for the calling sync user: this
// instance's URL and uuid, the host organisation, and a new key for the
// caller (in advanced mode every call mints one).
func (s *Sim) createSync(c *call) {
	if c.siteAdmin() {
		c.methodNotAllowed("Site admin accounts cannot be used to create server sync configurations.")
		return
	}
	host := s.st.orgs[s.st.settings.HostOrgID]
	if host == nil {
		c.methodNotAllowed("Cannot create sync config - no host org ID configured for the instance.")
		return
	}
	key := c.user.LegacyAuthKey
	if s.st.settings.AdvancedAuthKeys {
		t := time.Now()
		comment := "Auto generated sync key - " + t.UTC().Format("2006-01-02 15:04:05")
		_, key = s.st.newAuthKey(c.user.ID, ptr(comment), t.Unix())
		if !c.commit(s) {
			return
		}
	}
	syncURL := s.st.settings.ExternalBaseURL
	if syncURL == "" {
		syncURL = s.baseURL(c.r)
	}
	c.ok(object{{"Server", object{
		{"url", syncURL},
		{"uuid", s.st.settings.InstanceUUID},
		{"authkey", key},
		{"Organisation", object{{"name", host.Name}, {"uuid", host.UUID}}},
	}}})
}

// serversImport adds a server entry from createSync output, given as it
// is, wrapped, or as a JSON string in a json member. The remote
// organisation is found by uuid, then by name, or created as external.
func (s *Sim) serversImport(c *call) {
	body := c.body
	if raw, ok := body["json"].(string); ok {
		var inner map[string]any
		decoder := json.NewDecoder(strings.NewReader(raw))
		decoder.UseNumber()
		if err := decoder.Decode(&inner); err != nil {
			c.methodNotAllowed(msgInvalidJSON)
			return
		}
		body = inner
	}

	f := modelFields(body, "Server")
	fail := func(errors any) { c.saveFail("Could not addFromJson Server", "/servers/import", "", errors) }
	orgSpec, _ := f["Organisation"].(map[string]any)
	remote := s.captureOrg(fields(orgSpec), c.user.ID)
	if remote == nil {
		fail(object{{"Organisation", "Invalid Remote Organisation"}})
		return
	}

	srv := &server{
		ID: s.st.next.Server, OrgID: c.user.OrgID, RemoteOrgID: remote.ID,
		PullRules: "[]", PushRules: "[]", Priority: s.st.maxServerPriority() + 1,
	}
	rawURL, _ := f.str("url")
	srv.URL = normalizeServerURL(rawURL)
	srv.AuthKey, _ = f.str("authkey")
	srv.Name, _ = f.str("name")
	if srv.Name == "" {
		srv.Name = srv.URL
	}

	var errs fieldErrors
	validateServer(srv, fields{"url": nil, "authkey": nil}, true, &errs)
	if !errs.empty() {
		fail(errs.object())
		return
	}
	s.st.insertServer(srv)
	if !c.commit(s) {
		return
	}
	c.ok(object{{"Server", serverObject(srv, true)}})
}

// captureOrg finds an organisation by uuid, else by name, else creates it
// as an external organisation, as MISP's Organisation::captureOrg does.
// A new organisation whose name is taken gets a "_<number>" suffix; MISP
// picks a random number, the simulator the first free one.
func (s *Sim) captureOrg(spec fields, creatorID int) *org {
	uuid, _ := spec.str("uuid")
	uuid = strings.ToLower(strings.TrimSpace(uuid))
	name, _ := spec.str("name")
	if o := s.st.orgByUUID[uuid]; uuid != "" && o != nil {
		return o
	}
	if uuid == "" {
		if o := s.st.orgByName[name]; o != nil {
			return o
		}
		uuid = randomUUID()
	}
	if !validUUID(uuid) || name == "" {
		return nil
	}
	base := name
	for suffix := 1; s.st.orgByName[name] != nil; suffix++ {
		name = base + "_" + idString(suffix)
	}
	t := now()
	o := &org{ID: s.st.next.Org, Name: name, UUID: uuid, CreatedBy: creatorID,
		Created: t, Modified: t}
	s.st.insertOrg(o)
	return o
}
