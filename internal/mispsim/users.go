package mispsim

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// emailPattern follows MISP's User::validateEmail: a unicode local part and
// a domain with a top-level part of two or more letters.
var emailPattern = regexp.MustCompile(
	`(?i)^[\p{L}0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+(?:\.[\p{L}0-9!#$%&'*+/=?^_` + "`" +
		`{|}~-]+)*@(?:[_\p{L}0-9][-_\p{L}0-9]*\.)*[\p{L}0-9][-\p{L}0-9]{0,62}\.(?:[a-z]{2}\.)?[a-z]{2,}$`)

var complexPassword = regexp.MustCompile(`[0-9]|[^a-zA-Z0-9]`)

var userOptionalFields = []string{
	"password", "external_auth_required", "external_auth_key", "enable_password", "nids_sid",
	"server_id", "gpgkey", "certif_public", "autoalert", "contactalert", "disabled",
	"change_pw", "termsaccepted", "newsread",
}

// usersView shows the caller (users/view/me) or, for site admins, any
// user by id.
func (s *Sim) usersView(c *call) {
	ref := c.route.param(0)
	target := c.user
	if ref != "me" {
		id, _ := parseID(ref)
		target = s.st.users[id]
		if target != nil && target.ID != c.user.ID && !c.siteAdmin() {
			target = nil
		}
	}
	if target == nil {
		c.notFound("Invalid user")
		return
	}
	c.ok(s.userWithRelations(target, false))
}

// manageableUser returns the user with id ref when the caller may manage
// it: site admins any user, org admins the users of their organisation.
func (s *Sim) manageableUser(c *call, ref string) *user {
	id, _ := parseID(ref)
	u := s.st.users[id]
	if u == nil || (!c.siteAdmin() && u.OrgID != c.user.OrgID) {
		return nil
	}
	return u
}

func (s *Sim) adminUsersView(c *call) {
	u := s.manageableUser(c, c.route.param(0))
	if u == nil {
		c.notFound("Invalid user")
		return
	}
	c.ok(s.userWithRelations(u, true))
}

// adminUsersIndex lists users by id, filtered by the named parameters
// searchemail (case-insensitive substring), searchorg, searchrole and
// searchdisabled. Org admins see their own organisation only.
func (s *Sim) adminUsersIndex(c *call) {
	named := c.route.named
	var ids []int
	switch {
	case named["searchemail"] != "":
		ids = s.usersMatchingEmail(strings.ToLower(named["searchemail"]))
	case named["searchorg"] != "":
		for _, ref := range strings.Split(named["searchorg"], "|") {
			if id, ok := parseID(ref); ok {
				ids = append(ids, sortedKeys(s.st.usersByOrg[id])...)
			}
		}
	default:
		ids = s.st.sortedUserIDs()
	}
	roleFilter, roleOK := parseID(named["searchrole"])
	disabledFilter, disabledOK := asBool(named["searchdisabled"])
	legacy := !s.st.settings.AdvancedAuthKeys
	out := []object{}
	for _, id := range sortedUnique(ids) {
		u := s.st.users[id]
		if u == nil || (!c.siteAdmin() && u.OrgID != c.user.OrgID) {
			continue
		}
		if named["searchorg"] != "" && !orgListed(named["searchorg"], u.OrgID) {
			continue
		}
		if (roleOK && u.RoleID != roleFilter) ||
			(named["searchdisabled"] != "" && disabledOK && u.Disabled != disabledFilter) {
			continue
		}
		r, _ := roleByID(u.RoleID)
		orgName := ""
		if o := s.st.orgs[u.OrgID]; o != nil {
			orgName = o.Name
		}
		out = append(out, object{
			{"User", userIndexObject(u, legacy)},
			{"Role", object{{"id", idString(r.ID)}, {"name", r.Name},
				{"perm_auth", r.Perms["auth"]}, {"perm_site_admin", r.Perms["site_admin"]},
				{"perm_admin", r.Perms["admin"]}}},
			{"Organisation", object{{"id", idString(u.OrgID)}, {"name", orgName}}},
		})
	}
	c.ok(out)
}

func orgListed(list string, orgID int) bool {
	for _, ref := range strings.Split(list, "|") {
		if id, ok := parseID(ref); ok && id == orgID {
			return true
		}
	}
	return false
}

// usersMatchingEmail returns the ids of users whose email contains query,
// through the trigram index when the query is long enough.
func (s *Sim) usersMatchingEmail(query string) []int {
	var ids []int
	candidates, narrowed := s.st.emails.candidates(query)
	if !narrowed {
		for id, u := range s.st.users {
			if strings.Contains(strings.ToLower(u.Email), query) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for _, id := range candidates {
		if u := s.st.users[int(id)]; u != nil && strings.Contains(strings.ToLower(u.Email), query) {
			ids = append(ids, int(id))
		}
	}
	return ids
}

func sortedUnique(ids []int) []int {
	set := make(map[int]struct{}, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	return sortedKeys(set)
}

// checkRole returns the role for roleID and sends the error response when the
// caller may not assign it: 405 for an unknown role, and MISP's 500 when
// an org admin assigns a role with site admin, sync or regexp rights.
func (s *Sim) checkRole(c *call, roleID int) (role, bool) {
	r, ok := roleByID(roleID)
	if !ok {
		c.methodNotAllowed("Invalid role")
		return role{}, false
	}
	if !c.siteAdmin() && (r.Perms["site_admin"] || r.Perms["sync"] || r.Perms["regexp_access"]) {
		s.log.Info("org admin cannot assign role", "role", r.Name, "user", c.user.ID)
		c.internalError()
		return role{}, false
	}
	return r, true
}

// validateUser adds MISP's model validation errors for the fields in f.
// self is the user being edited, nil on add.
func (s *Sim) validateUser(f fields, email string, self *user, errs *fieldErrors) {
	if !emailPattern.MatchString(email) {
		errs.add("email", "Please enter a valid email address.")
	} else if other := s.st.userByEmail[strings.ToLower(email)]; other != nil && other != self {
		errs.add("email", "An account with this email address already exists.")
	}
	if password, ok := f.str("password"); ok && password != "" {
		switch {
		case utf8.RuneCountInString(password) < 12:
			errs.add("password", "Password length requirement not met.")
		case utf8.RuneCountInString(password) < 16 && !(complexPassword.MatchString(password) &&
			strings.ToLower(password) != password && strings.ToUpper(password) != password):
			errs.add("password", "Password complexity requirement not met.")
		}
	}
	if key, ok := f.str("authkey"); ok && key != "" && len(key) < 40 {
		errs.add("authkey", "A authkey of a minimum length of 40 is required.")
	}
}

// authkeyTooLong reports a posted authkey longer than MISP's 40-character
// column, which MISP rejects with a database error (500).
func authkeyTooLong(f fields) bool {
	key, _ := f.str("authkey")
	return len(key) > 40
}

func randomNidsSID() int {
	n, _ := rand.Int(rand.Reader, big.NewInt(9000000))
	return int(n.Int64()) + 1000000
}

// applyUserFields copies the flags and texts MISP takes on add and edit.
func applyUserFields(u *user, f fields) {
	f.setBool("autoalert", &u.Autoalert)
	f.setBool("contactalert", &u.Contactalert)
	f.setBool("disabled", &u.Disabled)
	f.setBool("change_pw", &u.ChangePW)
	f.setBool("termsaccepted", &u.TermsAccepted)
	f.setBool("external_auth_required", &u.ExternalAuthRequired)
	if v, ok := f.str("gpgkey"); ok {
		u.GPGKey = ptr(v)
	}
	if v, ok := f.str("certif_public"); ok {
		u.CertifPublic = v
	}
	if v, ok := f.str("external_auth_key"); ok {
		u.ExternalAuthKey = ptr(v)
	}
	if v, ok := f.id("nids_sid"); ok {
		u.NidsSID = v
	}
}

func (s *Sim) adminUsersAdd(c *call) {
	if c.r.Method != http.MethodPost {
		c.describe("/admin/users/add",
			"POST a User object in JSON format to this API to create a new user.",
			[]string{"email", "org_id", "role_id"}, userOptionalFields)
		return
	}
	f := modelFields(c.body, "User")
	url := c.actionURL("add", "")
	email, _ := f.str("email")
	if email == "" {
		c.saveFail("Could not add User", url, "", object{{"email", "Mandatory field not set."}})
		return
	}
	roleID := defaultRoleID
	if f.has("role_id") {
		roleID, _ = f.id("role_id")
	}
	r, ok := s.checkRole(c, roleID)
	if !ok {
		return
	}
	orgID := c.user.OrgID
	if f.has("org_id") && c.siteAdmin() {
		orgID, _ = f.id("org_id")
	}
	if s.st.orgs[orgID] == nil {
		c.saveFail("Could not add User", url, "", []string{"Invalid organisation"})
		return
	}
	var errs fieldErrors
	s.validateUser(f, email, nil, &errs)
	if !errs.empty() {
		c.saveFail("Could not add User", url, "", errs.object())
		return
	}
	if authkeyTooLong(f) {
		c.internalError()
		return
	}

	u, shownKey := s.createUser(c, f, r, orgID, email)
	if !c.commit(s) {
		return
	}
	c.ok(object{{"User", userSavedObject(u, shownKey)}})
}

// createUser inserts a user with MISP's REST defaults (change_pw on, terms
// not accepted) and returns it with the key to show once. In advanced mode
// every REST user creation mints a new key, and a posted authkey only
// lands in the unused legacy column.
func (s *Sim) createUser(c *call, f fields, r role, orgID int, email string) (*user, string) {
	t := now()
	u := &user{
		ID: s.st.next.User, OrgID: orgID, RoleID: r.ID, Email: email, InvitedBy: c.user.ID,
		GPGKey: ptr(""), NidsSID: randomNidsSID(), ChangePW: true, ExternalAuthKey: ptr(""),
		DateCreated: t, DateModified: t, LastPWChange: t,
	}
	applyUserFields(u, f)
	if id, ok := f.id("server_id"); ok && r.Perms["sync"] {
		u.ServerID = id
	}
	u.LegacyAuthKey, _ = f.str("authkey")
	if u.LegacyAuthKey == "" {
		u.LegacyAuthKey = randomKey()
	}
	s.st.insertUser(u)

	shownKey := u.LegacyAuthKey
	if s.st.settings.AdvancedAuthKeys {
		_, shownKey = s.st.newAuthKey(u.ID, ptr(""), t)
	}
	return u, shownKey
}

func (s *Sim) adminUsersEdit(c *call) {
	u := s.manageableUser(c, c.route.param(0))
	if u == nil {
		c.notFound("Invalid user")
		return
	}
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodPut {
		c.describe("/admin/users/edit",
			"POST a User object in JSON format to this API to edit a user.",
			nil, append([]string{"email", "org_id", "role_id"}, userOptionalFields...))
		return
	}
	f := modelFields(c.body, "User")
	id := idString(u.ID)
	url := c.actionURL("edit", id)

	changed := *u
	if email, ok := f.str("email"); ok {
		changed.Email = email
	}
	if !s.changeRoleAndOrg(c, f, &changed, url) {
		return
	}

	var errs fieldErrors
	s.validateUser(f, changed.Email, u, &errs)
	if !errs.empty() {
		c.saveFail("Could not edit User", url, id, errs.object())
		return
	}
	if authkeyTooLong(f) {
		c.internalError()
		return
	}

	applyUserFields(&changed, f)
	if key, ok := f.str("authkey"); ok && key != "" {
		changed.LegacyAuthKey = key
	}
	changed.DateModified = now()
	s.st.updateUser(u, func(target *user) { *target = changed })
	if !c.commit(s) {
		return
	}
	var authkey any
	if !s.st.settings.AdvancedAuthKeys {
		authkey = u.LegacyAuthKey
	}
	c.ok(object{{"User", userSavedObject(u, authkey)}})
}

// changeRoleAndOrg applies role_id and, for site admins, org_id from an
// edit. It sends the error response and returns false when either is
// invalid.
func (s *Sim) changeRoleAndOrg(c *call, f fields, changed *user, url string) bool {
	if f.has("role_id") {
		roleID, _ := f.id("role_id")
		r, ok := s.checkRole(c, roleID)
		if !ok {
			return false
		}
		changed.RoleID = r.ID
	}
	if f.has("org_id") && c.siteAdmin() {
		orgID, _ := f.id("org_id")
		if s.st.orgs[orgID] == nil {
			id := idString(changed.ID)
			c.saveFail("Could not edit User", url, id, []string{"Invalid organisation"})
			return false
		}
		changed.OrgID = orgID
	}
	return true
}

// userDeleteModal is the confirmation dialog MISP 2.5.1 returns for GET and
// PUT on admin/users/delete, with Content-Type application/json and status
// 200, deleting nothing.
const userDeleteModal = `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">Delete user</h3>
    </div>
    <div class="modal-body modal-body-long">
        <p>Are you sure you want to delete the user? It is highly recommended to never delete users but to disable them instead.</p>
    </div>
    <div class="modal-footer">
        <form action="%s" name="post_mispsim" id="post_mispsim" style="display:none;" method="post"><input type="hidden" name="_method" value="POST"/></form><a href="#" class="btn btn-primary" onclick="document.post_mispsim.submit(); event.returnValue = false; return false;">Delete</a>        <button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>
    </div>
</div>
`

func (s *Sim) adminUsersDelete(c *call) {
	u := s.manageableUser(c, c.route.param(0))
	if u == nil {
		c.notFound("Invalid user")
		return
	}
	id := idString(u.ID)
	url := c.actionURL("delete", id)
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodDelete {
		writeBody(c.w, http.StatusOK, jsonContentType,
			[]byte(strings.Replace(userDeleteModal, "%s", url, 1)))
		return
	}
	s.st.deleteUser(u)
	if !c.commit(s) {
		return
	}
	c.saveSuccess("User deleted.", url, id)
}
