package mispsim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// maxBodyBytes bounds request bodies; the largest legitimate one is a
// server entry with two certificates.
const maxBodyBytes = 4 << 20

// access is the ACL rule of an endpoint, from MISP's ACLComponent.
type access int

const (
	// accessAuth lets every user with perm_auth in.
	accessAuth access = iota
	// accessSync needs perm_sync.
	accessSync
	// accessAdmin needs perm_admin (org admins and site admins).
	accessAdmin
	// accessSiteAdmin needs perm_site_admin.
	accessSiteAdmin
)

// endpoint is one MISP action the simulator implements.
type endpoint struct {
	access access
	handle func(*Sim, *call)
	// network marks handlers that call other servers: they run without
	// Sim.mu held and take it themselves, so a simulator can test a
	// connection to itself.
	network bool
}

// endpoints maps route keys to actions. Actions not listed here get 404
// "Not Found" to site admins and 403 to others, as missing CakePHP actions
// do behind MISP's ACL.
var endpoints = map[string]endpoint{
	"servers/getversion":         {access: accessAuth, handle: (*Sim).getVersion},
	"servers/getpymispversion":   {access: accessAuth, handle: (*Sim).getPyMISPVersion},
	"servers/getinstanceuuid":    {access: accessSync, handle: (*Sim).getInstanceUUID},
	"servers/getsetting":         {access: accessSiteAdmin, handle: (*Sim).getSetting},
	"servers/serversettingsedit": {access: accessSiteAdmin, handle: (*Sim).serverSettingsEdit},
	"servers/index":              {access: accessSiteAdmin, handle: (*Sim).serversIndex},
	"servers/add":                {access: accessSiteAdmin, handle: (*Sim).serversAdd},
	"servers/edit":               {access: accessSiteAdmin, handle: (*Sim).serversEdit},
	"servers/delete":             {access: accessSiteAdmin, handle: (*Sim).serversDelete},
	"servers/import":             {access: accessSiteAdmin, handle: (*Sim).serversImport},
	"servers/createsync":         {access: accessSync, handle: (*Sim).createSync},
	"servers/posttest":           {access: accessAuth, handle: (*Sim).postTest},
	"servers/testconnection": {access: accessSiteAdmin, handle: (*Sim).testConnection,
		network: true},
	"servers/getremoteuser": {access: accessSiteAdmin, handle: (*Sim).getRemoteUser,
		network: true},

	"users/view":         {access: accessAuth, handle: (*Sim).usersView},
	"admin/users/index":  {access: accessAdmin, handle: (*Sim).adminUsersIndex},
	"admin/users/view":   {access: accessAdmin, handle: (*Sim).adminUsersView},
	"admin/users/add":    {access: accessAdmin, handle: (*Sim).adminUsersAdd},
	"admin/users/edit":   {access: accessAdmin, handle: (*Sim).adminUsersEdit},
	"admin/users/delete": {access: accessAdmin, handle: (*Sim).adminUsersDelete},

	"organisations/index":        {access: accessAuth, handle: (*Sim).orgsIndex},
	"organisations/view":         {access: accessAuth, handle: (*Sim).orgsView},
	"admin/organisations/add":    {access: accessSiteAdmin, handle: (*Sim).orgsAdd},
	"admin/organisations/edit":   {access: accessSiteAdmin, handle: (*Sim).orgsEdit},
	"admin/organisations/delete": {access: accessSiteAdmin, handle: (*Sim).orgsDelete},

	"roles/index": {access: accessAuth, handle: (*Sim).rolesIndex},
	"roles/view":  {access: accessAuth, handle: (*Sim).rolesView},

	"auth_keys/index":  {access: accessAuth, handle: (*Sim).authKeysIndex},
	"auth_keys/view":   {access: accessAuth, handle: (*Sim).authKeysView},
	"auth_keys/add":    {access: accessAuth, handle: (*Sim).authKeysAdd},
	"auth_keys/edit":   {access: accessAuth, handle: (*Sim).authKeysEdit},
	"auth_keys/delete": {access: accessAuth, handle: (*Sim).authKeysDelete},
}

// knownControllers are MISP controllers. A path naming any other
// controller gets CakePHP's 404 before authentication.
var knownControllers = map[string]bool{
	"servers": true, "users": true, "organisations": true, "roles": true, "auth_keys": true,
	"events": true, "attributes": true, "jobs": true, "sharing_groups": true, "tags": true,
	"feeds": true, "logs": true, "galaxies": true, "objects": true, "sightings": true,
	"shadow_attributes": true, "analyst_data": true, "warninglists": true,
}

// call is one authenticated API request.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	route route
	user  *user
	role  role
	// perms are the caller's effective permissions: the role's, masked
	// when the key is read-only.
	perms perms
	// key is the advanced auth key used, nil in legacy mode.
	key  *authKey
	body fields
}

func (c *call) siteAdmin() bool {
	return c.perms["site_admin"]
}

// statusWriter records the status for the request log and lets fault
// injection hijack the connection.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hijacker, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response writer cannot hijack the connection")
	}
	w.status = -1
	return hijacker.Hijack()
}

// serveHTTP logs every request, counts it, applies faults and passes it on.
func (s *Sim) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		s.serveControl(sw, r)
	} else {
		rt := parseRoute(r.URL.Path)
		s.counts.add(r.Method + " " + rt.pattern)
		if f, ok := s.faults.match(r.Method, rt.pattern, r.URL.Path); ok {
			s.applyFault(sw, r, rt, f)
		} else {
			s.serveMISP(sw, r, rt)
		}
	}
	// The path never holds a key: keys travel in headers only.
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
		"duration", time.Since(start))
}

// serveMISP responds like MISP: content negotiation, authentication, ACL,
// then the action.
func (s *Sim) serveMISP(w http.ResponseWriter, r *http.Request, rt route) {
	switch negotiate(rt, r.Header.Get("Accept")) {
	case formatWeb:
		s.mu.Lock()
		location := s.baseURL(r) + "/users/login"
		s.mu.Unlock()
		redirect(w, location)
		return
	case formatXML:
		// NOTE: MISP responds to Accept: application/xml with XML; the simulator
		// speaks JSON only.
		writeBody(w, http.StatusNotAcceptable, "text/plain; charset=UTF-8",
			[]byte("mispsim responds with JSON only: send Accept: application/json\n"))
		return
	}
	if !knownControllers[strings.ToLower(rt.controller)] {
		writeJSON(w, http.StatusNotFound, exceptionBody(msgNotFound, r.URL.Path))
		return
	}

	s.mu.Lock()
	c, ok := s.authorize(w, r, rt)
	if !ok {
		s.mu.Unlock()
		return
	}
	ep := endpoints[rt.key()]
	if ep.network {
		s.mu.Unlock()
		ep.handle(s, c)
		return
	}
	defer s.mu.Unlock()
	ep.handle(s, c)
}

// authorize authenticates the request, checks the ACL and reads the body.
// It sends the error response itself and returns false when any step fails.
func (s *Sim) authorize(w http.ResponseWriter, r *http.Request, rt route) (*call, bool) {
	c := &call{w: w, r: r, route: rt}
	u, key, failure := s.authenticate(r)
	if failure != "" {
		c.exception(http.StatusForbidden, failure)
		return nil, false
	}
	c.user, c.key = u, key
	if key != nil && key.Expiration != 0 {
		// MISP announces a key's expiry in ISO 8601 on every response to
		// a request made with it, and getRemoteUser passes it on.
		w.Header().Set("X-Auth-Key-Expiration", time.Unix(key.Expiration, 0).UTC().Format(time.RFC3339))
	}
	c.role, _ = roleByID(u.RoleID)
	c.perms = c.role.Perms
	if key != nil && key.ReadOnly {
		c.perms = readOnlyPerms(c.perms)
	}
	if u.Disabled {
		c.exception(http.StatusForbidden, msgDisabled)
		return nil, false
	}
	if !c.perms["auth"] {
		c.exception(http.StatusForbidden, msgAuthFailed)
		return nil, false
	}
	// NOTE: MISP logs out non-site-admins while MISP.live is off; the
	// redirect to the login page is read from MISP's source, not recorded.
	if !s.st.settings.Live && !c.siteAdmin() {
		redirect(w, s.baseURL(r)+"/users/login")
		return nil, false
	}
	s.touch(u, key, r)

	ep, found := endpoints[rt.key()]
	if !c.siteAdmin() && (!found || !allowed(ep.access, c.perms)) {
		c.exception(http.StatusForbidden, msgNoPermission)
		return nil, false
	}
	if !found {
		c.exception(http.StatusNotFound, msgNotFound)
		return nil, false
	}
	body, err := readBody(r)
	if err != nil {
		c.methodNotAllowed(msgInvalidJSON)
		return nil, false
	}
	c.body = body
	return c, true
}

func allowed(rule access, p perms) bool {
	switch rule {
	case accessSync:
		return p["sync"]
	case accessAdmin:
		return p["admin"]
	case accessSiteAdmin:
		return p["site_admin"]
	}
	return true
}

// readBody decodes a JSON body. As in CakePHP, a body without
// Content-Type: application/json is not parsed at all, so its fields look
// missing.
func readBody(r *http.Request) (fields, error) {
	media := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if r.Body == nil || media != "application/json" {
		return fields{}, nil
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return fields{}, nil
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, err
	}
	if object, ok := value.(map[string]any); ok {
		return object, nil
	}
	return fields{}, nil
}
