package mispsim

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// authKeyObject renders an auth key without its secret, as view and index
// show it.
func authKeyObject(k *authKey) object {
	return object{
		{"id", idString(k.ID)},
		{"uuid", k.UUID},
		{"authkey_start", k.Start},
		{"authkey_end", k.End},
		{"created", strconv.FormatInt(k.Created, 10)},
		{"expiration", strconv.FormatInt(k.Expiration, 10)},
		{"read_only", k.ReadOnly},
		{"user_id", idString(k.UserID)},
		{"comment", nullable(k.Comment)},
		{"allowed_ips", stringList(k.AllowedIPs)},
		{"unique_ips", stringList(k.UniqueIPs)},
	}
}

// keyOwnerObject is the User member of index and view: null members when
// the user was deleted, as MISP keeps the key rows.
func (s *Sim) keyOwnerObject(k *authKey) object {
	if u := s.st.users[k.UserID]; u != nil {
		return object{{"id", idString(u.ID)}, {"email", u.Email}}
	}
	return object{{"id", nil}, {"email", nil}}
}

// keyVisible reports whether the caller may see or change k: site admins
// every key, org admins the keys of their organisation's users, others
// their own keys.
func (s *Sim) keyVisible(c *call, k *authKey) bool {
	switch {
	case c.siteAdmin():
		return true
	case c.perms["admin"]:
		u := s.st.users[k.UserID]
		return u != nil && u.OrgID == c.user.OrgID
	}
	return k.UserID == c.user.ID
}

func (s *Sim) authKeysIndex(c *call) {
	filterUser, filtered := parseID(c.route.param(0))
	out := []object{}
	for _, id := range sortedKeys(s.st.keys) {
		k := s.st.keys[id]
		if (filtered && k.UserID != filterUser) || !s.keyVisible(c, k) {
			continue
		}
		out = append(out, object{{"AuthKey", authKeyObject(k)}, {"User", s.keyOwnerObject(k)}})
	}
	c.ok(out)
}

// visibleKey returns the key named by the first parameter, or responds with 404.
func (s *Sim) visibleKey(c *call) *authKey {
	id, _ := parseID(c.route.param(0))
	k := s.st.keys[id]
	if k == nil || !s.keyVisible(c, k) {
		c.notFound("Invalid AuthKey.")
		return nil
	}
	return k
}

func (s *Sim) authKeysView(c *call) {
	if k := s.visibleKey(c); k != nil {
		c.ok(object{{"AuthKey", authKeyObject(k)}, {"User", s.keyOwnerObject(k)}})
	}
}

// keyTarget returns the user a new key is for: the URL's user id, or the
// caller for "me" or no id. Org admins may create keys for themselves and
// for their organisation's users without admin rights; others only for
// themselves.
func (s *Sim) keyTarget(c *call) *user {
	ref := c.route.param(0)
	if ref == "" || ref == "me" {
		return c.user
	}
	id, _ := parseID(ref)
	u := s.st.users[id]
	switch {
	case u == nil:
		return nil
	case c.siteAdmin(), u.ID == c.user.ID:
		return u
	case c.perms["admin"]:
		r, _ := roleByID(u.RoleID)
		if u.OrgID == c.user.OrgID && r.Perms["auth"] && !r.Perms["admin"] {
			return u
		}
	}
	return nil
}

// applyKeyFields copies the fields MISP takes on add and edit. It returns
// MISP-style field errors for invalid values.
func applyKeyFields(k *authKey, f fields, errs *fieldErrors) {
	if f.has("comment") {
		if v, ok := f.str("comment"); ok {
			k.Comment = ptr(v)
		} else {
			k.Comment = nil
		}
	}
	f.setBool("read_only", &k.ReadOnly)
	if f.has("expiration") {
		expiration, ok := parseExpiration(f)
		if !ok {
			// NOTE: the message is the simulator's; MISP's was not recorded.
			errs.add("expiration", "Expiration date/time is not in a valid format (YYYY-MM-DD).")
		}
		k.Expiration = expiration
	}
	if v, ok := f["allowed_ips"]; ok && v != nil {
		ips := stringsValue(v)
		for _, ip := range ips {
			if _, err := netip.ParsePrefix(ip); err == nil {
				continue
			}
			if _, err := netip.ParseAddr(ip); err != nil {
				errs.add("allowed_ips", "Invalid IP address or CIDR range: "+ip)
			}
		}
		if len(ips) > 0 {
			k.AllowedIPs = ips
		} else {
			k.AllowedIPs = nil
		}
	}
}

// parseExpiration reads an epoch number or a YYYY-MM-DD date; empty and 0
// mean no expiry.
func parseExpiration(f fields) (int64, bool) {
	text, _ := f.str("expiration")
	text = strings.TrimSpace(text)
	if text == "" || text == "0" {
		return 0, true
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil && n > 0 {
		return n, true
	}
	if t, err := time.Parse("2006-01-02", text); err == nil {
		return t.Unix(), true
	}
	return 0, false
}

func (s *Sim) authKeysAdd(c *call) {
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodPut {
		// MISP 2.5.1 has no view for this action and responds with 500.
		c.internalError()
		return
	}
	if c.key != nil && c.key.ReadOnly {
		c.exception(http.StatusForbidden, msgNoPermission)
		return
	}

	target := s.keyTarget(c)
	if target == nil {
		c.methodNotAllowed("Invalid user or insufficient privileges to interact with an " +
			"authkey for the given user.")
		return
	}

	f := modelFields(c.body, "AuthKey")
	draft := &authKey{}
	var errs fieldErrors
	applyKeyFields(draft, f, &errs)
	if !errs.empty() {
		c.saveFail("Could not add auth_key", "/auth_keys/add", "", errs.object())
		return
	}

	// A posted authkey or user_id is ignored: the key is always random and
	// the user comes from the URL.
	k, clear := s.st.newAuthKey(target.ID, draft.Comment, now())
	k.ReadOnly, k.Expiration, k.AllowedIPs = draft.ReadOnly, draft.Expiration, draft.AllowedIPs
	if uuid, ok := f.str("uuid"); ok && validUUID(strings.ToLower(uuid)) {
		k.UUID = strings.ToLower(uuid)
	}
	if !c.commit(s) {
		return
	}
	c.ok(object{{"AuthKey", authKeyObject(k).with("authkey_raw", clear)}})
}

func (s *Sim) authKeysEdit(c *call) {
	k := s.visibleKey(c)
	if k == nil {
		return
	}
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodPut {
		c.ok(object{{"AuthKey", authKeyObject(k)}, {"User", s.keyOwnerObject(k)}})
		return
	}

	changed := *k
	var errs fieldErrors
	applyKeyFields(&changed, modelFields(c.body, "AuthKey"), &errs)
	if !errs.empty() {
		id := idString(k.ID)
		c.saveFail("Could not edit auth_key", "/auth_keys/edit/"+id, id, errs.object())
		return
	}
	*k = changed
	if !c.commit(s) {
		return
	}

	// MISP 2.5.1 returns the edited key with expiration as a number and
	// unique_ips as null.
	body := authKeyObject(k)
	for i := range body {
		switch body[i].key {
		case "expiration":
			body[i].value = k.Expiration
		case "unique_ips":
			body[i].value = nil
		}
	}
	ownerOrg := any(nil)
	if u := s.st.users[k.UserID]; u != nil {
		ownerOrg = idString(u.OrgID)
	}
	c.ok(object{{"AuthKey", body}, {"User", object{{"id", idString(k.UserID)}, {"org_id", ownerOrg}}}})
}

// keyDeleteModal is the confirmation dialog MISP returns for GET on
// auth_keys/delete, deleting nothing.
const keyDeleteModal = `<div id="genericModal" class="modal hide fade" tabindex="-1" role="dialog" aria-labelledby="genericModalLabel" aria-hidden="true">
    <div class="modal-header">
        <button type="button" class="close" data-dismiss="modal" aria-hidden="true">
            <span aria-hidden="true">&times;</span>
        </button>
        <h3 id="genericModalLabel">Delete Auth Key</h3>
    </div>
        <div class="modal-body modal-body-long">
        <p>Are you sure you want to delete Auth Key #%d?</p>
    </div>
    <div class="modal-footer">
        <form action="/auth_keys/delete/%d" name="post_mispsim" id="post_mispsim" style="display:none;" method="post"><input type="hidden" name="_method" value="POST"/></form><a href="#" class="btn btn-primary" onclick="document.post_mispsim.submit(); event.returnValue = false; return false;">Delete</a>        <button type="button" class="btn btn-secondary cancel-button" data-dismiss="modal">Cancel</button>
    </div>
    </div>`

func (s *Sim) authKeysDelete(c *call) {
	k := s.visibleKey(c)
	if k == nil {
		return
	}
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodDelete {
		id := strconv.Itoa(k.ID)
		page := strings.ReplaceAll(keyDeleteModal, "%d", id)
		writeBody(c.w, http.StatusOK, jsonContentType, []byte(page))
		return
	}
	s.st.deleteKey(k)
	if !c.commit(s) {
		return
	}
	// MISP 2.5.1 sends this id as a number.
	c.saveSuccess("AuthKey deleted.", "/auth_keys/delete/"+strconv.Itoa(k.ID), k.ID)
}
