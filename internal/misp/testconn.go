package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// ConnectionStatus is the status code of servers/testConnection. MISP
// responds to that call with HTTP 200 whatever the outcome and reports
// the outcome in this code.
type ConnectionStatus int

// The statuses MISP 2.5.1 reports.
const (
	ConnectionOK               ConnectionStatus = 1
	ConnectionUnreachable      ConnectionStatus = 2
	ConnectionUnexpected       ConnectionStatus = 3
	ConnectionAuthFailed       ConnectionStatus = 4
	ConnectionPasswordChange   ConnectionStatus = 5
	ConnectionTermsNotAccepted ConnectionStatus = 6
	ConnectionNotSyncUser      ConnectionStatus = 7
	ConnectionSightingsOnly    ConnectionStatus = 8
)

var connectionTexts = map[ConnectionStatus][2]string{
	ConnectionOK: {"ok", "the partner MISP accepted the sync key"},
	ConnectionUnreachable: {"unreachable", "MISP could not connect to the partner: check the URL, " +
		"the partner's firewall, MISP's proxy settings and the partner's TLS certificate " +
		"(upload it or its CA if it is self-signed); MISP's log has the reason"},
	ConnectionUnexpected: {"unexpected response", "the partner responded, but not like a MISP API: " +
		"check that the URL is the partner's MISP base URL and not a login portal or proxy page"},
	ConnectionAuthFailed: {"authentication failed", "the partner MISP rejected the sync key: " +
		"check that the key is complete, that the partner's sync user is enabled and has " +
		"auth key access, and that the key has not expired or been limited to other IP addresses"},
	ConnectionPasswordChange: {"password change required", "the partner's MISP is very old " +
		"and wants the sync user to change its password: ask the partner to clear that flag"},
	ConnectionTermsNotAccepted: {"terms not accepted", "the partner's MISP is very old and wants " +
		"the sync user to accept its terms: ask the partner to set that flag"},
	ConnectionNotSyncUser: {"not a sync user", "the key works, but its user on the partner MISP " +
		"has no sync permission, so only pulling works: ask the partner to give the user " +
		"a sync role and a key that is not read-only"},
	ConnectionSightingsOnly: {"sightings only", "the key works, but its user on the partner MISP " +
		"has no sync permission, so only pulling and pushing sightings work: ask the partner " +
		"to give the user a sync role and a key that is not read-only"},
}

// String returns a short name such as "authentication failed".
func (s ConnectionStatus) String() string {
	if t, ok := connectionTexts[s]; ok {
		return t[0]
	}
	return fmt.Sprintf("status %d", int(s))
}

// Explain describes what the status means for an admin and what to do.
func (s ConnectionStatus) Explain() string {
	if t, ok := connectionTexts[s]; ok {
		return t[1]
	}
	return fmt.Sprintf("MISP reported connection status %d, which this version of mispbump does not know", int(s))
}

// PostTest is the outcome of the POST test that MISP runs after a
// successful version check: it posts a payload to the partner's
// servers/postTest and compares the echo.
type PostTest struct {
	// Code is 1 when the POST came back intact, 8 when it failed, 9 when
	// the body changed on the way, 10 when the Accept or Content-Type
	// header changed, and 0 when MISP did not report one.
	Code int

	// TooOld is set when MISP skipped the test because the partner is
	// older than 2.4.69.
	TooOld bool

	// ContentEncoding is set for statuses 7 and 8, where MISP reports
	// the test as an object.
	ContentEncoding string
}

// Explain describes what the POST test outcome means.
func (p PostTest) Explain() string {
	switch {
	case p.TooOld:
		return "the partner's MISP is too old for the POST test"
	case p.Code == 0:
		return "MISP ran no POST test"
	case p.Code == 1:
		return "POST requests reach the partner intact"
	case p.Code == 8:
		return "POST requests to the partner failed"
	case p.Code == 9:
		return "POST bodies arrive changed at the partner: a proxy or WAF rewrites them"
	case p.Code == 10:
		return "a proxy or WAF changes the Accept or Content-Type header of POST requests to the partner"
	}
	return fmt.Sprintf("unknown POST test result %d", p.Code)
}

// UnmarshalJSON reads the three forms MISP uses: a number, the string
// "too old", or an object {"status":…,"content-encoding":…}.
func (p *PostTest) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*p = PostTest{}
	switch {
	case bytes.Equal(data, []byte("null")):
		return nil
	case len(data) > 0 && data[0] == '"':
		var text string
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
		if strings.EqualFold(text, "too old") {
			p.TooOld = true
			return nil
		}
		var n Number
		if err := n.UnmarshalJSON(data); err != nil {
			return fmt.Errorf("decode post test: %w", err)
		}
		p.Code = int(n)
		return nil
	case len(data) > 0 && data[0] == '{':
		var obj struct {
			Status          Number `json:"status"`
			ContentEncoding string `json:"content-encoding"`
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			return fmt.Errorf("decode post test: %w", err)
		}
		p.Code, p.ContentEncoding = int(obj.Status), obj.ContentEncoding
		return nil
	}
	var n Number
	if err := n.UnmarshalJSON(data); err != nil {
		return fmt.Errorf("decode post test: %w", err)
	}
	p.Code = int(n)
	return nil
}

// ConnectionTest is the result of servers/testConnection.
type ConnectionTest struct {
	Status        ConnectionStatus
	LocalVersion  string
	RemoteVersion string

	// Mismatch is "", "major", "minor", "hotfix" or "proposal". MISP
	// 2.5.1 reports "proposal" between two identical 2.5 versions, which
	// is harmless.
	Mismatch string

	// Newer is "", "local" or "remote".
	Newer string

	Post       PostTest
	RemoteUUID string // the partner's MISP.uuid, "?" before MISP 2.4.185

	// Info is the partner's getVersion response as seen with the sync
	// key, sent for statuses 7 and 8.
	Info *VersionInfo
}

// OK reports whether sync works in both directions: status 1 and a POST
// test that passed or was skipped as too old.
func (t ConnectionTest) OK() bool {
	return t.Status == ConnectionOK && (t.Post.Code == 1 || t.Post.TooOld)
}

// Explain summarises the result for an admin.
func (t ConnectionTest) Explain() string {
	text := t.Status.Explain()
	if t.Status == ConnectionOK {
		text += "; " + t.Post.Explain()
		if t.Mismatch == "major" || t.Mismatch == "minor" {
			text += fmt.Sprintf("; versions differ (%s here, %s at the partner), so some features may not sync",
				t.LocalVersion, t.RemoteVersion)
		}
	}
	return text
}

type connectionTestWire struct {
	Status       *Number         `json:"status"`
	LocalVersion string          `json:"local_version"`
	Version      string          `json:"version"`
	Mismatch     json.RawMessage `json:"mismatch"`
	Newer        json.RawMessage `json:"newer"`
	Post         PostTest        `json:"post"`
	UUID         string          `json:"uuid"`
	Info         *VersionInfo    `json:"info"`
}

// TestConnection calls servers/testConnection/{id} (site admin only):
// MISP connects to the partner with the stored key and reports the
// outcome in Status. A failed test is a result, not an error; errors are
// for failures to ask MISP at all, such as ErrNotFound for an unknown id.
func (c *Client) TestConnection(ctx context.Context, id ID) (ConnectionTest, error) {
	if id.IsZero() {
		return ConnectionTest{}, fmt.Errorf("test connection: server id is missing")
	}
	cl := call{method: "GET", path: "/servers/testConnection/" + id.String(), read: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return ConnectionTest{}, err
	}
	var wire connectionTestWire
	if err := c.decodeObject(cl, resp, &wire); err != nil {
		return ConnectionTest{}, err
	}
	if wire.Status == nil {
		return ConnectionTest{}, c.shapeError(cl, resp, "no status member in %s", describeJSON(resp.body))
	}
	return ConnectionTest{
		Status:        ConnectionStatus(*wire.Status),
		LocalVersion:  wire.LocalVersion,
		RemoteVersion: wire.Version,
		Mismatch:      falseOrString(wire.Mismatch),
		Newer:         falseOrString(wire.Newer),
		Post:          wire.Post,
		RemoteUUID:    wire.UUID,
		Info:          wire.Info,
	}, nil
}

// falseOrString reads a member that is either false or a string.
func falseOrString(raw json.RawMessage) string {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text
	}
	return ""
}

// RemoteUser is the response of servers/getRemoteUser: the account that a
// server entry's key maps to on the partner MISP.
type RemoteUser struct {
	Email         string
	RoleName      string
	Sync          bool   // the role has perm_sync
	KeyExpiration string // as the partner reports it; empty for no expiry

	// Failure is the partner's error code or message when MISP could not
	// read the account; the other fields are then empty.
	Failure string
}

// RemoteUser calls servers/getRemoteUser/{id} (site admin only). MISP
// uses translatable labels as keys ("Role name", "Sync flag"); this reads
// the English ones, which MISP sends unless its language is changed.
func (c *Client) RemoteUser(ctx context.Context, id ID) (RemoteUser, error) {
	if id.IsZero() {
		return RemoteUser{}, fmt.Errorf("remote user: server id is missing")
	}
	cl := call{method: "GET", path: "/servers/getRemoteUser/" + id.String(), read: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return RemoteUser{}, err
	}
	var members map[string]json.RawMessage
	if err := c.decodeObject(cl, resp, &members); err != nil {
		return RemoteUser{}, err
	}

	text := func(name string) string {
		raw, ok := members[name]
		if !ok {
			return ""
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return redactKeys(s)
		}
		return redactKeys(string(bytes.TrimSpace(raw)))
	}
	if failure := text("error"); failure != "" {
		return RemoteUser{Failure: failure}, nil
	}
	user := RemoteUser{
		Email:         text("User"),
		RoleName:      text("Role name"),
		Sync:          strings.EqualFold(text("Sync flag"), "Yes"),
		KeyExpiration: text("Auth key expiration"),
	}
	if user.Email == "" {
		return RemoteUser{}, c.shapeError(cl, resp, "no User member in %s", describeJSON(resp.body))
	}
	return user, nil
}
