package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// UserInput is the body of admin/users/add for a sync user.
type UserInput struct {
	Email string

	// OrgID must be set: MISP puts a user without org_id into the
	// caller's own organisation, and a partner's sync user there would
	// make the partner's events look like ours.
	OrgID ID

	// RoleID must be set, normally to the id of SyncRole's choice.
	RoleID ID

	// Disabled creates the user disabled, so its key works only after
	// EditUser or SetUserDisabled enables it.
	Disabled bool
}

// userAddBody is the wire form. change_pw and termsaccepted are fixed
// because MISP's REST defaults (true and false) only matter for logins
// through the web interface, which a sync user never does.
type userAddBody struct {
	Email         string `json:"email"`
	OrgID         ID     `json:"org_id"`
	RoleID        ID     `json:"role_id"`
	Disabled      bool   `json:"disabled"`
	ChangePW      bool   `json:"change_pw"`
	TermsAccepted bool   `json:"termsaccepted"`
}

// AddUser calls admin/users/add (site admin only for sync roles) and
// returns the new user with its API key. MISP returns the key once, in
// User.authkey: with advanced auth keys (the default) it is a new auth
// key, with legacy keys it is the user's only key. When MISP could not
// make a key, it sends false and the returned key is zero; call
// AddAuthKey then. A duplicate email fails with ErrValidation. Every
// successful call makes a new key, so the caller must not repeat it
// blindly: on an *Error with MaybeSaved, look the user up by email first.
func (c *Client) AddUser(ctx context.Context, in UserInput) (User, secret.Key, error) {
	in.Email = strings.TrimSpace(in.Email)
	switch {
	case in.Email == "":
		return User{}, secret.Key{}, fmt.Errorf("add user: email is empty")
	case in.OrgID.IsZero():
		return User{}, secret.Key{}, fmt.Errorf("add user %q: organisation id is missing", in.Email)
	case in.RoleID.IsZero():
		return User{}, secret.Key{}, fmt.Errorf("add user %q: role id is missing", in.Email)
	}

	body := userAddBody{
		Email: in.Email, OrgID: in.OrgID, RoleID: in.RoleID, Disabled: in.Disabled,
		ChangePW: false, TermsAccepted: true,
	}
	cl := call{method: "POST", path: "/admin/users/add", body: body, saves: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return User{}, secret.Key{}, err
	}

	var wrapped struct {
		User User `json:"User"`
	}
	if err := c.decodeObject(cl, resp, &wrapped, "User"); err != nil {
		return User{}, secret.Key{}, err
	}
	var withKey struct {
		User struct {
			Authkey json.RawMessage `json:"authkey"`
		} `json:"User"`
	}
	if err := json.Unmarshal(resp.body, &withKey); err != nil {
		return User{}, secret.Key{}, c.shapeError(cl, resp, "decode User.authkey: %s", typeErrorText(err))
	}
	key := c.userKey(withKey.User.Authkey, wrapped.User)
	return wrapped.User, key, nil
}

// userKey reads User.authkey from a users/add response: a 40-character
// key, or false when MISP made none.
func (c *Client) userKey(raw json.RawMessage, user User) secret.Key {
	raw = bytes.TrimSpace(raw)
	var text string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &text) != nil {
		c.log.Warn("MISP created the user without an API key; an auth key must be added",
			"user_id", user.ID, "email", user.Email)
		return secret.Key{}
	}
	key := secret.New(text)
	if err := checkKeyForm(key); err != nil {
		c.log.Warn("MISP returned a user key that is not 40 letters and digits; an auth key must be added",
			"user_id", user.ID, "email", user.Email, "length", len(text))
		return secret.Key{}
	}
	return key
}

// UserEdit is the body of admin/users/edit. Nil fields are left out, and
// MISP keeps their values.
type UserEdit struct {
	Email          *string `json:"email,omitempty"`
	OrgID          *ID     `json:"org_id,omitempty"`
	RoleID         *ID     `json:"role_id,omitempty"`
	Disabled       *bool   `json:"disabled,omitempty"`
	ChangePassword *bool   `json:"change_pw,omitempty"`
	TermsAccepted  *bool   `json:"termsaccepted,omitempty"`
}

// EditUser calls admin/users/edit/{id} and returns the saved user.
func (c *Client) EditUser(ctx context.Context, id ID, edit UserEdit) (User, error) {
	if id.IsZero() {
		return User{}, fmt.Errorf("edit user: user id is missing")
	}
	cl := call{method: "POST", path: "/admin/users/edit/" + id.String(), body: edit, saves: true}
	var wrapped struct {
		User User `json:"User"`
	}
	if err := c.getObject(ctx, cl, &wrapped, "User"); err != nil {
		return User{}, err
	}
	return wrapped.User, nil
}

// SetUserDisabled enables or disables a user. MISP rejects every key of
// a disabled user with 403 "Your user account has been disabled".
func (c *Client) SetUserDisabled(ctx context.Context, id ID, disabled bool) (User, error) {
	return c.EditUser(ctx, id, UserEdit{Disabled: &disabled})
}

// DeleteUser calls admin/users/delete/{id}. MISP leaves the user's auth
// keys behind, but they no longer authenticate.
func (c *Client) DeleteUser(ctx context.Context, id ID) error {
	if id.IsZero() {
		return fmt.Errorf("delete user: user id is missing")
	}
	cl := call{method: "POST", path: "/admin/users/delete/" + id.String()}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return withHint(err, KindUnexpected,
			"MISP responds to a failed user delete with a redirect: check in MISP that the user exists and can be deleted")
	}
	return c.checkSaved(cl, resp)
}

// User calls admin/users/view/{id}: the user with its full role and
// organisation. An unknown id fails with ErrNotFound.
func (c *Client) User(ctx context.Context, id ID) (UserView, error) {
	if id.IsZero() {
		return UserView{}, fmt.Errorf("view user: user id is missing")
	}
	cl := call{method: "GET", path: "/admin/users/view/" + id.String(), read: true}
	var view UserView
	err := c.getObject(ctx, cl, &view, "User", "Role")
	return view, err
}

// FindUserByEmail looks a user up by email address. MISP's searchemail
// filter matches substrings, so each listed address is compared in full, ignoring
// case as MISP's unique index does. found is false when no user has that
// address. The Role in the result only has id, name, perm_auth, perm_admin
// and perm_site_admin; call User for the full role.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (view UserView, found bool, err error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return UserView{}, false, fmt.Errorf("find user: email is empty")
	}
	cl := call{method: "GET", path: "/admin/users/index/searchemail:" + pathSegment(email), read: true}
	users, err := getList[UserView](ctx, c, cl, "User")
	if err != nil {
		return UserView{}, false, err
	}

	var matches []UserView
	for _, u := range users {
		if strings.EqualFold(u.User.Email, email) {
			matches = append(matches, u)
		}
	}
	switch len(matches) {
	case 0:
		return UserView{}, false, nil
	case 1:
		return matches[0], true, nil
	}
	return UserView{}, false, fmt.Errorf("find user %q: MISP lists %d users with this address, "+
		"although its email index is unique: check the users in MISP", email, len(matches))
}
