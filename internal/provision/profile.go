package provision

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/misp"
)

// Warning is a problem of the admin's MISP setup that does not stop a
// bump but that the admin should fix or know about.
type Warning struct {
	// Code is a stable identifier for scripts, e.g. "not-site-admin".
	Code string `json:"code"`
	// Message says what is wrong and what to do.
	Message string `json:"message"`
}

// Profile is what mispbump knows about the admin's own MISP.
type Profile struct {
	// URL is the address the app uses to reach MISP.
	URL string `json:"url"`
	// Version is the MISP version, e.g. "2.5.1".
	Version string `json:"version"`
	// InstanceUUID is MISP.uuid.
	InstanceUUID string `json:"instance_uuid,omitempty"`
	// BaseURL and ExternalBaseURL are MISP.baseurl and
	// MISP.external_baseurl, empty when unset or unreadable.
	BaseURL         string `json:"baseurl"`
	ExternalBaseURL string `json:"external_baseurl"`
	// AdvancedAuthKeys is Security.advanced_authkeys.
	AdvancedAuthKeys bool `json:"advanced_authkeys"`
	// Live is MISP.live.
	Live bool `json:"live"`
	// SiteAdmin reports whether the API key belongs to a site admin.
	SiteAdmin bool `json:"site_admin"`

	UserEmail string `json:"user_email"`
	RoleName  string `json:"role_name"`
	// Org is the admin's own organisation.
	Org misp.Organisation `json:"organisation"`
	// HostOrg is the instance's host organisation (MISP.host_org_id) when
	// it differs from Org; nil otherwise or when unknown.
	HostOrg *misp.Organisation `json:"host_organisation,omitempty"`

	// TLSPin is the SHA-256 fingerprint of the certificate at the
	// advertised URL when that certificate does not chain to a CA the
	// system trusts; partners pin it. Nil for public certificates and
	// plain http.
	TLSPin []byte `json:"tls_pin,omitempty"`

	Warnings []Warning `json:"warnings"`
}

// Identity returns the organisation partners must create for us: the
// host organisation when known, because MISP stamps events created on
// this instance with it, else the admin's organisation.
func (p *Profile) Identity() misp.Organisation {
	if p.HostOrg != nil {
		return *p.HostOrg
	}
	return p.Org
}

// AdvertisedURL returns the URL partners must store for this MISP:
// MISP.external_baseurl, else MISP.baseurl, else the URL the app uses.
// MISP accepts incoming sharing groups only when their server URL equals
// one of the two settings exactly.
func (p *Profile) AdvertisedURL() string {
	for _, u := range []string{p.ExternalBaseURL, p.BaseURL, p.URL} {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			return u
		}
	}
	return ""
}

// SyncSettings are the admin's choices for a bump.
type SyncSettings struct {
	// Pull and Push are the directions this side runs against the partner.
	Pull, Push bool
	// Email is the e-mail the partner gives the sync user it creates for
	// us. Empty derives one from the admin's e-mail domain.
	Email string
}

// Exchange returns the profile to send in the handshake.
func (p *Profile) Exchange(s SyncSettings) exchange.Profile {
	org := p.Identity()
	return exchange.Profile{
		OrgName:     org.Name,
		OrgUUID:     strings.ToLower(org.UUID),
		Description: org.Description,
		Nationality: org.Nationality,
		Sector:      org.Sector,
		OrgType:     org.Type,
		URL:         p.AdvertisedURL(),
		SyncEmail:   p.syncEmail(s.Email),
		TLSPin:      p.TLSPin,
		Pull:        s.Pull,
		Push:        s.Push,
		MISPVersion: p.Version,
	}
}

// syncEmail picks the address for our sync user on the partner's MISP.
// MISP requires it to be unique there. The default, misp-sync-<our
// organisation>@<our mail domain>, cannot collide with the partner's own
// users, nor with the sync user of another partner whose admin has the
// same mail domain (every fresh MISP's admin is admin@admin.test).
func (p *Profile) syncEmail(chosen string) string {
	if chosen = strings.TrimSpace(chosen); chosen != "" {
		return chosen
	}
	domain := "invalid"
	if at := strings.LastIndex(p.UserEmail, "@"); at >= 0 && at < len(p.UserEmail)-1 {
		domain = p.UserEmail[at+1:]
	}
	local := "misp-sync"
	if slug := slugify(p.Identity().Name); slug != "" {
		local += "-" + slug
	}
	return local + "@" + domain
}

// slugify keeps the letters and digits of a name, lower-cased, joined by
// single hyphens, at most 32 characters.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 32 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// FetchOptions tune Fetch.
type FetchOptions struct {
	// Logger receives debug lines; nil discards them.
	Logger *slog.Logger
}

// Fetch reads the admin's profile from MISP. Only the admin's own
// identity (users/view/me) is required; settings that the key may not
// read become warnings.
func Fetch(ctx context.Context, c *misp.Client, opts FetchOptions) (*Profile, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	me, err := c.Me(ctx)
	if err != nil {
		return nil, fmt.Errorf("read your MISP user: %w", err)
	}
	p := &Profile{
		URL:       c.BaseURL(),
		SiteAdmin: me.Role.PermSiteAdmin,
		UserEmail: me.User.Email,
		RoleName:  me.Role.Name,
		Org:       me.Organisation,
		Live:      true,
	}
	if version, err := c.Version(ctx); err != nil {
		return nil, fmt.Errorf("read the MISP version: %w", err)
	} else {
		p.Version = version.Version
		if version.UUID != "-" {
			p.InstanceUUID = version.UUID
		}
	}
	if !p.SiteAdmin {
		p.warn("not-site-admin", fmt.Sprintf("the API key belongs to %s with role %q, not a site admin: "+
			"creating sync users and server entries needs a site admin's key", p.UserEmail, p.RoleName))
	}
	p.readSettings(ctx, c, log)
	p.checkURLs()
	p.readCertificate(ctx, log)
	return p, nil
}

func (p *Profile) warn(code, message string) {
	p.Warnings = append(p.Warnings, Warning{Code: code, Message: message})
}

// readSettings reads the settings that only a site admin may read. A key
// that may not read them was already warned about.
func (p *Profile) readSettings(ctx context.Context, c *misp.Client, log *slog.Logger) {
	if !p.SiteAdmin {
		p.AdvancedAuthKeys = true
		return
	}
	get := func(name string) (misp.Setting, bool) {
		s, err := c.Setting(ctx, name)
		if err != nil {
			log.Debug("read setting failed", "setting", name, "err", err)
			p.warn("setting-unreadable", fmt.Sprintf("could not read %s: %v", name, err))
			return misp.Setting{}, false
		}
		return s, true
	}
	if s, ok := get("MISP.baseurl"); ok {
		p.BaseURL = strings.TrimSpace(s.String())
	}
	if s, ok := get("MISP.external_baseurl"); ok {
		p.ExternalBaseURL = strings.TrimSpace(s.String())
	}
	if s, ok := get("MISP.live"); ok {
		if live, err := s.Bool(); err == nil {
			p.Live = live
		}
	}
	p.AdvancedAuthKeys = true
	if s, ok := get("Security.advanced_authkeys"); ok {
		if on, err := s.Bool(); err == nil {
			p.AdvancedAuthKeys = on
		}
	}
	if p.InstanceUUID == "" {
		if s, ok := get("MISP.uuid"); ok {
			p.InstanceUUID = s.String()
		}
	}
	if !p.Live {
		p.warn("not-live", "MISP.live is off: MISP logs sync users out, so partners cannot sync: turn it on in Server Settings")
	}
	if !p.AdvancedAuthKeys {
		p.warn("legacy-keys", "advanced auth keys are off (Security.advanced_authkeys): mispbump uses the legacy user keys, which MISP stores in clear text")
	}
	p.readHostOrg(ctx, c, get)
}

func (p *Profile) readHostOrg(ctx context.Context, c *misp.Client, get func(string) (misp.Setting, bool)) {
	s, ok := get("MISP.host_org_id")
	if !ok {
		return
	}
	id, err := s.Int()
	if err != nil || id == 0 {
		p.warn("no-host-org", "MISP.host_org_id is not set: set the host organisation in Server Settings, "+
			"because MISP stamps synced events with it")
		return
	}
	if misp.ID(id) == p.Org.ID {
		return
	}
	host, err := c.Organisation(ctx, fmt.Sprint(id))
	if err != nil {
		p.warn("host-org-unreadable", fmt.Sprintf("could not read the host organisation %d: %v", id, err))
		return
	}
	p.HostOrg = &host
}

// checkURLs warns when partners would be told a URL that MISP will not
// recognise as its own.
func (p *Profile) checkURLs() {
	switch {
	case p.BaseURL == "" && p.ExternalBaseURL == "" && p.SiteAdmin:
		p.warn("no-baseurl", fmt.Sprintf("MISP.baseurl is empty: partners will be given %s; "+
			"set MISP.baseurl (or MISP.external_baseurl) to the URL partners use, "+
			"because MISP only accepts shared sharing groups that name that exact URL", p.URL))
	case p.SiteAdmin && !misp.SameServerURL(p.AdvertisedURL(), p.URL):
		p.warn("baseurl-differs", fmt.Sprintf("partners will be given %s, which differs from the URL this app uses (%s): "+
			"make sure partners can reach it", p.AdvertisedURL(), p.URL))
	}
	if u, err := url.Parse(p.AdvertisedURL()); err == nil && u.Scheme == "http" {
		p.warn("plain-http", "partners will reach your MISP over plain http: the sync keys and events travel unencrypted")
	}
}

// readCertificate pins the certificate at the advertised URL when it does
// not chain to a CA that the system trusts. The check deliberately
// ignores the app's own CA file: the partner's MISP does not have it.
func (p *Profile) readCertificate(ctx context.Context, log *slog.Logger) {
	target := p.AdvertisedURL()
	if u, err := url.Parse(target); err != nil || u.Scheme != "https" {
		return
	}
	info, err := misp.ProbeTLS(ctx, target, "")
	if err != nil {
		log.Debug("certificate probe failed", "url", target, "err", err)
		p.warn("certificate-unreadable", fmt.Sprintf("could not read the TLS certificate of %s (%v): "+
			"partners will not get a certificate pin", target, err))
		return
	}
	if info.Verified {
		return
	}
	p.TLSPin = info.SHA256
	reason := "it is self-signed or privately issued"
	if info.VerifyError != nil && !errors.Is(info.VerifyError, misp.ErrTLSUnknownAuthority) {
		reason = info.VerifyError.Error()
	}
	p.warn("private-certificate", fmt.Sprintf("the certificate of %s does not chain to a public CA (%s): "+
		"the bump sends its fingerprint %s so the partner's MISP can trust it", target, reason, info.Fingerprint()))
}
