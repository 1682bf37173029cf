package mispsim

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// maxRemoteBody bounds what the simulator reads from a partner.
const maxRemoteBody = 1 << 20

// postTestPayload is the text MISP posts to a partner's /servers/postTest
// and expects back unchanged; MISP's own payload is about 6 KB as well.
var postTestPayload = strings.Repeat(
	"mispsim connection test payload: the quick brown fox jumps over the lazy dog. ", 80)

var versionPattern = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`)

// syncTarget is the part of a server entry that a connection test needs,
// copied out under the lock.
type syncTarget struct {
	id         int
	url        string
	key        string
	selfSigned bool
	skipProxy  bool
	// certFileNull is true when cert_file is NULL, the only case in which
	// MISP's self_signed turns off peer verification.
	certFileNull bool
	caPEM        []byte
	clientPEM    []byte
}

// targetFor copies a server entry and its certificates. Callers hold s.mu.
func (s *Sim) targetFor(srv *server) (syncTarget, error) {
	t := syncTarget{id: srv.ID, url: srv.URL, key: srv.AuthKey, selfSigned: srv.SelfSigned,
		skipProxy: srv.SkipProxy, certFileNull: srv.CertFile == nil}
	var err error
	if srv.CertFile != nil && *srv.CertFile != "" {
		if t.caPEM, err = s.readCertFile(*srv.CertFile); err != nil {
			return t, fmt.Errorf("read certificate of server %d: %w", srv.ID, err)
		}
	}
	if srv.ClientCertFile != nil && *srv.ClientCertFile != "" {
		if t.clientPEM, err = s.readCertFile(*srv.ClientCertFile); err != nil {
			return t, fmt.Errorf("read client certificate of server %d: %w", srv.ID, err)
		}
	}
	return t, nil
}

// syncClient builds the HTTP client MISP's sync code would use for t: the
// uploaded certificate as the only CA when there is one, self_signed
// handled as MISP does, no redirects followed.
func (s *Sim) syncClient(t syncTarget) *http.Client {
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.caPEM != nil {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(t.caPEM)
		config.RootCAs = pool
	}
	if t.clientPEM != nil {
		if pair, err := tls.X509KeyPair(t.clientPEM, t.clientPEM); err == nil {
			config.Certificates = []tls.Certificate{pair}
		}
	}
	if t.selfSigned {
		// MISP's self_signed turns off the host-name check, and the whole
		// peer check when no certificate was uploaded. The entry's owner
		// asked for it explicitly; the simulator logs it every time.
		s.log.Warn("server entry has self_signed set: TLS host-name check is off",
			"server", t.id, "peer_check", !t.certFileNull)
		config.InsecureSkipVerify = true
		if !t.certFileNull {
			roots := config.RootCAs
			config.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
				return verifyChainWithoutHost(raw, roots)
			}
		}
	}
	transport := &http.Transport{
		TLSClientConfig:     config,
		Proxy:               http.ProxyFromEnvironment,
		TLSHandshakeTimeout: s.opts.ConnectionTimeout,
		DisableKeepAlives:   true,
	}
	if t.skipProxy {
		transport.Proxy = nil
	}
	return &http.Client{
		Transport: transport,
		Timeout:   s.opts.ConnectionTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func verifyChainWithoutHost(raw [][]byte, roots *x509.CertPool) error {
	if len(raw) == 0 {
		return errors.New("partner sent no certificate")
	}
	certs := make([]*x509.Certificate, 0, len(raw))
	for _, der := range raw {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("parse partner certificate: %w", err)
		}
		certs = append(certs, cert)
	}
	intermediates := x509.NewCertPool()
	for _, cert := range certs[1:] {
		intermediates.AddCert(cert)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates})
	return err
}

// remoteCall sends one sync request with MISP's headers and reads the
// response. The key goes in the Authorization header only.
func remoteCall(ctx context.Context, client *http.Client, method, url, key string,
	body any) (int, []byte, error) {
	status, raw, _, err := remoteCallHeader(ctx, client, method, url, key, body)
	return status, raw, err
}

// remoteCallHeader is remoteCall that also returns the response headers.
func remoteCallHeader(ctx context.Context, client *http.Client, method, url, key string,
	body any) (int, []byte, http.Header, error) {
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "MISP "+Version+" - mispsim")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxRemoteBody))
	return resp.StatusCode, raw, resp.Header, err
}

// testConnection runs MISP's connection test against a server entry: the
// partner's /servers/getVersion with the stored key, then the POST test.
// The HTTP status is always 200; the body's status field carries the
// result.
func (s *Sim) testConnection(c *call) {
	s.mu.Lock()
	srv := s.serverByParam(c)
	if srv == nil {
		s.mu.Unlock()
		return
	}
	target, err := s.targetFor(srv)
	s.mu.Unlock()
	if err != nil {
		s.log.Error("connection test", "server", target.id, "err", err)
		c.internalError()
		return
	}
	c.ok(s.runConnectionTest(c.r.Context(), target))
}

func (s *Sim) runConnectionTest(ctx context.Context, t syncTarget) object {
	client := s.syncClient(t)
	status, raw, err := remoteCall(ctx, client, http.MethodGet, t.url+"/servers/getVersion", t.key, nil)
	plain := func(code int) object {
		return object{{"status", code}, {"client_certificate", nil}}
	}

	switch {
	case err != nil:
		s.log.Warn("connection test failed", "server", t.id, "url", t.url, "err", err)
		return plain(2)
	case status == http.StatusForbidden:
		return plain(4)
	case status != http.StatusOK:
		s.log.Warn("connection test got unexpected status", "server", t.id, "status", status)
		return plain(3)
	}
	var info struct {
		Version         string          `json:"version"`
		PermSync        bool            `json:"perm_sync"`
		PermSighting    bool            `json:"perm_sighting"`
		UUID            *string         `json:"uuid"`
		RequestEncoding json.RawMessage `json:"request_encoding"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		s.log.Warn("connection test got no JSON", "server", t.id, "err", err)
		return plain(3)
	}
	if info.Version == "" {
		return plain(2)
	}
	remote := versionPattern.FindStringSubmatch(info.Version)
	if remote == nil {
		return plain(3)
	}

	post := s.runPostTest(ctx, client, t)
	if !info.PermSync {
		return notSyncUserResult(info.PermSighting, raw, post)
	}

	mismatch, newer := compareVersions(remote[1:])
	uuid := "?"
	if info.UUID != nil {
		uuid = *info.UUID
	}
	var requestEncoding any = json.RawMessage(info.RequestEncoding)
	if len(info.RequestEncoding) == 0 {
		requestEncoding = nil
	}
	return object{
		{"status", 1}, {"local_version", Version}, {"version", info.Version},
		{"mismatch", mismatch}, {"newer", newer}, {"post", post},
		{"response_encoding", nil}, {"request_encoding", requestEncoding},
		{"client_certificate", nil}, {"uuid", uuid},
	}
}

// notSyncUserResult is MISP's raw result for a partner key without
// perm_sync: status 8 when it can still push sightings, else 7, with the
// partner's getVersion output and the POST test as an object.
func notSyncUserResult(permSighting bool, info json.RawMessage, post int) object {
	code := 7
	if permSighting {
		code = 8
	}
	return object{{"status", code}, {"info", info}, {"client_certificate", nil},
		{"post", object{{"status", post}, {"content-encoding", nil}}}}
}

// compareVersions compares the partner's major, minor and hotfix numbers
// with the simulator's, as MISP's testConnection does. Equal versions
// below hotfix 111 report "proposal", a MISP 2.5.x quirk.
func compareVersions(remote []string) (mismatch, newer any) {
	local := versionPattern.FindStringSubmatch(Version)[1:]
	names := []string{"major", "minor", "hotfix"}
	mismatch, newer = false, false
	for i, name := range names {
		r, _ := strconv.Atoi(remote[i])
		l, _ := strconv.Atoi(local[i])
		if r > l {
			return name, "remote"
		}
		if r < l {
			return name, "local"
		}
	}
	if hotfix, _ := strconv.Atoi(remote[2]); hotfix < 111 {
		mismatch = "proposal"
	}
	return mismatch, newer
}

// runPostTest posts the test payload to the partner's /servers/postTest
// and returns MISP's code: 1 OK, 8 no valid response, 9 body changed on the
// way, 10 Accept or Content-Type changed on the way.
func (s *Sim) runPostTest(ctx context.Context, client *http.Client, t syncTarget) int {
	status, raw, err := remoteCall(ctx, client, http.MethodPost, t.url+"/servers/postTest", t.key,
		map[string]string{"testString": postTestPayload})
	if err != nil || status != http.StatusOK {
		s.log.Warn("POST test failed", "server", t.id, "status", status, "err", err)
		return 8
	}
	var echo struct {
		Body struct {
			TestString string `json:"testString"`
		} `json:"body"`
		Headers map[string]any `json:"headers"`
	}
	if err := json.Unmarshal(raw, &echo); err != nil {
		return 8
	}
	if echo.Body.TestString != postTestPayload {
		return 9
	}
	if echo.Headers["Accept"] != "application/json" || echo.Headers["Content-type"] != "application/json" {
		return 10
	}
	return 1
}

// postTest echoes the body and the Accept and Content-Type headers, so the
// calling MISP can see whether a proxy changed them.
func (s *Sim) postTest(c *call) {
	if c.r.Method != http.MethodPost {
		c.methodNotAllowed("Invalid request, expecting a POST request.")
		return
	}
	header := func(name string) any {
		if v := c.r.Header.Get(name); v != "" {
			return v
		}
		return 0
	}
	c.ok(object{
		{"body", map[string]any(c.body)},
		{"headers", object{{"Content-type", header("Content-Type")}, {"Accept", header("Accept")}}},
	})
}

// getRemoteUser looks up, through the partner's /users/view/me.json, which
// user the stored key belongs to.
func (s *Sim) getRemoteUser(c *call) {
	s.mu.Lock()
	srv := s.serverByParam(c)
	if srv == nil {
		s.mu.Unlock()
		return
	}
	target, err := s.targetFor(srv)
	s.mu.Unlock()
	if err != nil {
		s.log.Error("get remote user", "server", target.id, "err", err)
		c.internalError()
		return
	}

	status, raw, header, err := remoteCallHeader(c.r.Context(), s.syncClient(target), http.MethodGet,
		target.url+"/users/view/me.json", target.key, nil)
	switch {
	case err != nil:
		c.ok(object{{"error", err.Error()}})
		return
	case status != http.StatusOK:
		c.ok(object{{"error", status}})
		return
	}

	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"User"`
		Role struct {
			Name     string `json:"name"`
			PermSync bool   `json:"perm_sync"`
		} `json:"Role"`
	}
	if err := json.Unmarshal(raw, &me); err != nil {
		c.ok(object{{"error", "invalid JSON from the remote server"}})
		return
	}
	syncFlag := "No"
	if me.Role.PermSync {
		syncFlag = "Yes"
	}
	out := object{{"User", me.User.Email}, {"Role name", me.Role.Name}, {"Sync flag", syncFlag}}
	// NOTE: MISP adds this member only for a key with an expiry. Its
	// exact text is read from MISP's source, not from a recording.
	if expiration := header.Get("X-Auth-Key-Expiration"); expiration != "" {
		out = append(out, member{"Auth key expiration", expiration})
	}
	c.ok(out)
}
