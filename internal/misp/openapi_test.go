package misp

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The OpenAPI description shipped with MISP 2.5.1 is in
// testdata/openapi-2.5.1.yaml. The test below sends every request the
// client makes and checks its method, path and JSON body against it.
// Where the description is wrong or incomplete, the case states what
// MISP 2.5.1 actually did and names the recording in testdata/recordings
// that shows it. The recordings win over the description.

// openAPI is the parsed description.
type openAPI struct {
	root map[string]any
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	data, err := os.ReadFile("testdata/openapi-2.5.1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := yaml.Unmarshal(data, &root); err != nil {
		t.Fatalf("parse OpenAPI description: %v", err)
	}
	return &openAPI{root: root}
}

// resolve follows "$ref": "#/components/…" until it reaches a node
// without a reference.
func (s *openAPI) resolve(node map[string]any) map[string]any {
	for node != nil {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		var target any = s.root
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := target.(map[string]any)
			target = m[part]
		}
		node, _ = target.(map[string]any)
	}
	return nil
}

// operation finds the operation for a concrete path. A template segment
// such as {serverId} matches any one segment.
func (s *openAPI) operation(method, path string) (map[string]any, string) {
	paths, _ := s.root["paths"].(map[string]any)
	segments := strings.Split(path, "/")
	for template, item := range paths {
		parts := strings.Split(template, "/")
		if len(parts) != len(segments) {
			continue
		}
		match := true
		for i, part := range parts {
			if part != segments[i] && !(strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}")) {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		ops, _ := item.(map[string]any)
		if op, ok := ops[strings.ToLower(method)].(map[string]any); ok {
			return op, template
		}
		return nil, template
	}
	return nil, ""
}

// bodyProperties returns the JSON body schema's properties, merging
// allOf parts.
func (s *openAPI) bodyProperties(op map[string]any) map[string]map[string]any {
	body := s.resolve(asMap(op["requestBody"]))
	content := asMap(body["content"])
	schema := s.resolve(asMap(asMap(content["application/json"])["schema"]))
	props := map[string]map[string]any{}
	s.collectProperties(schema, props)
	return props
}

func (s *openAPI) collectProperties(schema map[string]any, props map[string]map[string]any) {
	schema = s.resolve(schema)
	for _, part := range asList(schema["allOf"]) {
		s.collectProperties(asMap(part), props)
	}
	for name, prop := range asMap(schema["properties"]) {
		props[name] = s.resolve(asMap(prop))
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// matchesType checks a decoded JSON value against a schema's type.
func matchesType(value any, schema map[string]any) bool {
	if value == nil {
		return schema["nullable"] == true
	}
	switch schema["type"] {
	case "string":
		_, ok := value.(string)
		return ok
	case "boolean":
		_, ok := value.(bool)
		return ok
	case "integer", "number":
		_, ok := value.(float64)
		return ok
	case "array":
		_, ok := value.([]any)
		return ok
	case "object":
		_, ok := value.(map[string]any)
		return ok
	}
	return true
}

// isNumericIDSchema reports a string schema that only allows digits, the
// form the description gives every id.
func isNumericIDSchema(schema map[string]any) bool {
	return schema["type"] == "string" && schema["pattern"] == `^\d+$`
}

// specCase is one client request and the notes on where the description
// differs from it.
type specCase struct {
	name      string
	recording string // prefix of the recorded response to serve
	call      func(*testing.T, *Client) error

	// route explains a method or path that the description lacks or gets
	// wrong. specMethod names the method the description lists for the
	// path, whose body schema then applies.
	route      string
	specMethod string

	// members explains body members that the description lacks or types
	// differently, by member name.
	members map[string]string
}

// idNote explains ids sent as numbers.
const idNote = "the description types ids as digit strings; MISP 2.5.1 accepted numbers " +
	"(org_id 8 and role_id 5 in S03, remote_org_id 8 in S07)"

var specCases = []specCase{
	{name: "Version", recording: "01", call: func(t *testing.T, c *Client) error { _, err := c.Version(ctx); return err }},
	{name: "Me", recording: "03", call: func(t *testing.T, c *Client) error { _, err := c.Me(ctx); return err },
		route: "the description has no /users/view/me; MISP 2.5.1 responded to it with the caller's user, role and organisation (03)"},
	{name: "Setting", recording: "09", call: func(t *testing.T, c *Client) error { _, err := c.Setting(ctx, "MISP.baseurl"); return err }},
	{name: "Organisation", recording: "05", call: func(t *testing.T, c *Client) error {
		_, err := c.Organisation(ctx, "0e991185-dd29-499f-aa4e-81a86d21a1cc")
		return err
	}},
	{name: "Roles", recording: "08c", call: func(t *testing.T, c *Client) error { _, err := c.Roles(ctx); return err },
		route: "the description has no roles endpoint; MISP 2.5.1 lists roles at GET /roles (08c), " +
			"and /admin/roles, removed in 2.4.137, responds with 404"},
	{name: "AddOrganisation", recording: "14", call: func(t *testing.T, c *Client) error {
		_, err := c.AddOrganisation(ctx, OrganisationInput{Name: "ORG TWO", UUID: "f6146e67-e41a-4344-b5f7-ddedea3b948b",
			Description: "partner", Type: "CSIRT", Nationality: "LU", Sector: "IT", Contacts: "soc@example.org"})
		return err
	}},
	{name: "DeleteOrganisation", recording: "49c", call: func(t *testing.T, c *Client) error {
		return c.DeleteOrganisation(ctx, "5f6a0f9e-1b2c-4d3e-8f40-000000000c03")
	}, route: "the description lists DELETE only; MISP 2.5.1 deleted with POST (49c)", specMethod: "delete"},
	{name: "AddUser", recording: "S03", call: func(t *testing.T, c *Client) error {
		_, _, err := c.AddUser(ctx, UserInput{Email: "sync@org-two.example", OrgID: 8, RoleID: 5, Disabled: true})
		return err
	}, members: map[string]string{
		"org_id":    idNote,
		"role_id":   idNote,
		"change_pw": `the description types change_pw as "0" or "1"; MISP 2.5.1 accepted false (S03) and returns a boolean`,
	}},
	{name: "SetUserDisabled", recording: "53", call: func(t *testing.T, c *Client) error {
		_, err := c.SetUserDisabled(ctx, 2, false)
		return err
	}, route: "the description lists PUT only; MISP 2.5.1 edited users with POST (53)", specMethod: "put"},
	{name: "User", recording: "67", call: func(t *testing.T, c *Client) error { _, err := c.User(ctx, 7); return err }},
	{name: "FindUserByEmail", recording: "69", call: func(t *testing.T, c *Client) error {
		_, _, err := c.FindUserByEmail(ctx, "sync@org-two.example")
		return err
	}, route: "the description has GET /admin/users without filters; MISP 2.5.1 filtered with the " +
		"named parameter /admin/users/index/searchemail:<address> (69)"},
	{name: "DeleteUser", recording: "48c", call: func(t *testing.T, c *Client) error { return c.DeleteUser(ctx, 5) },
		route: "the description lists DELETE only; MISP 2.5.1 deleted users with POST (48c)", specMethod: "delete"},
	{name: "AddAuthKey", recording: "25", call: func(t *testing.T, c *Client) error {
		_, err := c.AddAuthKey(ctx, 3, "mispbump")
		return err
	}},
	{name: "AuthKeys", recording: "51b", call: func(t *testing.T, c *Client) error { _, err := c.AuthKeys(ctx, 3); return err },
		route: "the description has GET /auth_keys only; MISP 2.5.1 listed one user's keys at /auth_keys/index/<user id> (51b)"},
	{name: "DeleteAuthKey", recording: "52c", call: func(t *testing.T, c *Client) error { return c.DeleteAuthKey(ctx, 6) },
		route: "the description lists DELETE only; MISP 2.5.1 deleted keys with POST (52c)", specMethod: "delete"},
	{name: "AddServer", recording: "S07", call: func(t *testing.T, c *Client) error {
		in := validServerInput()
		in.PushGalaxyClusters, in.PullGalaxyClusters, in.PushAnalystData, in.PullAnalystData = true, true, true, true
		in.UnpublishEvent, in.PublishWithoutEmail, in.SkipProxy, in.CachingEnabled = true, true, true, true
		in.RemoveMissingTags = true
		in.PushRules, in.PullRules = DefaultPushRules().JSON(), DefaultPullRules().JSON()
		in.SubmittedCert = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"
		_, err := c.AddServer(ctx, in)
		return err
	}, members: map[string]string{
		"remote_org_id":       idNote,
		"submitted_cert":      "missing from the description; MISP 2.5.1's own description of /servers/add lists it (27)",
		"push_analyst_data":   "missing from the description; a servers table column since MISP 2.4.186, returned by servers/add (28)",
		"pull_analyst_data":   "missing from the description; a servers table column since MISP 2.4.186, returned by servers/add (28)",
		"remove_missing_tags": "missing from the description; a servers table column since MISP 2.4.162, returned by servers/add (28)",
	}},
	{name: "EditServer", recording: "S11", call: func(t *testing.T, c *Client) error {
		off := false
		_, err := c.EditServer(ctx, 1, ServerEdit{Push: &off, PushSightings: &off})
		return err
	}, route: "the description lists PUT only; MISP 2.5.1 edited servers with POST (S11)", specMethod: "put"},
	{name: "Servers", recording: "46", call: func(t *testing.T, c *Client) error { _, err := c.Servers(ctx); return err }},
	{name: "DeleteServer", recording: "47c", call: func(t *testing.T, c *Client) error { return c.DeleteServer(ctx, 3) }},
	{name: "TestConnection", recording: "29", call: func(t *testing.T, c *Client) error { _, err := c.TestConnection(ctx, 1); return err },
		route: "the description has no testConnection; MISP 2.5.1 responded to GET /servers/testConnection/<id> with HTTP 200 and a status code (29)"},
	{name: "RemoteUser", recording: "S12", call: func(t *testing.T, c *Client) error { _, err := c.RemoteUser(ctx, 1); return err },
		route: "the description has no getRemoteUser; MISP 2.5.1 responded to GET /servers/getRemoteUser/<id> (S12)"},
	{name: "CreateSync", recording: "43", call: func(t *testing.T, c *Client) error { _, err := c.CreateSync(ctx); return err },
		route: "the description lists POST only; MISP 2.5.1 responded to GET (43)", specMethod: "post"},
	{name: "ImportServer", recording: "44", call: func(t *testing.T, c *Client) error {
		cfg, err := ParseSyncConfig(loadRecording(t, "44").Request.Body)
		if err != nil {
			return err
		}
		_, err = c.ImportServer(ctx, cfg)
		return err
	}, members: map[string]string{
		"Server": "the description shows the bare form; MISP 2.5.1 imported the wrapped form {\"Server\":{…}} that createSync returns (44)",
	}},
}

// describeRecordings are MISP 2.5.1's responses to GET on its add
// endpoints, which describe the mandatory fields. The OpenAPI
// description marks none of them as required, so these recordings stand
// in for its "required" lists.
var describeRecordings = map[string]string{
	"/admin/organisations/add": "13",
	"/admin/users/add":         "17",
	"/servers/add":             "27",
}

func TestRequestsMatchOpenAPI(t *testing.T) {
	spec := loadOpenAPI(t)
	checked := 0
	for _, sc := range specCases {
		t.Run(sc.name, func(t *testing.T) {
			c, p := replay(t, sc.recording)
			if err := sc.call(t, c); err != nil {
				t.Fatalf("call: %v", err)
			}
			for _, req := range p.requests {
				checkAgainstSpec(t, spec, sc, req)
				checked++
			}
		})
	}
	t.Logf("checked %d requests against the OpenAPI description", checked)
}

func checkAgainstSpec(t *testing.T, spec *openAPI, sc specCase, req recordedRequest) {
	t.Helper()
	op, template := spec.operation(req.Method, req.Path)
	switch {
	case op != nil && sc.route != "":
		t.Errorf("%s %s is in the description now; drop the note %q", req.Method, req.Path, sc.route)
	case op == nil && sc.route == "":
		t.Errorf("%s %s is not in the description (path template %q)", req.Method, req.Path, template)
	case op == nil && sc.specMethod != "":
		op, _ = spec.operation(sc.specMethod, req.Path)
		if op == nil {
			t.Errorf("the description has no %s %s either", sc.specMethod, req.Path)
		}
	}

	if len(req.Body) == 0 {
		return
	}
	if op == nil {
		t.Errorf("%s %s sends a body, but there is no schema to check it against", req.Method, req.Path)
		return
	}
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("body is not a JSON object: %v", err)
	}
	props := spec.bodyProperties(op)
	for member, value := range body {
		note := sc.members[member]
		prop, listed := props[member]
		switch {
		case !listed && note == "":
			t.Errorf("member %q is not in the description's schema", member)
		case listed && !matchesType(value, prop) && note == "":
			t.Errorf("member %q = %v does not match the described type %v", member, value, prop["type"])
		case listed && matchesType(value, prop) && note != "" && !isNumericIDSchema(prop):
			t.Errorf("member %q matches the description now; drop the note %q", member, note)
		}
	}
	checkMandatory(t, req, body)
}

// checkMandatory compares a body with the mandatory fields MISP itself
// lists for the endpoint.
func checkMandatory(t *testing.T, req recordedRequest, body map[string]any) {
	t.Helper()
	prefix, ok := describeRecordings[req.Path]
	if !ok {
		return
	}
	var describe struct {
		Mandatory []string `json:"mandatory_fields"`
	}
	if err := json.Unmarshal(loadRecording(t, prefix).Response.Body, &describe); err != nil || len(describe.Mandatory) == 0 {
		t.Fatalf("recording %s has no mandatory_fields: %v", prefix, err)
	}
	var missing []string
	for _, field := range describe.Mandatory {
		if _, ok := body[field]; !ok {
			missing = append(missing, field)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s %s lacks the mandatory fields %v", req.Method, req.Path, missing)
	}
}

// TestAddAuthKeyUserInPath documents where the description is wrong
// about auth_keys/add: it lists user_id as a body member, but MISP
// (since 2.4.156) takes the user from the URL and ignores the body's
// user_id. Recording 25 posted {"comment","read_only"} to
// /auth_keys/add/3 and got a key for user 3.
func TestAddAuthKeyUserInPath(t *testing.T) {
	spec := loadOpenAPI(t)
	op, _ := spec.operation("POST", "/auth_keys/add/3")
	if _, listed := spec.bodyProperties(op)["user_id"]; !listed {
		t.Error("the description no longer lists user_id; drop this test's note")
	}

	c, p := replay(t, "25")
	key, err := c.AddAuthKey(ctx, 3, "mispbump")
	if err != nil {
		t.Fatal(err)
	}
	if key.UserID != 3 {
		t.Errorf("key for user %d, want 3", key.UserID)
	}
	var body map[string]any
	if err := json.Unmarshal(p.requests[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if _, sent := body["user_id"]; sent {
		t.Error("the body carries user_id, which MISP ignores")
	}
	if p.requests[0].Path != "/auth_keys/add/3" {
		t.Errorf("path = %s, want the user id in the path", p.requests[0].Path)
	}
}
