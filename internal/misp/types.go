package misp

// The record types below hold the fields mispbump reads. MISP sends many
// more; unknown members are ignored, so newer MISP versions decode too.
// Ids, counts and timestamps use ID and Number because MISP sends them as
// strings or numbers depending on its database driver.

// Organisation is an organisation record (the "Organisation" model).
type Organisation struct {
	ID          ID     `json:"id"`
	Name        string `json:"name"`
	UUID        string `json:"uuid"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Nationality string `json:"nationality"`
	Sector      string `json:"sector"`
	Contacts    string `json:"contacts"`

	// Local is true for the instance's own organisations and false for
	// known remote organisations.
	Local bool `json:"local"`

	CreatedBy    ID     `json:"created_by"`
	UserCount    Number `json:"user_count"`
	DateCreated  string `json:"date_created"` // "2006-01-02 15:04:05", server time
	DateModified string `json:"date_modified"`
}

// User is a user record (the "User" model). The authkey member is never
// kept here: AddUser returns the key separately as a secret.Key.
type User struct {
	ID     ID     `json:"id"`
	Email  string `json:"email"`
	OrgID  ID     `json:"org_id"`
	RoleID ID     `json:"role_id"`

	Disabled       bool `json:"disabled"`
	ChangePassword bool `json:"change_pw"`
	TermsAccepted  bool `json:"termsaccepted"`
	Autoalert      bool `json:"autoalert"`
	ContactAlert   bool `json:"contactalert"`

	InvitedBy     ID     `json:"invited_by"`
	DateCreated   Number `json:"date_created"`    // Unix seconds
	DateModified  Number `json:"date_modified"`   // Unix seconds
	LastAPIAccess Number `json:"last_api_access"` // Unix seconds, 0 for never
}

// Role is a role record with its permission flags (the "Role" model).
// User lists (admin/users/index) only fill ID, Name, PermAuth, PermAdmin
// and PermSiteAdmin.
type Role struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`

	PermAdd                  bool `json:"perm_add"`
	PermModify               bool `json:"perm_modify"`
	PermModifyOrg            bool `json:"perm_modify_org"`
	PermPublish              bool `json:"perm_publish"`
	PermDelegate             bool `json:"perm_delegate"`
	PermSync                 bool `json:"perm_sync"`
	PermAdmin                bool `json:"perm_admin"`
	PermAudit                bool `json:"perm_audit"`
	PermAuth                 bool `json:"perm_auth"`
	PermSiteAdmin            bool `json:"perm_site_admin"`
	PermRegexpAccess         bool `json:"perm_regexp_access"`
	PermTagger               bool `json:"perm_tagger"`
	PermTemplate             bool `json:"perm_template"`
	PermSharingGroup         bool `json:"perm_sharing_group"`
	PermTagEditor            bool `json:"perm_tag_editor"`
	PermSighting             bool `json:"perm_sighting"`
	PermObjectTemplate       bool `json:"perm_object_template"`
	PermPublishZMQ           bool `json:"perm_publish_zmq"`
	PermPublishKafka         bool `json:"perm_publish_kafka"`
	PermDecaying             bool `json:"perm_decaying"`
	PermGalaxyEditor         bool `json:"perm_galaxy_editor"`
	PermWarninglist          bool `json:"perm_warninglist"`
	PermViewFeedCorrelations bool `json:"perm_view_feed_correlations"`
	PermAnalystData          bool `json:"perm_analyst_data"`
	PermSkipOTP              bool `json:"perm_skip_otp"`

	DefaultRole           bool   `json:"default_role"`
	RestrictedToSiteAdmin bool   `json:"restricted_to_site_admin"`
	EnforceRateLimit      bool   `json:"enforce_rate_limit"`
	RateLimitCount        Number `json:"rate_limit_count"`

	// Permission is the event permission level, 0 (read only) to 3
	// (publish), described by PermissionDescription.
	Permission            Number `json:"permission"`
	PermissionDescription string `json:"permission_description"`
}

// UserView is a user with its role and organisation, as returned by
// users/view/me, admin/users/view and each admin/users/index entry.
type UserView struct {
	User         User         `json:"User"`
	Role         Role         `json:"Role"`
	Organisation Organisation `json:"Organisation"`
}

// Server is a sync connection record (the "Server" model). The remote
// key (authkey) is never kept here.
type Server struct {
	ID          ID     `json:"id"`
	Name        string `json:"name"`
	URL         string `json:"url"`
	OrgID       ID     `json:"org_id"`
	RemoteOrgID ID     `json:"remote_org_id"`

	Push                bool `json:"push"`
	Pull                bool `json:"pull"`
	PushSightings       bool `json:"push_sightings"`
	PushGalaxyClusters  bool `json:"push_galaxy_clusters"`
	PullGalaxyClusters  bool `json:"pull_galaxy_clusters"`
	PushAnalystData     bool `json:"push_analyst_data"`
	PullAnalystData     bool `json:"pull_analyst_data"`
	PublishWithoutEmail bool `json:"publish_without_email"`
	UnpublishEvent      bool `json:"unpublish_event"`
	SelfSigned          bool `json:"self_signed"`
	Internal            bool `json:"internal"`
	SkipProxy           bool `json:"skip_proxy"`
	RemoveMissingTags   bool `json:"remove_missing_tags"`
	CachingEnabled      bool `json:"caching_enabled"`

	// PullRules and PushRules are JSON documents stored as strings.
	PullRules string `json:"pull_rules"`
	PushRules string `json:"push_rules"`

	// CertFile is the file name MISP stored an uploaded CA certificate
	// under, such as "4.pem", or empty.
	CertFile       string `json:"cert_file"`
	ClientCertFile string `json:"client_cert_file"`
	Priority       Number `json:"priority"`
}

// ServerEntry is one element of the server index: the server with the
// local organisation that owns it and the remote organisation it syncs
// with (RemoteOrg has only id, name, uuid, nationality, sector, type).
type ServerEntry struct {
	Server       Server       `json:"Server"`
	Organisation Organisation `json:"Organisation"`
	RemoteOrg    Organisation `json:"RemoteOrg"`
}

// VersionInfo is the response of servers/getVersion. The permission flags
// are those of the calling key, after MISP masks a read-only key.
type VersionInfo struct {
	Version                  string   `json:"version"`
	PyMISPRecommendedVersion string   `json:"pymisp_recommended_version"`
	PermSync                 bool     `json:"perm_sync"`
	PermSighting             bool     `json:"perm_sighting"`
	PermGalaxyEditor         bool     `json:"perm_galaxy_editor"`
	PermAnalystData          bool     `json:"perm_analyst_data"`
	RequestEncoding          []string `json:"request_encoding"`
	FilterSightings          bool     `json:"filter_sightings"`

	// UUID is the instance's MISP.uuid for a key with perm_sync, "-"
	// otherwise, and empty before MISP 2.4.185.
	UUID string `json:"uuid"`
}
