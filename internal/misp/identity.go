package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version calls servers/getVersion: the MISP version and the calling
// key's sync permissions. Any API key may call it, including a sync
// user's, so it also checks the key a partner will use.
func (c *Client) Version(ctx context.Context) (VersionInfo, error) {
	cl := call{method: "GET", path: "/servers/getVersion", read: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return VersionInfo{}, err
	}
	var v VersionInfo
	if err := c.decodeObject(cl, resp, &v); err != nil {
		return VersionInfo{}, err
	}
	if v.Version == "" {
		return VersionInfo{}, c.shapeError(cl, resp, "no version member in %s", describeJSON(resp.body))
	}
	return v, nil
}

// Me calls users/view/me: the key's user, role with every permission
// flag, and organisation.
func (c *Client) Me(ctx context.Context) (UserView, error) {
	cl := call{method: "GET", path: "/users/view/me", read: true}
	var view UserView
	err := c.getObject(ctx, cl, &view, "User", "Role", "Organisation")
	return view, err
}

// Setting is one MISP setting as servers/getSetting returns it. Value is
// raw JSON because its type depends on the setting.
type Setting struct {
	Name         string          `json:"name"`
	Value        json.RawMessage `json:"value"`
	Type         string          `json:"type"`
	Description  string          `json:"description"`
	ErrorMessage string          `json:"errorMessage"` // static help text, present even for valid values
}

// String returns the value as text: strings as they are, numbers and
// booleans in their JSON form, null as "".
func (s Setting) String() string {
	raw := bytes.TrimSpace(s.Value)
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text
	}
	if bytes.Equal(raw, []byte("null")) {
		return ""
	}
	return string(raw)
}

// Bool reads a boolean setting such as Security.advanced_authkeys, which
// MISP may store as true/false, 1/0 or "1"/"0".
func (s Setting) Bool() (bool, error) {
	switch strings.ToLower(s.String()) {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("setting %s has value %q, expected a boolean", s.Name, truncateText(s.String(), 40))
}

// Int reads a numeric setting such as MISP.host_org_id.
func (s Setting) Int() (int64, error) {
	text := s.String()
	if text == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("setting %s has value %q, expected a whole number", s.Name, truncateText(text, 40))
	}
	return n, nil
}

// Setting calls servers/getSetting/{name} (site admin only), for example
// "MISP.baseurl", "MISP.external_baseurl", "MISP.host_org_id" or
// "Security.advanced_authkeys". MISP responds with 404 to an unknown name
// and with 403 to a redacted one such as Security.salt.
func (c *Client) Setting(ctx context.Context, name string) (Setting, error) {
	if name == "" || strings.ContainsAny(name, "/?#") {
		return Setting{}, fmt.Errorf("MISP setting name %q is invalid: use a name such as MISP.baseurl", name)
	}
	cl := call{method: "GET", path: "/servers/getSetting/" + pathSegment(name), read: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return Setting{}, err
	}
	var s Setting
	if err := c.decodeObject(cl, resp, &s); err != nil {
		return Setting{}, err
	}
	members, _ := topLevelObject(resp.body)
	if _, ok := members["value"]; !ok {
		return Setting{}, c.shapeError(cl, resp, "no value member in %s", describeJSON(resp.body))
	}
	if s.Name == "" {
		s.Name = name
	}
	return s, nil
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s has the 8-4-4-4-12 hex form of a UUID.
func IsUUID(s string) bool {
	return uuidPattern.MatchString(s)
}

// orgRef prepares an organisation reference for a URL path. MISP stores
// UUIDs in lower case and compares them case-sensitively, so a UUID is
// lower-cased. MISP reads a number as an id and anything else as a name.
func orgRef(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", errors.New("organisation id or UUID is empty")
	}
	if IsUUID(ref) {
		return strings.ToLower(ref), nil
	}
	return ref, nil
}

// Organisation calls organisations/view/{ref}, where ref is a numeric
// id, a UUID (lower-cased before sending) or an exact name. An unknown
// organisation fails with ErrNotFound.
func (c *Client) Organisation(ctx context.Context, ref string) (Organisation, error) {
	ref, err := orgRef(ref)
	if err != nil {
		return Organisation{}, fmt.Errorf("view organisation: %w", err)
	}
	cl := call{method: "GET", path: "/organisations/view/" + pathSegment(ref), read: true}
	var wrapped struct {
		Organisation Organisation `json:"Organisation"`
	}
	if err := c.getObject(ctx, cl, &wrapped, "Organisation"); err != nil {
		return Organisation{}, err
	}
	return wrapped.Organisation, nil
}

// OrganisationExists checks for an organisation by UUID with a HEAD
// request, the cheapest lookup MISP offers. It returns false for a 404.
// For any other failure it repeats the lookup as a GET, because a HEAD
// response has no body to tell a rejected key from a missing permission.
func (c *Client) OrganisationExists(ctx context.Context, uuid string) (bool, error) {
	if !IsUUID(uuid) {
		return false, fmt.Errorf("organisation UUID %q is invalid: expected the 8-4-4-4-12 hex form", truncateText(uuid, 60))
	}
	cl := call{method: "HEAD", path: "/organisations/view/" + strings.ToLower(uuid), read: true}
	_, err := c.send(ctx, cl)
	if err == nil {
		return true, nil
	}
	var e *Error
	if !errors.As(err, &e) || e.Status == 0 {
		return false, err
	}
	if e.Kind == KindNotFound {
		return false, nil
	}

	_, err = c.Organisation(ctx, uuid)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, err
}
