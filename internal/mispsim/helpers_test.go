package mispsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// startSim creates a simulator with opts, serves it on loopback and stops
// it when the test ends.
func startSim(t testing.TB, opts Options) *Sim {
	t.Helper()
	sim, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := sim.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

// apiClient sends MISP API requests to one simulator with one key.
type apiClient struct {
	t    testing.TB
	base string
	key  string
	http *http.Client
}

func newClient(t testing.TB, sim *Sim, key string) *apiClient {
	t.Helper()
	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if sim.CertPEM() != nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.TLSClientConfig = tlsConfigTrusting(t, sim.CertPEM())
		client.Transport = transport
	}
	return &apiClient{t: t, base: sim.URL(), key: key, http: client}
}

func adminClient(t testing.TB, sim *Sim) *apiClient {
	return newClient(t, sim, sim.AdminKey().Reveal())
}

// apiResponse is a decoded API response.
type apiResponse struct {
	status int
	header http.Header
	raw    []byte
	body   any
}

// obj returns the response as an object, or the member at the given path of
// nested objects.
func (a apiResponse) obj(path ...string) map[string]any {
	current, _ := a.body.(map[string]any)
	for _, key := range path {
		current, _ = current[key].(map[string]any)
	}
	return current
}

func (a apiResponse) list() []any {
	list, _ := a.body.([]any)
	return list
}

// str returns a string member at the given path.
func (a apiResponse) str(path ...string) string {
	parent := a.obj(path[:len(path)-1]...)
	value, _ := parent[path[len(path)-1]].(string)
	return value
}

func (c *apiClient) do(method, path string, body any) apiResponse {
	c.t.Helper()
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		reader = bytes.NewReader(encoded)
	}

	req, err := http.NewRequest(method, c.base+path, reader)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", c.key)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read response: %v", method, path, err)
	}
	out := apiResponse{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && len(raw) > 0 {
		_ = json.Unmarshal(raw, &out.body)
	}
	return out
}

func (c *apiClient) get(path string) apiResponse {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil)
}

func (c *apiClient) post(path string, body any) apiResponse {
	c.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	return c.do(http.MethodPost, path, body)
}

// must fails the test unless the response has the wanted status.
func (a apiResponse) must(t testing.TB, status int) apiResponse {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %.400s", a.status, status, a.raw)
	}
	return a
}

// addOrg creates an organisation and returns its id.
func (c *apiClient) addOrg(name, uuid string, local bool) string {
	c.t.Helper()
	a := c.post("/admin/organisations/add", map[string]any{"name": name, "uuid": uuid, "local": local})
	return a.must(c.t, http.StatusOK).str("Organisation", "id")
}

// addUser creates a user and returns its id and the key MISP shows once.
func (c *apiClient) addUser(email, orgID string, roleID int) (id, key string) {
	c.t.Helper()
	a := c.post("/admin/users/add", map[string]any{"email": email, "org_id": orgID,
		"role_id": roleID, "change_pw": false, "termsaccepted": true}).must(c.t, http.StatusOK)
	return a.str("User", "id"), a.str("User", "authkey")
}
