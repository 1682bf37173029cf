package mispsim

import "strconv"

// The three shapes in which MISP 2.5.1 sends a user: after add and edit,
// in views, and in the admin index. They differ in order, masking and
// which columns they include.

// userSavedObject renders a user as users/add and users/edit return it.
// authkey is left out when it is nil.
func userSavedObject(u *user, authkey any) object {
	out := object{
		{"id", idString(u.ID)},
		{"password", "******"},
		{"org_id", idString(u.OrgID)},
		{"server_id", idString(u.ServerID)},
		{"email", u.Email},
		{"autoalert", u.Autoalert},
	}
	if authkey != nil {
		out = out.with("authkey", authkey)
	}
	out = append(out, userCommonMembers(u)...)
	return append(out,
		member{"sub", nil},
		member{"external_auth_required", u.ExternalAuthRequired},
		member{"external_auth_key", nullable(u.ExternalAuthKey)},
		member{"last_api_access", lastAccess(u)},
		member{"notification_daily", false},
		member{"notification_weekly", false},
		member{"notification_monthly", false},
		member{"totp", nil},
		member{"hotp_counter", nil},
		member{"last_pw_change", nullableEpoch(u.LastPWChange)},
		member{"totp_is_set", "0"},
	)
}

// userViewObject renders a user as users/view and admin/users/view show
// it: the password and TOTP secret masked, the key only in legacy mode.
func userViewObject(u *user, legacyKey bool, adminView bool) object {
	out := object{
		{"id", idString(u.ID)},
		{"password", "*****"},
		{"org_id", idString(u.OrgID)},
		{"email", u.Email},
		{"autoalert", u.Autoalert},
	}
	if legacyKey {
		out = out.with("authkey", u.LegacyAuthKey)
	}
	out = append(out, userCommonMembers(u)...)
	out = append(out,
		member{"sub", nil},
		member{"external_auth_required", u.ExternalAuthRequired},
		member{"external_auth_key", nullable(u.ExternalAuthKey)},
		member{"last_api_access", lastAccess(u)},
		member{"notification_daily", false},
		member{"notification_weekly", false},
		member{"notification_monthly", false},
		member{"totp", "*****"},
		member{"hotp_counter", nil},
		member{"last_pw_change", nullableEpoch(u.LastPWChange)},
		member{"totp_is_set", "0"},
	)
	if adminView {
		out = out.with("orgAdmins", []string{})
	}
	return out
}

// userCommonMembers are the members from invited_by to date_modified,
// which every shape except the index sends in the same order.
func userCommonMembers(u *user) object {
	return object{
		{"invited_by", idString(u.InvitedBy)},
		{"gpgkey", nullable(u.GPGKey)},
		{"certif_public", u.CertifPublic},
		{"nids_sid", strconv.Itoa(u.NidsSID)},
		{"termsaccepted", u.TermsAccepted},
		{"newsread", "0"},
		{"role_id", idString(u.RoleID)},
		{"change_pw", u.ChangePW},
		{"contactalert", u.Contactalert},
		{"disabled", u.Disabled},
		{"expiration", nil},
		{"current_login", "0"},
		{"last_login", "0"},
		{"force_logout", false},
		{"date_created", nullableEpoch(u.DateCreated)},
		{"date_modified", nullableEpoch(u.DateModified)},
	}
}

// userIndexObject renders a user as admin/users/index lists it.
func userIndexObject(u *user, legacyKey bool) object {
	out := object{
		{"id", idString(u.ID)},
		{"org_id", idString(u.OrgID)},
		{"server_id", idString(u.ServerID)},
		{"email", u.Email},
		{"autoalert", u.Autoalert},
	}
	if legacyKey {
		out = out.with("authkey", u.LegacyAuthKey)
	}
	return append(out,
		member{"invited_by", idString(u.InvitedBy)},
		member{"gpgkey", nullable(u.GPGKey)},
		member{"certif_public", u.CertifPublic},
		member{"nids_sid", strconv.Itoa(u.NidsSID)},
		member{"termsaccepted", u.TermsAccepted},
		member{"newsread", "0"},
		member{"role_id", idString(u.RoleID)},
		member{"change_pw", u.ChangePW},
		member{"contactalert", u.Contactalert},
		member{"disabled", u.Disabled},
		member{"expiration", nil},
		member{"current_login", "0"},
		member{"last_login", "0"},
		member{"last_api_access", lastAccess(u)},
		member{"force_logout", false},
		member{"date_created", nullableEpoch(u.DateCreated)},
		member{"date_modified", nullableEpoch(u.DateModified)},
		member{"last_pw_change", nullableEpoch(u.LastPWChange)},
	)
}

// lastAccess is "0" for a user whose key was never used, as in MISP.
func lastAccess(u *user) string {
	return strconv.FormatInt(u.LastAPIAccess, 10)
}

// userWithRelations renders the users/view response: the user, its full
// role, its settings and its organisation.
func (s *Sim) userWithRelations(u *user, adminView bool) object {
	r, _ := roleByID(u.RoleID)
	var orgValue any
	if o := s.st.orgs[u.OrgID]; o != nil {
		orgValue = orgObject(o)
	}
	return object{
		{"User", userViewObject(u, !s.st.settings.AdvancedAuthKeys, adminView)},
		{"Role", roleObject(r, s.st.rolesCreated, false)},
		{"UserSetting", []string{}},
		{"Organisation", orgValue},
	}
}
