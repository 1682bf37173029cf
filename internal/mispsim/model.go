package mispsim

// The row types mirror MISP's tables. Their JSON form is the persisted
// form, not the wire form: responses are built field by field in the
// handlers, in MISP's order and with MISP's types.

// org is a row of MISP's organisations table.
type org struct {
	ID                 int      `json:"id"`
	Name               string   `json:"name"`
	UUID               string   `json:"uuid"`
	Description        *string  `json:"description"`
	Type               string   `json:"type"`
	Nationality        string   `json:"nationality"`
	Sector             string   `json:"sector"`
	Contacts           *string  `json:"contacts"`
	Landingpage        *string  `json:"landingpage"`
	Local              bool     `json:"local"`
	RestrictedToDomain []string `json:"restricted_to_domain"`
	CreatedBy          int      `json:"created_by"`
	Created            int64    `json:"created"`
	Modified           int64    `json:"modified"`

	seeded bool
}

// user is a row of MISP's users table.
type user struct {
	ID       int    `json:"id"`
	OrgID    int    `json:"org_id"`
	RoleID   int    `json:"role_id"`
	Email    string `json:"email"`
	ServerID int    `json:"server_id"`
	// LegacyAuthKey is the users.authkey column: the working key only when
	// Security.advanced_authkeys is off.
	LegacyAuthKey        string  `json:"legacy_authkey"`
	InvitedBy            int     `json:"invited_by"`
	GPGKey               *string `json:"gpgkey"`
	CertifPublic         string  `json:"certif_public"`
	NidsSID              int     `json:"nids_sid"`
	Autoalert            bool    `json:"autoalert"`
	Contactalert         bool    `json:"contactalert"`
	Disabled             bool    `json:"disabled"`
	ChangePW             bool    `json:"change_pw"`
	TermsAccepted        bool    `json:"termsaccepted"`
	ExternalAuthRequired bool    `json:"external_auth_required"`
	ExternalAuthKey      *string `json:"external_auth_key"`
	DateCreated          int64   `json:"date_created"`
	DateModified         int64   `json:"date_modified"`
	LastAPIAccess        int64   `json:"last_api_access"`
	LastPWChange         int64   `json:"last_pw_change"`

	seeded bool
}

// authKey is a row of MISP's auth_keys table (advanced keys). The key
// itself is stored as SHA-256(salt || key).
type authKey struct {
	ID         int      `json:"id"`
	UUID       string   `json:"uuid"`
	Start      string   `json:"authkey_start"`
	End        string   `json:"authkey_end"`
	Salt       []byte   `json:"salt"`
	Hash       []byte   `json:"hash"`
	Created    int64    `json:"created"`
	Expiration int64    `json:"expiration"`
	ReadOnly   bool     `json:"read_only"`
	UserID     int      `json:"user_id"`
	Comment    *string  `json:"comment"`
	AllowedIPs []string `json:"allowed_ips"`
	UniqueIPs  []string `json:"unique_ips"`
}

// server is a row of MISP's servers table: one sync connection.
type server struct {
	ID                  int     `json:"id"`
	Name                string  `json:"name"`
	URL                 string  `json:"url"`
	AuthKey             string  `json:"authkey"`
	OrgID               int     `json:"org_id"`
	Push                bool    `json:"push"`
	Pull                bool    `json:"pull"`
	PushSightings       bool    `json:"push_sightings"`
	PushGalaxyClusters  bool    `json:"push_galaxy_clusters"`
	PushAnalystData     bool    `json:"push_analyst_data"`
	PullAnalystData     bool    `json:"pull_analyst_data"`
	PullGalaxyClusters  bool    `json:"pull_galaxy_clusters"`
	RemoteOrgID         int     `json:"remote_org_id"`
	PublishWithoutEmail bool    `json:"publish_without_email"`
	UnpublishEvent      bool    `json:"unpublish_event"`
	SelfSigned          bool    `json:"self_signed"`
	PullRules           string  `json:"pull_rules"`
	PushRules           string  `json:"push_rules"`
	CertFile            *string `json:"cert_file"`
	ClientCertFile      *string `json:"client_cert_file"`
	Internal            bool    `json:"internal"`
	SkipProxy           bool    `json:"skip_proxy"`
	RemoveMissingTags   bool    `json:"remove_missing_tags"`
	CachingEnabled      bool    `json:"caching_enabled"`
	Priority            int     `json:"priority"`
}

// settings are the MISP settings the simulator supports.
type settings struct {
	// BaseURL is MISP.baseurl when set explicitly; empty means the URL the
	// simulator serves on.
	BaseURL string `json:"baseurl"`
	// BaseURLCleared records that an admin emptied MISP.baseurl, which
	// then reads back empty, as on a MISP where it was never set.
	BaseURLCleared   bool   `json:"baseurl_cleared,omitempty"`
	ExternalBaseURL  string `json:"external_baseurl"`
	InstanceUUID     string `json:"uuid"`
	HostOrgID        int    `json:"host_org_id"`
	Live             bool   `json:"live"`
	AdvancedAuthKeys bool   `json:"advanced_authkeys"`
}

// Default push and pull rules of servers/add, as JSON strings.
const (
	defaultPushRules = `{"tags":{"OR":[],"NOT":[]},"orgs":{"OR":[],"NOT":[]}}`
	defaultPullRules = `{"tags":{"OR":[],"NOT":[]},"orgs":{"OR":[],"NOT":[]},` +
		`"type_attributes":{"NOT":[]},"type_objects":{"NOT":[]},"url_params":""}`
)
