package misp

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mispbump/mispbump/internal/secret"
)

// AuthKey is an advanced auth key record (the "AuthKey" model). MISP
// stores only a hash; Start and End are the first and last four
// characters, which MISP shows to tell keys apart.
type AuthKey struct {
	ID       ID     `json:"id"`
	UUID     string `json:"uuid"`
	UserID   ID     `json:"user_id"`
	Start    string `json:"authkey_start"`
	End      string `json:"authkey_end"`
	Comment  string `json:"comment"`
	ReadOnly bool   `json:"read_only"`

	Created    Number `json:"created"`    // Unix seconds
	Expiration Number `json:"expiration"` // Unix seconds, 0 for never

	// Raw is the clear key. Only AddAuthKey fills it: MISP returns it
	// once, as authkey_raw, and never again.
	Raw secret.Key `json:"-"`
}

// AddAuthKey calls auth_keys/add/{userID} and returns the new key with
// its clear text in Raw. MISP always generates the key: a key in the
// request is ignored, and so is a user_id in the body, which is why the
// user goes in the path. On a server with advanced auth keys turned off
// the key is created but never authenticates; check the
// Security.advanced_authkeys setting first.
func (c *Client) AddAuthKey(ctx context.Context, userID ID, comment string) (AuthKey, error) {
	if userID.IsZero() {
		return AuthKey{}, fmt.Errorf("add auth key: user id is missing")
	}
	body := struct {
		Comment string `json:"comment"`
	}{comment}
	cl := call{method: "POST", path: "/auth_keys/add/" + userID.String(), body: body, saves: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return AuthKey{}, err
	}

	var wrapped struct {
		AuthKey struct {
			AuthKey
			RawText string `json:"authkey_raw"`
		} `json:"AuthKey"`
	}
	if err := c.decodeObject(cl, resp, &wrapped, "AuthKey"); err != nil {
		return AuthKey{}, err
	}
	key := wrapped.AuthKey.AuthKey
	key.Raw = secret.New(wrapped.AuthKey.RawText)
	if err := checkKeyForm(key.Raw); err != nil {
		e := c.shapeError(cl, resp, "auth key %s has no usable authkey_raw", key.ID)
		e.Hint = fmt.Sprintf("delete auth key %s in MISP and try again", key.ID)
		return AuthKey{}, e
	}
	return key, nil
}

// SetAuthKeyExpiration calls auth_keys/edit/{id} with a new expiration
// (Unix seconds; 0 for never) and returns the key as MISP saved it. MISP
// rejects an expired key like an unknown one.
func (c *Client) SetAuthKeyExpiration(ctx context.Context, id ID, expiration int64) (AuthKey, error) {
	if id.IsZero() {
		return AuthKey{}, fmt.Errorf("set auth key expiration: key id is missing")
	}
	body := struct {
		Expiration int64 `json:"expiration"`
	}{expiration}
	cl := call{method: "POST", path: "/auth_keys/edit/" + id.String(), body: body, saves: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return AuthKey{}, err
	}
	var wrapped struct {
		AuthKey AuthKey `json:"AuthKey"`
	}
	if err := c.decodeObject(cl, resp, &wrapped, "AuthKey"); err != nil {
		return AuthKey{}, err
	}
	return wrapped.AuthKey, nil
}

// DeleteAuthKey calls auth_keys/delete/{id}.
func (c *Client) DeleteAuthKey(ctx context.Context, id ID) error {
	if id.IsZero() {
		return fmt.Errorf("delete auth key: key id is missing")
	}
	cl := call{method: "POST", path: "/auth_keys/delete/" + id.String()}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	return c.checkSaved(cl, resp)
}

// AuthKeys calls auth_keys/index/{userID}: the user's keys without their
// clear text.
func (c *Client) AuthKeys(ctx context.Context, userID ID) ([]AuthKey, error) {
	if userID.IsZero() {
		return nil, fmt.Errorf("list auth keys: user id is missing")
	}
	cl := call{method: "GET", path: "/auth_keys/index/" + userID.String(), read: true}
	entries, err := getList[struct {
		AuthKey AuthKey `json:"AuthKey"`
	}](ctx, c, cl, "AuthKey")
	if err != nil {
		return nil, err
	}
	keys := make([]AuthKey, len(entries))
	for i, entry := range entries {
		keys[i] = entry.AuthKey
	}
	return keys, nil
}

// checkSaved verifies a saveSuccessResponse body
// ({"saved":true,"success":true,…}) after a delete. The id member is not
// read, because servers/delete puts its message there.
func (c *Client) checkSaved(cl call, resp *response) error {
	var result struct {
		Saved   *bool `json:"saved"`
		Success *bool `json:"success"`
	}
	members, err := topLevelObject(resp.body)
	if err != nil {
		return c.shapeError(cl, resp, "expected a JSON object, got %s", describeJSON(resp.body))
	}
	if err := json.Unmarshal(resp.body, &result); err != nil {
		return c.shapeError(cl, resp, "decode result: %s", typeErrorText(err))
	}
	if result.Saved == nil && result.Success == nil {
		return c.shapeError(cl, resp, "expected saved and success members, got keys %s", memberNames(members))
	}
	return nil
}
