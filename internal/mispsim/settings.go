package mispsim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// settingInfo is the static part of a MISP setting as getSetting shows it.
// The texts of MISP.baseurl and MISP.uuid are the ones MISP 2.5.1 sent.
// NOTE: the texts of the other settings are the simulator's approximation
// of MISP's; no recording shows them.
type settingInfo struct {
	level        int
	description  string
	errorMessage string
	test         string
	kind         string
	nullable     bool
}

var knownSettings = map[string]settingInfo{
	"MISP.baseurl": {
		description: "The base url of the application (in the format " +
			"https://www.mymispinstance.com or https://myserver.com/misp). Several features " +
			"depend on this setting being correctly set to function.",
		errorMessage: "The currently set baseurl does not match the URL through which you " +
			"have accessed the page. Disregard this if you are accessing the page via an " +
			"alternate URL (for example via IP address).",
		test: "testBaseURL", kind: "string", nullable: true,
	},
	"MISP.external_baseurl": {
		description: "The base url of the application (in the format " +
			"https://www.mymispinstance.com) as visible externally/by other MISPs. MISP will " +
			"encode this URL in sharing groups when including itself. If this value is not " +
			"set, the baseurl is used as a fallback.",
		test: "testURL", kind: "string", nullable: true,
	},
	"MISP.uuid": {
		description:  "The MISP instance UUID. This UUID is used to identify this instance.",
		errorMessage: "No valid UUID set",
		test:         "testUuid", kind: "string",
	},
	"MISP.host_org_id": {
		description: "The hosting organisation of this instance. If this is not selected " +
			"then replication instances cannot be added.",
		test: "testLocalOrg", kind: "numeric",
	},
	"MISP.live": {
		description: "Unless set to true, the instance will only be accessible by site admins.",
		test:        "testLive", kind: "boolean",
	},
	"Security.advanced_authkeys": {
		description: "Advanced authkeys will allow each user to create and manage a set of " +
			"authkeys for themselves, each with individual expirations and comments. API keys " +
			"are stored in a hashed state and can no longer be recovered from MISP. Users " +
			"will be prompted to note down their key when creating a new authkey.",
		test: "testBool", kind: "boolean",
	},
}

// redactedSettings get 403 in MISP because they hold secrets.
var redactedSettings = map[string]bool{
	"Security.salt": true, "Security.encryption_key": true,
}

// settingValue returns the current value of a known setting.
func (s *Sim) settingValue(name string, r *http.Request) any {
	set := s.st.settings
	switch name {
	case "MISP.baseurl":
		if set.BaseURLCleared {
			return ""
		}
		return s.baseURL(r)
	case "MISP.external_baseurl":
		return set.ExternalBaseURL
	case "MISP.uuid":
		return set.InstanceUUID
	case "MISP.host_org_id":
		return set.HostOrgID
	case "MISP.live":
		return set.Live
	case "Security.advanced_authkeys":
		return set.AdvancedAuthKeys
	}
	return nil
}

func (s *Sim) getVersion(c *call) {
	uuid := "-"
	if c.perms["sync"] {
		uuid = s.st.settings.InstanceUUID
	}
	c.ok(object{
		{"version", Version},
		{"pymisp_recommended_version", Version},
		{"perm_sync", c.perms["sync"]},
		{"perm_sighting", c.perms["sighting"]},
		{"perm_galaxy_editor", c.perms["galaxy_editor"]},
		{"perm_analyst_data", c.perms["analyst_data"]},
		{"uuid", uuid},
		{"request_encoding", []string{"gzip"}},
		{"filter_sightings", true},
	})
}

func (s *Sim) getPyMISPVersion(c *call) {
	c.ok(object{{"version", Version}})
}

func (s *Sim) getInstanceUUID(c *call) {
	c.ok(object{{"uuid", s.st.settings.InstanceUUID}})
}

func (s *Sim) getSetting(c *call) {
	name := c.route.param(0)
	if redactedSettings[name] {
		c.exception(http.StatusForbidden, "This setting is redacted.")
		return
	}
	info, known := knownSettings[name]
	if !known {
		c.notFound("Setting " + name + " is invalid.")
		return
	}
	body := object{{"level", info.level}, {"description", info.description},
		{"value", s.settingValue(name, c.r)}}
	if info.errorMessage != "" {
		body = body.with("errorMessage", info.errorMessage)
	}
	body = body.with("test", info.test).with("type", info.kind)
	if info.nullable {
		body = body.with("null", true)
	}
	body = body.with("name", name)
	if name == "MISP.host_org_id" {
		body = body.with("options", s.localOrgOptions())
	}
	c.ok(body)
}

// localOrgOptions lists the local organisations as MISP offers them for
// MISP.host_org_id: {"<id>": "<name>"}.
func (s *Sim) localOrgOptions() object {
	options := object{}
	for _, id := range sortedKeys(s.st.orgs) {
		if o := s.st.orgs[id]; o.Local {
			options = options.with(idString(o.ID), o.Name)
		}
	}
	return options
}

func (s *Sim) serverSettingsEdit(c *call) {
	name := c.route.param(0)
	if redactedSettings[name] {
		c.exception(http.StatusForbidden, "This setting is redacted.")
		return
	}
	if _, known := knownSettings[name]; !known {
		c.notFound("Setting " + name + " is invalid.")
		return
	}
	if c.r.Method != http.MethodPost && c.r.Method != http.MethodPut {
		c.ok(object{{name, s.settingValue(name, c.r)}})
		return
	}
	value, present := c.body["value"]
	if !present {
		value = nil
	}
	if msg := s.applySetting(name, value); msg != "" {
		c.saveFail("Could not serverSettingsEdit Server", "/servers/serverSettingsEdit", "", msg)
		return
	}
	if !c.commit(s) {
		return
	}
	c.saveSuccess("Field updated", "/servers/serverSettingsEdit", nil)
}

// applySetting validates and stores a setting. It returns MISP's error
// text when the value is invalid.
func (s *Sim) applySetting(name string, value any) string {
	set := &s.st.settings
	text, _ := fields{"v": value}.str("v")
	switch name {
	case "MISP.baseurl", "MISP.external_baseurl":
		text = strings.TrimSpace(text)
		if text != "" {
			if msg := checkBaseURL(text); msg != "" {
				return msg
			}
		}
		if name == "MISP.baseurl" {
			set.BaseURL, set.BaseURLCleared = text, text == ""
		} else {
			set.ExternalBaseURL = text
		}
	case "MISP.uuid":
		text = strings.ToLower(strings.TrimSpace(text))
		if !validUUID(text) {
			return "No valid UUID set"
		}
		set.InstanceUUID = text
	case "MISP.host_org_id":
		id, ok := parseID(text)
		if o := s.st.orgs[id]; !ok || o == nil || !o.Local {
			// NOTE: the message is the simulator's; MISP's testLocalOrg
			// text for an unknown organisation was not recorded.
			return "Invalid organisation: choose the id of a local organisation."
		}
		set.HostOrgID = id
	case "MISP.live", "Security.advanced_authkeys":
		flag, ok := asBool(value)
		if !ok || value == nil {
			return "Value is not a boolean."
		}
		if name == "MISP.live" {
			set.Live = flag
		} else {
			set.AdvancedAuthKeys = flag
		}
	}
	return ""
}

// checkBaseURL returns MISP's error text when value is not an http or
// https URL with a host and without a trailing slash.
func checkBaseURL(value string) string {
	const msg = `Invalid baseurl, it has to be in the "https://FQDN" format.`
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return msg
	}
	if strings.HasSuffix(value, "/") || strings.ContainsAny(value, " \t") {
		return msg
	}
	if port := u.Port(); port != "" {
		if _, err := strconv.Atoi(port); err != nil {
			return msg
		}
	}
	return ""
}
