package misp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

const loginPage = `<!DOCTYPE html><html><head><title>Users - MISP</title></head>
<body><form action="/users/login" method="post"><input name="data[User][email]"></form></body></html>`

const proxyPage = `<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`

const authFailed = `{"name":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","message":"Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.","url":"\/users\/view\/me"}`

func TestHTMLLoginPageWith200(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, "text/html; charset=UTF-8", loginPage)
	})
	_, err := newTestClient(t, server.URL).Me(context.Background())

	e := asError(t, err)
	if !errors.Is(err, ErrNotJSON) {
		t.Errorf("kind = %v, want ErrNotJSON", e.Kind)
	}
	if errors.Is(err, ErrServer) {
		t.Error("a 200 page matches ErrServer")
	}
	if !strings.Contains(e.Message, `"Users - MISP"`) {
		t.Errorf("message %q lacks the page title", e.Message)
	}
	if strings.Contains(err.Error(), "<form") {
		t.Errorf("error text contains raw HTML: %s", err)
	}
}

func TestRedirectToLogin(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://misp.example/users/login?ref=x")
		w.WriteHeader(http.StatusFound)
	})
	_, err := newTestClient(t, server.URL).Version(context.Background())

	e := asError(t, err)
	if !errors.Is(err, ErrAuth) {
		t.Errorf("kind = %v, want ErrAuth", e.Kind)
	}
	if e.Location != "http://misp.example/users/login" {
		t.Errorf("Location = %q, want the login URL without query", e.Location)
	}
	if !strings.Contains(err.Error(), "redirect to http://misp.example/users/login") {
		t.Errorf("error text lacks the Location: %s", err)
	}
}

func TestValidationErrorsWith200(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `{"saved":false,"name":"Could not add Organisation","message":"Could not add Organisation","url":"/admin/organisations/add","errors":{"name":["An organisation with this name already exists."]}}`)
	})
	_, err := newTestClient(t, server.URL).AddOrganisation(context.Background(), OrganisationInput{Name: "ORG TWO"})

	e := asError(t, err)
	if !errors.Is(err, ErrValidation) {
		t.Errorf("kind = %v, want ErrValidation", e.Kind)
	}
	if got := e.Fields["name"]; len(got) != 1 || got[0] != "An organisation with this name already exists." {
		t.Errorf("Fields[name] = %q", got)
	}
	if e.MaybeSaved() {
		t.Error("a rejected save is flagged MaybeSaved")
	}
}

func Test403ValidationAuthPermission(t *testing.T) {
	cases := []struct {
		name string
		body string
		want error
	}{
		{"validation", `{"saved":false,"name":"Could not add User","message":"Could not add User","url":"/admin/users/add","errors":{"email":"Mandatory field not set."}}`, ErrValidation},
		{"validation without fields", `{"saved":false,"name":"Could not delete Organisation","message":"Could not delete Organisation","url":"/admin/organisations/delete/6","errors":[],"id":"6"}`, ErrValidation},
		{"auth", authFailed, ErrAuth},
		{"disabled user", `{"name":"Authentication failed. Your user account has been disabled.","message":"Authentication failed. Your user account has been disabled.","url":"/users/view/me"}`, ErrAuth},
		{"permission", `{"name":"You do not have permission to use this functionality.","message":"You do not have permission to use this functionality.","url":"/servers"}`, ErrPermission},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				reply(w, 403, jsonType, tc.body)
			})
			_, err := newTestClient(t, server.URL).Me(context.Background())
			e := asError(t, err)
			if !errors.Is(err, tc.want) {
				t.Errorf("kind = %v, want %v", e.Kind, tc.want)
			}
			if e.Status != 403 {
				t.Errorf("status = %d", e.Status)
			}
			if e.Message == "" {
				t.Error("MISP's message is missing")
			}
		})
	}
}

func TestAuthErrorText(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 403, jsonType, authFailed)
	})
	_, err := newTestClient(t, server.URL).Me(context.Background())
	text := err.Error()
	for _, want := range []string{"MISP rejected the API key", "403", "Authentication failed", "GET /users/view/me", "check that the key"} {
		if !strings.Contains(text, want) {
			t.Errorf("error text lacks %q: %s", want, text)
		}
	}
}

func TestStatus405And404(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   error
	}{
		{405, `{"name":"This endpoint expects POST requests.","message":"This endpoint expects POST requests.","url":"/servers/delete/3"}`, ErrMethod},
		{404, `{"name":"Invalid server","message":"Invalid server","url":"/servers/delete/3"}`, ErrNotFound},
	}
	for _, tc := range cases {
		server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
			reply(w, tc.status, jsonType, tc.body)
		})
		err := newTestClient(t, server.URL).DeleteServer(context.Background(), 3)
		e := asError(t, err)
		if !errors.Is(err, tc.want) {
			t.Errorf("status %d: kind = %v, want %v", tc.status, e.Kind, tc.want)
		}
	}
}

func Test500AfterSaveOnServersAdd(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 500, jsonType, `{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"/servers/add"}`)
	})
	c := newTestClient(t, server.URL)
	_, err := c.AddServer(context.Background(), validServerInput())

	e := asError(t, err)
	if !errors.Is(err, ErrServer) {
		t.Errorf("kind = %v, want ErrServer", e.Kind)
	}
	if !e.MaybeSaved() {
		t.Error("500 on servers/add is not flagged MaybeSaved")
	}
	if rec.count() != 1 {
		t.Errorf("servers/add sent %d times, want once: a POST that may have saved must not be retried", rec.count())
	}
	if !strings.Contains(err.Error(), "list the records before retrying") {
		t.Errorf("error text lacks the re-list hint: %s", err)
	}
}

func Test500OnReadIsNotMaybeSaved(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 500, jsonType, `{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"/servers"}`)
	})
	_, err := newTestClient(t, server.URL).Servers(context.Background())
	e := asError(t, err)
	if e.MaybeSaved() {
		t.Error("500 on a read is flagged MaybeSaved")
	}
	if rec.count() != 1 {
		t.Errorf("500 retried: %d requests, want 1", rec.count())
	}
}

func TestProxy502HTML(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 502, "text/html", proxyPage)
	})
	c := newTestClient(t, server.URL, func(c *Config) { c.MaxRetries = 2 })

	_, err := c.Version(context.Background())
	e := asError(t, err)
	if !errors.Is(err, ErrNotJSON) || !errors.Is(err, ErrServer) {
		t.Errorf("kind = %v status %d, want ErrNotJSON that also matches ErrServer", e.Kind, e.Status)
	}
	if !strings.Contains(e.Message, "502 Bad Gateway") {
		t.Errorf("message %q lacks the page title", e.Message)
	}
	if rec.count() != 3 {
		t.Errorf("GET with 502 sent %d times, want 3 (retried twice)", rec.count())
	}

	_, _, err = c.AddUser(context.Background(), UserInput{Email: "sync@org-two.example", OrgID: 8, RoleID: 5})
	if e := asError(t, err); !e.MaybeSaved() {
		t.Error("502 page on users/add is not flagged MaybeSaved")
	}
	if rec.count() != 4 {
		t.Errorf("users/add with 502 was retried: %d requests in total, want 4", rec.count())
	}
}

func TestIDsAsNumbers(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `{"User":{"id":7,"org_id":8,"role_id":5,"email":"sync@org-two.example","disabled":false,"date_created":1796397347},
			"Role":{"id":5,"name":"Sync user","perm_sync":true,"perm_auth":true,"rate_limit_count":0,"permission":3},
			"UserSetting":[],"Organisation":{"id":8,"name":"ORG TWO","uuid":"5f6a0f9e-1b2c-4d3e-8f40-000000000a01","user_count":1}}`)
	})
	view, err := newTestClient(t, server.URL).User(context.Background(), 7)
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	if view.User.ID != 7 || view.User.OrgID != 8 || view.User.RoleID != 5 {
		t.Errorf("user ids = %d/%d/%d", view.User.ID, view.User.OrgID, view.User.RoleID)
	}
	if view.Role.ID != 5 || view.Role.Permission != 3 {
		t.Errorf("role id %d permission %d", view.Role.ID, view.Role.Permission)
	}
	if view.Organisation.UserCount != 1 || view.User.DateCreated != 1796397347 {
		t.Errorf("numbers: user_count %d date_created %d", view.Organisation.UserCount, view.User.DateCreated)
	}
}

func TestSlowServerTimeout(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := newTestClient(t, server.URL, func(c *Config) {
		c.Timeout = 100 * time.Millisecond
	})
	_, err := c.AddServer(context.Background(), validServerInput())

	e := asError(t, err)
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("kind = %v (%v), want ErrTimeout", e.Kind, err)
	}
	if !e.MaybeSaved() {
		t.Error("timeout on servers/add is not flagged MaybeSaved")
	}
	if rec.count() != 1 {
		t.Errorf("timed-out POST sent %d times", rec.count())
	}
	if !strings.Contains(err.Error(), "within 100ms") {
		t.Errorf("error text lacks the timeout: %s", err)
	}
}

func TestOversizedBody(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `[{"Role":{"id":"1","name":"`+strings.Repeat("x", 4096)+`"}}]`)
	})
	c := newTestClient(t, server.URL, func(c *Config) { c.MaxBodyBytes = 1024 })
	_, err := c.Roles(context.Background())
	e := asError(t, err)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("kind = %v, want ErrTooLarge", e.Kind)
	}
	if !strings.Contains(err.Error(), "1024 bytes") {
		t.Errorf("error text lacks the limit: %s", err)
	}
}

func TestConnectionRefusedIsNotMaybeSaved(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()

	c := newTestClient(t, "http://"+addr, func(c *Config) { c.MaxRetries = -1 })
	_, err = c.AddServer(context.Background(), validServerInput())
	e := asError(t, err)
	if !errors.Is(err, ErrNetwork) {
		t.Errorf("kind = %v, want ErrNetwork", e.Kind)
	}
	if e.MaybeSaved() {
		t.Error("a refused connection is flagged MaybeSaved, but nothing was sent")
	}
}

func TestDroppedConnectionMaybeSaved(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	_, _, err := newTestClient(t, server.URL).AddUser(context.Background(),
		UserInput{Email: "sync@org-two.example", OrgID: 8, RoleID: 5})
	e := asError(t, err)
	if !errors.Is(err, ErrNetwork) {
		t.Errorf("kind = %v, want ErrNetwork", e.Kind)
	}
	if !e.MaybeSaved() {
		t.Error("a connection dropped after the request is not flagged MaybeSaved")
	}
}

func TestRedirectAfterSaveOnServersAdd(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/servers/index")
		w.WriteHeader(http.StatusFound)
	})
	_, err := newTestClient(t, server.URL).AddServer(context.Background(), validServerInput())
	e := asError(t, err)
	if !errors.Is(err, ErrUnexpected) {
		t.Errorf("kind = %v, want ErrUnexpected", e.Kind)
	}
	if !e.MaybeSaved() || e.Location != "/servers/index" {
		t.Errorf("MaybeSaved = %v, Location = %q", e.MaybeSaved(), e.Location)
	}
}

func TestCanceledContext(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err := newTestClient(t, server.URL).Version(ctx)
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want ErrCanceled wrapping context.Canceled", err)
	}
}

func TestMissingWrapper(t *testing.T) {
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `{"id":"9","name":"ORG TWO"}`)
	})
	_, err := newTestClient(t, server.URL).Organisation(context.Background(), "9")
	e := asError(t, err)
	if !errors.Is(err, ErrUnexpected) {
		t.Errorf("kind = %v, want ErrUnexpected", e.Kind)
	}
	if !strings.Contains(e.Message, `"Organisation"`) {
		t.Errorf("message %q does not name the wrapper", e.Message)
	}
}

func TestRequestHeaders(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "CAKEPHP", Value: "session"})
		if r.Method == "GET" {
			reply(w, 200, jsonType, `{"version":"2.5.1"}`)
			return
		}
		reply(w, 200, jsonType, `{"Organisation":{"id":"9","name":"ORG TWO"}}`)
	})
	c := newTestClient(t, server.URL+"/")
	ctx := context.Background()
	if _, err := c.Version(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddOrganisation(ctx, OrganisationInput{Name: "ORG TWO"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Version(ctx); err != nil {
		t.Fatal(err)
	}

	for i, req := range rec.all() {
		if got := req.Header.Get("Accept"); got != "application/json" {
			t.Errorf("request %d: Accept = %q", i, got)
		}
		if got := req.Header.Get("Authorization"); got != testKey {
			t.Errorf("request %d: Authorization is not the bare key", i)
		}
		if got := req.Header.Get("User-Agent"); !strings.HasPrefix(got, "mispbump/") {
			t.Errorf("request %d: User-Agent = %q", i, got)
		}
		if got := req.Header.Get("Cookie"); got != "" {
			t.Errorf("request %d sent a cookie: %q", i, got)
		}
		hasBody := len(req.Body) > 0
		if got := req.Header.Get("Content-Type"); hasBody != (got == "application/json") {
			t.Errorf("request %d: Content-Type = %q with a body of %d bytes", i, got, len(req.Body))
		}
	}
}

func TestBasePathPrefix(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, jsonType, `[]`)
	})
	c := newTestClient(t, server.URL+"/misp/")
	if _, _, err := c.FindUserByEmail(context.Background(), "a+b@org-two.example"); err != nil {
		t.Fatal(err)
	}
	want := "/misp/admin/users/index/searchemail:a%2Bb@org-two.example"
	if got := rec.all()[0].Path; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

func TestProxyConfigUsed(t *testing.T) {
	proxy, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() || r.URL.Host != "misp.invalid" {
			reply(w, 400, "text/plain", "not a proxy request")
			return
		}
		reply(w, 200, jsonType, `{"version":"2.5.1"}`)
	})
	c := newTestClient(t, "http://misp.invalid", func(c *Config) {
		c.Proxy = func(*http.Request) (*url.URL, error) { return url.Parse(proxy.URL) }
	})
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatalf("Version through proxy: %v", err)
	}
	if rec.count() != 1 {
		t.Errorf("proxy saw %d requests", rec.count())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	cases := map[string]Config{
		"empty URL":      {Key: secret.New(testKey)},
		"ftp URL":        {URL: "ftp://misp.example", Key: secret.New(testKey)},
		"user in URL":    {URL: "https://admin:pw@misp.example", Key: secret.New(testKey)},
		"missing key":    {URL: "https://misp.example"},
		"bearer key":     {URL: "https://misp.example", Key: secret.New("Bearer " + testKey)},
		"short key":      {URL: "https://misp.example", Key: secret.New("short")},
		"short pin":      {URL: "https://misp.example", Key: secret.New(testKey), PinSHA256: []byte{1, 2}},
		"missing CAFile": {URL: "https://misp.example", Key: secret.New(testKey), CAFile: "/nonexistent/ca.pem"},
	}
	for name, cfg := range cases {
		_, err := New(cfg)
		if err == nil {
			t.Errorf("%s: New accepted the config", name)
			continue
		}
		if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "pw@") {
			t.Errorf("%s: error leaks a credential: %v", name, err)
		}
	}
}

func validServerInput() ServerInput {
	return ServerInput{
		Name: "MISP instance 2 (ORG TWO)", URL: "http://127.0.0.1:8082/",
		Key: secret.New("RedactedTestKey0013xxxxxxxxxxxxxxxxxxxxx"), RemoteOrgID: 8, Pull: true,
	}
}
