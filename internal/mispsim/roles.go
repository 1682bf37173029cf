package mispsim

import "time"

// role is one of MISP's six default roles. Roles cannot be changed through
// the simulator, as mispbump never changes them.
type role struct {
	ID                    int
	Name                  string
	Perms                 perms
	DefaultRole           bool
	Permission            string
	PermissionDescription string
}

// perms holds the perm_* flags that are true, keyed without the prefix.
type perms map[string]bool

// permsBeforeDefault, permsAfterLimits and permsAfterRate are the perm_* columns in the
// order MISP 2.5.1 sends them, split where other columns sit between.
var (
	permsBeforeDefault = []string{
		"add", "modify", "modify_org", "publish", "delegate", "sync", "admin", "audit",
		"auth", "site_admin", "regexp_access", "tagger", "template", "sharing_group",
		"tag_editor", "sighting", "object_template",
	}
	permsAfterLimits = []string{"publish_zmq", "publish_kafka", "decaying"}
	permsAfterRate   = []string{
		"galaxy_editor", "warninglist", "view_feed_correlations", "analyst_data", "skip_otp",
	}
)

func permSet(names ...string) perms {
	set := make(perms, len(names))
	for _, name := range names {
		set[name] = true
	}
	return set
}

// defaultRoles are the roles of a fresh MISP 2.5.1 install, with the flags
// it reported.
var defaultRoles = []role{
	{
		ID: 1, Name: "admin", Permission: "3", PermissionDescription: "publish",
		Perms: permSet("add", "modify", "modify_org", "publish", "delegate", "sync", "admin",
			"audit", "auth", "site_admin", "regexp_access", "tagger", "template",
			"sharing_group", "tag_editor", "sighting", "object_template", "publish_zmq",
			"publish_kafka", "decaying", "galaxy_editor", "warninglist",
			"view_feed_correlations", "analyst_data"),
	},
	{
		ID: 2, Name: "Org Admin", Permission: "3", PermissionDescription: "publish",
		Perms: permSet("add", "modify", "modify_org", "publish", "delegate", "admin", "audit",
			"auth", "tagger", "template", "sharing_group", "tag_editor", "sighting",
			"publish_zmq", "publish_kafka", "decaying", "galaxy_editor", "analyst_data"),
	},
	{
		ID: 3, Name: "User", Permission: "2", PermissionDescription: "manage_org",
		DefaultRole: true,
		Perms: permSet("add", "modify", "modify_org", "audit", "auth", "tagger", "sighting",
			"decaying", "galaxy_editor", "analyst_data"),
	},
	{
		ID: 4, Name: "Publisher", Permission: "3", PermissionDescription: "publish",
		Perms: permSet("add", "modify", "modify_org", "publish", "delegate", "audit", "auth",
			"tagger", "sighting", "publish_zmq", "publish_kafka", "decaying",
			"galaxy_editor", "analyst_data"),
	},
	{
		ID: 5, Name: "Sync user", Permission: "3", PermissionDescription: "publish",
		Perms: permSet("add", "modify", "modify_org", "publish", "delegate", "sync", "audit",
			"auth", "tagger", "sharing_group", "tag_editor", "sighting", "publish_zmq",
			"publish_kafka", "decaying", "galaxy_editor", "analyst_data"),
	},
	{
		ID: 6, Name: "Read Only", Permission: "0", PermissionDescription: "read_only",
		Perms: permSet("audit", "auth"),
	},
}

// defaultRoleID is the role REST users/add assigns when role_id is missing.
const defaultRoleID = 3

func roleByID(id int) (role, bool) {
	for _, r := range defaultRoles {
		if r.ID == id {
			return r, true
		}
	}
	return role{}, false
}

// readOnlyPerms masks perms the way MISP does for a read-only auth key:
// every flag except perm_auth and perm_audit is cleared, perm_sync and
// perm_site_admin included.
func readOnlyPerms(p perms) perms {
	return perms{"auth": p["auth"], "audit": p["audit"]}
}

// mispDateTime formats t as MySQL's DATETIME, the way MISP sends role and
// organisation dates.
func mispDateTime(t int64) string {
	return time.Unix(t, 0).UTC().Format("2006-01-02 15:04:05")
}

// roleObject renders a role as MISP's Role object. withDefault adds the
// "default" member that /roles/index adds.
func roleObject(r role, created int64, withDefault bool) object {
	stamp := mispDateTime(created)
	o := object{{"id", idString(r.ID)}, {"name", r.Name}, {"created", stamp}, {"modified", stamp}}
	for _, name := range permsBeforeDefault {
		o = o.with("perm_"+name, r.Perms[name])
	}
	o = o.with("default_role", r.DefaultRole).
		with("memory_limit", nil).
		with("max_execution_time", nil).
		with("restricted_to_site_admin", false)
	for _, name := range permsAfterLimits {
		o = o.with("perm_"+name, r.Perms[name])
	}
	o = o.with("enforce_rate_limit", false).with("rate_limit_count", "0")
	for _, name := range permsAfterRate {
		o = o.with("perm_"+name, r.Perms[name])
	}
	o = o.with("permission", r.Permission).with("permission_description", r.PermissionDescription)
	if withDefault {
		o = o.with("default", r.DefaultRole)
	}
	return o
}

// rolesIndex lists the roles. MISP 2.5.1 has no /admin/roles: that path
// responds with 404 like any missing action.
func (s *Sim) rolesIndex(c *call) {
	out := make([]object, 0, len(defaultRoles))
	for _, r := range defaultRoles {
		out = append(out, object{{"Role", roleObject(r, s.st.rolesCreated, true)}})
	}
	c.ok(out)
}

func (s *Sim) rolesView(c *call) {
	id, _ := parseID(c.route.param(0))
	r, ok := roleByID(id)
	if !ok {
		c.notFound("Invalid Role.")
		return
	}
	c.ok(object{{"Role", roleObject(r, s.st.rolesCreated, false)}})
}
