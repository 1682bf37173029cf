package misp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// ServerInput is the body of servers/add: a sync connection to a partner
// MISP.
type ServerInput struct {
	Name string

	// URL is the partner's base URL. It must equal the partner's
	// MISP.baseurl or MISP.external_baseurl exactly for sharing groups
	// to sync; one trailing slash is removed, as MISP does.
	URL string

	// Key is the partner's key for our sync user on their MISP. It is
	// revealed only into the request body.
	Key secret.Key

	// RemoteOrgID is the numeric id of the partner's organisation on
	// this MISP. MISP 2.5.1 accepts a UUID in the existence check but
	// then fails with 500 when it stores it, so only ids are allowed.
	RemoteOrgID ID

	Push                bool
	Pull                bool
	PushSightings       bool
	PushGalaxyClusters  bool
	PullGalaxyClusters  bool
	PushAnalystData     bool // MISP 2.4.186 and later
	PullAnalystData     bool // MISP 2.4.186 and later
	UnpublishEvent      bool
	PublishWithoutEmail bool
	SkipProxy           bool
	CachingEnabled      bool
	RemoveMissingTags   bool

	// SelfSigned turns off MISP's host name check, and its certificate
	// check too unless a certificate is uploaded. Prefer SubmittedCert.
	SelfSigned bool

	// PushRules and PullRules are JSON documents, built with
	// PushRules.JSON and PullRules.JSON. Empty means MISP's defaults,
	// which filter nothing.
	PushRules string
	PullRules string

	// SubmittedCert is the base64 of a PEM CA or server certificate, as
	// EncodeSubmittedCert returns it. MISP then trusts only that
	// certificate for this partner.
	SubmittedCert string
}

// serverBody is the wire form of ServerInput and ServerEdit. It holds
// the clear key, so it only ever goes to json.Marshal in send.
type serverBody struct {
	Name                *string `json:"name,omitempty"`
	URL                 *string `json:"url,omitempty"`
	Authkey             string  `json:"authkey,omitempty"`
	RemoteOrgID         *ID     `json:"remote_org_id,omitempty"`
	Push                *bool   `json:"push,omitempty"`
	Pull                *bool   `json:"pull,omitempty"`
	PushSightings       *bool   `json:"push_sightings,omitempty"`
	PushGalaxyClusters  *bool   `json:"push_galaxy_clusters,omitempty"`
	PullGalaxyClusters  *bool   `json:"pull_galaxy_clusters,omitempty"`
	PushAnalystData     *bool   `json:"push_analyst_data,omitempty"`
	PullAnalystData     *bool   `json:"pull_analyst_data,omitempty"`
	UnpublishEvent      *bool   `json:"unpublish_event,omitempty"`
	PublishWithoutEmail *bool   `json:"publish_without_email,omitempty"`
	SelfSigned          *bool   `json:"self_signed,omitempty"`
	SkipProxy           *bool   `json:"skip_proxy,omitempty"`
	CachingEnabled      *bool   `json:"caching_enabled,omitempty"`
	RemoveMissingTags   *bool   `json:"remove_missing_tags,omitempty"`
	Internal            *bool   `json:"internal,omitempty"`
	PushRules           *string `json:"push_rules,omitempty"`
	PullRules           *string `json:"pull_rules,omitempty"`
	SubmittedCert       string  `json:"submitted_cert,omitempty"`
	DeleteCert          bool    `json:"delete_cert,omitempty"`
}

// optionalTrue sends a flag only when it is set, for columns that older
// MISP versions lack; MISP defaults every missing flag to false.
func optionalTrue(b bool) *bool {
	if !b {
		return nil
	}
	return &b
}

func (in ServerInput) body() serverBody {
	name, url := in.Name, in.URL
	remote := in.RemoteOrgID
	push, pull, sightings, selfSigned := in.Push, in.Pull, in.PushSightings, in.SelfSigned
	b := serverBody{
		Name: &name, URL: &url, Authkey: in.Key.Reveal(), RemoteOrgID: &remote,
		Push: &push, Pull: &pull, PushSightings: &sightings, SelfSigned: &selfSigned,
		PushGalaxyClusters:  optionalTrue(in.PushGalaxyClusters),
		PullGalaxyClusters:  optionalTrue(in.PullGalaxyClusters),
		PushAnalystData:     optionalTrue(in.PushAnalystData),
		PullAnalystData:     optionalTrue(in.PullAnalystData),
		UnpublishEvent:      optionalTrue(in.UnpublishEvent),
		PublishWithoutEmail: optionalTrue(in.PublishWithoutEmail),
		SkipProxy:           optionalTrue(in.SkipProxy),
		CachingEnabled:      optionalTrue(in.CachingEnabled),
		RemoveMissingTags:   optionalTrue(in.RemoveMissingTags),
		SubmittedCert:       in.SubmittedCert,
	}
	if in.PushRules != "" {
		b.PushRules = &in.PushRules
	}
	if in.PullRules != "" {
		b.PullRules = &in.PullRules
	}
	return b
}

// AddServer calls servers/add (site admin only). MISP does not reject a
// second entry for the same URL, so list the servers first; after an
// *Error with MaybeSaved, list them again before retrying.
func (c *Client) AddServer(ctx context.Context, in ServerInput) (Server, error) {
	if err := in.check(); err != nil {
		return Server{}, err
	}
	in.URL = strings.TrimSuffix(in.URL, "/")
	cl := call{method: "POST", path: "/servers/add", body: in.body(), saves: true}
	return c.serverResult(ctx, cl)
}

func (in ServerInput) check() error {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return fmt.Errorf("add server: name is empty")
	}
	if err := checkServerURL(in.URL); err != nil {
		return fmt.Errorf("add server %q: %w", name, err)
	}
	if err := checkKeyForm(in.Key); err != nil {
		return fmt.Errorf("add server %q: partner's sync key: %w", name, err)
	}
	if in.RemoteOrgID.IsZero() {
		return fmt.Errorf("add server %q: remote organisation id is missing", name)
	}
	return checkRules(name, in.PushRules, in.PullRules)
}

func checkServerURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("server URL %q must be an http or https URL with a host name", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("server URL %s must be a base URL without user name, query or fragment", u.Redacted())
	}
	return nil
}

func checkRules(name string, rules ...string) error {
	for _, r := range rules {
		if r != "" && !json.Valid([]byte(r)) {
			return fmt.Errorf("server %q: filter rules are not valid JSON: build them with PushRules.JSON or PullRules.JSON", name)
		}
	}
	return nil
}

// ServerEdit is the body of servers/edit. Nil fields and a zero Key are
// left out, and MISP keeps their values.
type ServerEdit struct {
	Name        *string
	URL         *string
	Key         secret.Key
	RemoteOrgID *ID

	Push, Pull, PushSightings              *bool
	PushGalaxyClusters, PullGalaxyClusters *bool
	PushAnalystData, PullAnalystData       *bool
	UnpublishEvent, PublishWithoutEmail    *bool
	SelfSigned, SkipProxy, CachingEnabled  *bool
	RemoveMissingTags, Internal            *bool
	PushRules, PullRules                   *string
	SubmittedCert                          string // base64 of a PEM, see EncodeSubmittedCert
	DeleteCert                             bool   // drop the uploaded certificate
}

func (e ServerEdit) body() serverBody {
	b := serverBody{
		Name: e.Name, URL: e.URL, Authkey: e.Key.Reveal(), RemoteOrgID: e.RemoteOrgID,
		Push: e.Push, Pull: e.Pull, PushSightings: e.PushSightings,
		PushGalaxyClusters: e.PushGalaxyClusters, PullGalaxyClusters: e.PullGalaxyClusters,
		PushAnalystData: e.PushAnalystData, PullAnalystData: e.PullAnalystData,
		UnpublishEvent: e.UnpublishEvent, PublishWithoutEmail: e.PublishWithoutEmail,
		SelfSigned: e.SelfSigned, SkipProxy: e.SkipProxy, CachingEnabled: e.CachingEnabled,
		RemoveMissingTags: e.RemoveMissingTags, Internal: e.Internal,
		PushRules: e.PushRules, PullRules: e.PullRules,
		SubmittedCert: e.SubmittedCert, DeleteCert: e.DeleteCert,
	}
	if b.URL != nil {
		trimmed := strings.TrimSuffix(*b.URL, "/")
		b.URL = &trimmed
	}
	return b
}

// EditServer calls servers/edit/{id} (site admin only) and returns the
// saved server.
func (c *Client) EditServer(ctx context.Context, id ID, edit ServerEdit) (Server, error) {
	if id.IsZero() {
		return Server{}, fmt.Errorf("edit server: server id is missing")
	}
	if edit.URL != nil {
		if err := checkServerURL(*edit.URL); err != nil {
			return Server{}, fmt.Errorf("edit server %s: %w", id, err)
		}
	}
	if !edit.Key.IsZero() {
		if err := checkKeyForm(edit.Key); err != nil {
			return Server{}, fmt.Errorf("edit server %s: partner's sync key: %w", id, err)
		}
	}
	var rules []string
	for _, r := range []*string{edit.PushRules, edit.PullRules} {
		if r != nil {
			rules = append(rules, *r)
		}
	}
	if err := checkRules(id.String(), rules...); err != nil {
		return Server{}, err
	}
	cl := call{method: "POST", path: "/servers/edit/" + id.String(), body: edit.body(), saves: true}
	return c.serverResult(ctx, cl)
}

func (c *Client) serverResult(ctx context.Context, cl call) (Server, error) {
	var wrapped struct {
		Server Server `json:"Server"`
	}
	if err := c.getObject(ctx, cl, &wrapped, "Server"); err != nil {
		return Server{}, err
	}
	return wrapped.Server, nil
}

// Servers calls servers/index (site admin only): every sync connection
// with its local and remote organisation. The keys are not included.
func (c *Client) Servers(ctx context.Context) ([]ServerEntry, error) {
	cl := call{method: "GET", path: "/servers", read: true}
	return getList[ServerEntry](ctx, c, cl, "Server")
}

// DeleteServer calls servers/delete/{id}. MISP only accepts POST there;
// GET and DELETE get 405.
func (c *Client) DeleteServer(ctx context.Context, id ID) error {
	if id.IsZero() {
		return fmt.Errorf("delete server: server id is missing")
	}
	cl := call{method: "POST", path: "/servers/delete/" + id.String()}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	return c.checkSaved(cl, resp)
}

// SameServerURL reports whether two server URLs name the same MISP the
// way mispbump compares them: scheme and host ignore case, and one
// trailing slash of the path is ignored.
func SameServerURL(a, b string) bool {
	ua, errA := url.Parse(strings.TrimSpace(a))
	ub, errB := url.Parse(strings.TrimSpace(b))
	if errA != nil || errB != nil {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) &&
		strings.EqualFold(ua.Host, ub.Host) &&
		strings.TrimSuffix(ua.Path, "/") == strings.TrimSuffix(ub.Path, "/")
}
