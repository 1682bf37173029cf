package misp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// SyncConfig is MISP's own sync configuration document: the output of
// servers/createSync and the input of servers/import, which MISP admins
// already exchange by hand. It describes how to reach one MISP: its URL,
// instance UUID, a sync key on it, and its host organisation.
type SyncConfig struct {
	URL  string
	UUID string // the instance's MISP.uuid; optional for import
	Name string // optional name for the server entry; import uses the URL when empty

	// Key is the sync user's key on the described MISP.
	Key secret.Key

	// Organisation is the host organisation of the described MISP, not
	// the sync user's organisation.
	Organisation SyncOrganisation
}

// SyncOrganisation names the host organisation in a SyncConfig.
type SyncOrganisation struct {
	Name string `json:"name"`
	UUID string `json:"uuid"`
}

// syncConfigWire is the JSON form. It contains the clear key.
type syncConfigWire struct {
	URL          string           `json:"url"`
	UUID         string           `json:"uuid,omitempty"`
	Name         string           `json:"name,omitempty"`
	Authkey      string           `json:"authkey"`
	Organisation SyncOrganisation `json:"Organisation"`
}

// ParseSyncConfig reads a sync configuration in any of the three forms
// MISP accepts: wrapped ({"Server":{…}}), bare ({"url":…,"authkey":…}),
// or a JSON string of either inside {"json":"…"}. It checks the URL, the
// key's form and the organisation UUID, which it lower-cases.
func ParseSyncConfig(data []byte) (SyncConfig, error) {
	members, err := topLevelObject(data)
	if err != nil {
		return SyncConfig{}, errors.New("sync configuration is not a JSON object: " +
			"paste the whole output of MISP's servers/createSync")
	}

	if inner, ok := members["json"]; ok {
		var text string
		if err := json.Unmarshal(inner, &text); err != nil {
			return SyncConfig{}, errors.New(`sync configuration: the "json" member must be a string`)
		}
		data = []byte(text)
		members, err = topLevelObject(data)
		if err != nil {
			return SyncConfig{}, errors.New(`sync configuration: the "json" member does not contain a JSON object`)
		}
	}
	body := data
	if server, ok := members["Server"]; ok {
		if !isJSONObject(server) {
			return SyncConfig{}, errors.New(`sync configuration: the "Server" member is not an object`)
		}
		body = server
	}

	var wire syncConfigWire
	if err := json.Unmarshal(body, &wire); err != nil {
		return SyncConfig{}, fmt.Errorf("sync configuration has a member of the wrong type: %s", typeErrorText(err))
	}
	cfg := SyncConfig{
		URL: strings.TrimSuffix(strings.TrimSpace(wire.URL), "/"), UUID: strings.ToLower(wire.UUID),
		Name: wire.Name, Key: secret.New(wire.Authkey),
		Organisation: SyncOrganisation{Name: wire.Organisation.Name, UUID: strings.ToLower(wire.Organisation.UUID)},
	}
	return cfg, cfg.Check()
}

// Check validates the fields that servers/import needs.
func (s SyncConfig) Check() error {
	if err := checkServerURL(s.URL); err != nil {
		return fmt.Errorf("sync configuration: %w", err)
	}
	if err := checkKeyForm(s.Key); err != nil {
		return fmt.Errorf("sync configuration for %s: %w", s.URL, err)
	}
	if s.UUID != "" && !IsUUID(s.UUID) {
		return fmt.Errorf("sync configuration for %s: instance UUID %q is invalid", s.URL, truncateText(s.UUID, 60))
	}
	if !IsUUID(s.Organisation.UUID) {
		return fmt.Errorf("sync configuration for %s: organisation UUID %q is invalid: "+
			"it must be the host organisation's UUID", s.URL, truncateText(s.Organisation.UUID, 60))
	}
	if strings.TrimSpace(s.Organisation.Name) == "" {
		return fmt.Errorf("sync configuration for %s: organisation name is empty", s.URL)
	}
	return nil
}

// Encode writes the configuration in the wrapped form that createSync
// returns, {"Server":{…}}. The output contains the key in clear text:
// treat it as a secret. SyncConfig has no MarshalJSON on purpose, so
// encoding it by accident prints the key placeholder.
func (s SyncConfig) Encode() ([]byte, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]syncConfigWire{"Server": s.wire()})
}

func (s SyncConfig) wire() syncConfigWire {
	return syncConfigWire{
		URL: s.URL, UUID: s.UUID, Name: s.Name, Authkey: s.Key.Reveal(),
		Organisation: SyncOrganisation{Name: s.Organisation.Name, UUID: strings.ToLower(s.Organisation.UUID)},
	}
}

// CreateSync calls servers/createSync with a sync user's key and returns
// the configuration that lets a partner connect to this MISP. MISP
// refuses site admin keys with 405, and needs MISP.host_org_id. With
// advanced auth keys, every call creates a new key for the caller, so
// the call is never retried.
func (c *Client) CreateSync(ctx context.Context) (SyncConfig, error) {
	cl := call{method: "GET", path: "/servers/createSync", saves: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Kind == KindMethod && strings.Contains(strings.ToLower(e.Message), "site admin") {
			e.Hint = "call it with the sync user's own key, not with a site admin key"
		}
		return SyncConfig{}, err
	}
	if _, err := topLevelObject(resp.body); err != nil {
		return SyncConfig{}, c.shapeError(cl, resp, "expected a JSON object, got %s", describeJSON(resp.body))
	}
	cfg, err := ParseSyncConfig(resp.body)
	if err != nil {
		e := c.shapeError(cl, resp, "the sync configuration is incomplete")
		e.Err = err
		return SyncConfig{}, e
	}
	return cfg, nil
}

// ImportServer calls servers/import (site admin only) with a partner's
// sync configuration. MISP finds the partner organisation by UUID or
// creates it as an external organisation. It then adds a server entry
// with push and pull off and rules "[]", so enable sync with EditServer.
func (c *Client) ImportServer(ctx context.Context, cfg SyncConfig) (Server, error) {
	if err := cfg.Check(); err != nil {
		return Server{}, err
	}
	body := map[string]syncConfigWire{"Server": cfg.wire()}
	cl := call{method: "POST", path: "/servers/import", body: body, saves: true}
	return c.serverResult(ctx, cl)
}
