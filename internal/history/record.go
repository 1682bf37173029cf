package history

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SchemaVersion is the version of the bump file layout this package
// writes. Files with a higher version come from a newer mispbump and are
// not read.
const SchemaVersion = 1

// Status is the state of a bump.
type Status string

// The statuses of a bump, in the order a successful bump passes them.
const (
	// StatusPending: the bump started and may have created objects.
	StatusPending Status = "pending"
	// StatusApplied: our half is set up, the sync user still disabled.
	StatusApplied Status = "applied"
	// StatusConfirmed: both admins confirmed the code, the user is enabled.
	StatusConfirmed Status = "confirmed"
	// StatusVerified: MISP's connection test to the partner passed.
	StatusVerified Status = "verified"
	// StatusFailed: a step or the verification failed; Timeline says which.
	StatusFailed Status = "failed"
	// StatusRemoved: what the bump created was removed again (rollback,
	// mismatching codes, or "Remove partnership").
	StatusRemoved Status = "removed"
)

// Role says which side of the handshake this app played.
type Role string

// The two roles.
const (
	RoleInitiator Role = "initiator"
	RoleResponder Role = "responder"
)

// Kind names a MISP object a bump touches.
type Kind string

// The kinds of objects, in the order a bump creates them.
const (
	KindOrganisation Kind = "organisation"
	KindUser         Kind = "user"
	KindAuthKey      Kind = "authkey"
	KindServer       Kind = "server"
)

// ObjectState is what the bump knows about one object.
type ObjectState string

// Object states.
const (
	// StateCreating: the create request was sent but its answer not yet
	// recorded; the object may or may not exist and is found by Natural.
	StateCreating ObjectState = "creating"
	// StateCreated: this bump created the object; ID is set.
	StateCreated ObjectState = "created"
	// StateReused: the object existed before the bump and is left alone
	// by a rollback.
	StateReused ObjectState = "reused"
	// StateUpdated: an existing object (a server entry) was changed.
	StateUpdated ObjectState = "updated"
	// StateRemoved: the object was deleted again.
	StateRemoved ObjectState = "removed"
)

// Object is one MISP object the bump created, reused or changed.
type Object struct {
	Kind  Kind        `json:"kind"`
	State ObjectState `json:"state"`
	// ID is MISP's numeric id; 0 while unknown.
	ID int64 `json:"id,omitempty"`
	// Natural is the organisation uuid, the user e-mail or the server
	// URL: the key under which the object is found when ID is unknown.
	Natural string `json:"natural,omitempty"`
	// Note says what changed, e.g. "pull enabled, key replaced".
	Note string `json:"note,omitempty"`
	// CertPin is, for a server entry, the SHA-256 pin (hex) of the
	// partner certificate uploaded to it, so a later bump can tell that
	// the partner's certificate changed.
	CertPin string `json:"cert_pin,omitempty"`
	// OlderKeysExpire is, for a key made to replace the sync user's
	// older keys, when MISP stops accepting those (Unix seconds). It is 0
	// until they were all set to expire.
	OlderKeysExpire int64 `json:"older_keys_expire,omitempty"`
}

// Partner is the partner's profile as received in the handshake, without
// secrets.
type Partner struct {
	OrgName     string `json:"org_name"`
	OrgUUID     string `json:"org_uuid"`
	Description string `json:"description,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Sector      string `json:"sector,omitempty"`
	OrgType     string `json:"org_type,omitempty"`
	URL         string `json:"url"`
	SyncEmail   string `json:"sync_email,omitempty"`
	// TLSPin is the SHA-256 fingerprint of the partner's certificate in
	// hex, empty when it chains to a public CA.
	TLSPin      string `json:"tls_pin,omitempty"`
	Pull        bool   `json:"pull"`
	Push        bool   `json:"push"`
	MISPVersion string `json:"misp_version,omitempty"`
}

// Own is what this side presented about itself.
type Own struct {
	OrgName     string `json:"org_name"`
	OrgUUID     string `json:"org_uuid"`
	URL         string `json:"url"`
	MISPVersion string `json:"misp_version,omitempty"`
	// SyncUserEmail is the e-mail of the sync user created here for the
	// partner.
	SyncUserEmail string `json:"sync_user_email,omitempty"`
	Pull          bool   `json:"pull"`
	Push          bool   `json:"push"`
}

// Versions names the software on both ends of the bump.
type Versions struct {
	Protocol int    `json:"protocol"`
	App      string `json:"app"`
}

// Event is one entry of a bump's status timeline.
type Event struct {
	Time   time.Time `json:"time"`
	Status Status    `json:"status"`
	Note   string    `json:"note,omitempty"`
}

// Verification is the result of one connection check to the partner.
type Verification struct {
	Time time.Time `json:"time"`
	OK   bool      `json:"ok"`
	// Status is MISP's testConnection status (1 = OK), 0 when not run.
	Status int `json:"status,omitempty"`
	// Message explains the result in words an admin can act on.
	Message string `json:"message"`
	// ReverseOK reports whether the partner's key works on the partner's
	// MISP with sync permission (getVersion shows perm_sync).
	ReverseOK      bool   `json:"reverse_ok"`
	ReverseMessage string `json:"reverse_message,omitempty"`
}

// Bump is the record of one bump.
type Bump struct {
	Schema  int       `json:"schema"`
	ID      string    `json:"id"`
	Role    Role      `json:"role"`
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
	Status  Status    `json:"status"`
	// MISPURL is the base URL of the MISP this bump changed: the ids in
	// Objects are only meaningful there.
	MISPURL  string   `json:"misp_url"`
	Own      Own      `json:"own"`
	Partner  Partner  `json:"partner"`
	Code     string   `json:"code,omitempty"`
	Versions Versions `json:"versions"`
	Objects  []Object `json:"objects"`
	Timeline []Event  `json:"timeline"`
	// LastVerification is the newest connection check, nil before one.
	LastVerification *Verification `json:"last_verification,omitempty"`
}

// SetStatus moves the bump to status and appends a timeline entry.
func (b *Bump) SetStatus(status Status, note string, now time.Time) {
	b.Status = status
	b.Timeline = append(b.Timeline, Event{Time: now.UTC(), Status: status, Note: note})
}

// Object returns the bump's entry for kind, or nil.
func (b *Bump) Object(kind Kind) *Object {
	for i := range b.Objects {
		if b.Objects[i].Kind == kind {
			return &b.Objects[i]
		}
	}
	return nil
}

// PutObject replaces the entry for o.Kind or appends it.
func (b *Bump) PutObject(o Object) {
	if existing := b.Object(o.Kind); existing != nil {
		*existing = o
		return
	}
	b.Objects = append(b.Objects, o)
}

// KeptNotes returns, for a rolled-back bump, why objects it created were
// kept, one note per object, such as "kept: a later bump uses it".
func (b *Bump) KeptNotes() []string {
	var notes []string
	for _, o := range b.Objects {
		if o.State == StateReused && strings.HasPrefix(o.Note, "kept: ") {
			notes = append(notes, fmt.Sprintf("the %s (id %d) was kept: %s", o.Kind, o.ID, strings.TrimPrefix(o.Note, "kept: ")))
		}
	}
	return notes
}

// WasConfirmed reports whether both admins confirmed the codes of b at
// some point, whatever happened after.
func (b *Bump) WasConfirmed() bool {
	for _, e := range b.Timeline {
		if e.Status == StatusConfirmed {
			return true
		}
	}
	return false
}

// Unfinished reports whether the bump stopped before a final state and
// may have left objects on MISP that the next start must finish or roll
// back.
func (b *Bump) Unfinished() bool {
	return b.Status == StatusPending || b.Status == StatusApplied
}

// OnMISP reports whether the bump was made on the MISP at url. Records
// written before the MISP URL was recorded fall back to the URL the
// bump advertised for this side.
func (b *Bump) OnMISP(url string) bool {
	recorded := b.MISPURL
	if recorded == "" {
		recorded = b.Own.URL
	}
	return sameURL(recorded, url)
}

// sameURL compares base URLs without case in scheme and host and
// without a trailing slash.
func sameURL(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimRight(strings.TrimSpace(s), "/")
		if scheme, rest, ok := strings.Cut(s, "://"); ok {
			host, path, _ := strings.Cut(rest, "/")
			s = strings.ToLower(scheme) + "://" + strings.ToLower(host)
			if path != "" {
				s += "/" + path
			}
		}
		return s
	}
	return a != "" && norm(a) == norm(b)
}

// Changed reports whether the bump created or changed anything on MISP.
func (b *Bump) Changed() bool {
	return slices.ContainsFunc(b.Objects, func(o Object) bool {
		return o.State != StateReused
	})
}
