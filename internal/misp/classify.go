package misp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// statusError classifies a complete response. It returns nil for a 2xx
// JSON body that does not report a failed save.
func (c *Client) statusError(cl call, resp *response) *Error {
	status := resp.status
	if status >= 300 && status < 400 {
		return c.redirectError(cl, resp)
	}

	success := status >= 200 && status < 300
	if cl.method == "HEAD" {
		if success {
			return nil
		}
		e := c.newError(cl, kindForStatus(status, false, ""), status)
		e.Hint = defaultHint(e.Kind)
		return e
	}

	body := bytes.TrimSpace(resp.body)
	if !json.Valid(body) {
		return c.notJSONError(cl, resp)
	}

	var failure struct {
		Name    string          `json:"name"`
		Message string          `json:"message"`
		Saved   *bool           `json:"saved"`
		Errors  json.RawMessage `json:"errors"`
	}
	isObject := len(body) > 0 && body[0] == '{'
	if isObject {
		// A body of another shape simply leaves the fields empty.
		_ = json.Unmarshal(body, &failure)
	}
	fields := normaliseFields(failure.Errors)
	failedSave := (failure.Saved != nil && !*failure.Saved) || len(fields) > 0
	if success && !failedSave {
		return nil
	}

	message := failure.Message
	if message == "" {
		message = failure.Name
	}
	message = redactKeys(message)

	kind := kindForStatus(status, failedSave, message)
	if success {
		kind = KindValidation
	}
	e := c.newError(cl, kind, status)
	e.Message = message
	e.Fields = fields
	e.maybeSaved = cl.saves && status >= 500
	if kind == KindRateLimited {
		e.RetryAfter, _ = retryAfter(resp.header, time.Now())
	}
	e.Hint = defaultHint(kind)
	if e.maybeSaved {
		e.Hint = "list the records before retrying; MISP's error log (app/tmp/logs/error.log) has the cause"
	}
	return e
}

// kindForStatus maps an HTTP error status to a Kind. MISP responds to both
// a rejected key and a validation failure with 403, so a validation
// failure is recognised by its "saved": false or "errors" member.
func kindForStatus(status int, failedSave bool, message string) Kind {
	switch {
	case status == 401:
		return KindAuth
	case status == 403 && failedSave:
		return KindValidation
	case status == 403 && isAuthMessage(message):
		return KindAuth
	case status == 403:
		return KindPermission
	case status == 404:
		return KindNotFound
	case status == 405:
		return KindMethod
	case status == 429:
		return KindRateLimited
	case status >= 500:
		return KindServer
	case failedSave:
		return KindValidation
	}
	return KindUnexpected
}

// isAuthMessage recognises MISP's messages for a rejected key: wrong,
// expired or malformed keys, disabled users, and keys limited to other IP
// addresses.
func isAuthMessage(message string) bool {
	lower := strings.ToLower(message)
	return strings.Contains(lower, "authentication failed") ||
		strings.Contains(lower, "auth key from your ip")
}

// redirectError reports a 3xx. A redirect to /users/login means MISP did
// not treat the request as an API call or did not accept the key. Any
// other redirect is unexpected: servers/add redirects this way when it
// rejects a certificate after saving the entry.
func (c *Client) redirectError(cl call, resp *response) *Error {
	location := resp.header.Get("Location")
	if u, err := url.Parse(location); err == nil {
		u.RawQuery, u.Fragment = "", ""
		location = u.String()
	}
	if strings.HasSuffix(strings.TrimSuffix(location, "/"), "/users/login") {
		e := c.newError(cl, KindAuth, resp.status)
		e.Location = location
		e.Hint = "MISP treated the call as a browser request: check that the URL is MISP's base URL " +
			"and that no proxy drops the Accept or Authorization header"
		return e
	}
	e := c.newError(cl, KindUnexpected, resp.status)
	e.Location = location
	e.maybeSaved = cl.saves
	e.Hint = "MISP redirects instead of responding when it rejects some input after saving, " +
		"such as an invalid certificate on servers/add; list the records and check them"
	return e
}

// notJSONError reports a body that is not JSON, with a short excerpt.
func (c *Client) notJSONError(cl call, resp *response) *Error {
	e := c.newError(cl, KindNotJSON, resp.status)
	contentType := resp.header.Get("Content-Type")
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	excerpt := pageExcerpt(resp.body)
	switch {
	case len(bytes.TrimSpace(resp.body)) == 0:
		e.Message = "empty body"
	case excerpt == "":
		e.Message = contentType
	default:
		e.Message = fmt.Sprintf("%s %q", contentType, excerpt)
	}
	// A 2xx page comes from a login portal or similar in front of MISP,
	// which did not pass the request on. A 5xx page may follow a save.
	e.maybeSaved = cl.saves && resp.status >= 500
	e.Hint = defaultHint(KindNotJSON)
	return e
}

// transportError reports a request that got no complete response.
func (c *Client) transportError(ctx context.Context, cl call, resp *response, err error, attempts int) *Error {
	status := 0
	if resp != nil {
		status = resp.status
	}
	if errors.Is(err, errTooLarge) {
		e := c.newError(cl, KindTooLarge, status)
		e.Message = fmt.Sprintf("more than %d bytes", c.maxBody)
		e.Attempts = attempts
		e.maybeSaved = cl.saves && status < 300
		e.Hint = defaultHint(KindTooLarge)
		return e
	}

	kind := transportKind(ctx, err)
	e := c.newError(cl, kind, status)
	e.Err = err
	e.Attempts = attempts
	if kind == KindTimeout {
		e.Message = fmt.Sprintf("no complete response within %s", c.timeout)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= 0 {
			e.Message = "no complete response before the caller's deadline"
		}
	}
	e.maybeSaved = cl.saves && mayHaveReachedServer(kind, err)
	e.Hint = defaultHint(kind)
	return e
}

// transportKind classifies an error from http.Client.Do or a body read.
func transportKind(ctx context.Context, err error) Kind {
	var (
		pin       *PinMismatchError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		netErr    net.Error
	)
	switch {
	case errors.As(err, &pin):
		return KindTLSPinMismatch
	case errors.As(err, &authority):
		return KindTLSUnknownAuthority
	case errors.As(err, &hostname):
		return KindTLSHostname
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return KindTLSExpired
	case errors.As(err, &invalid), errors.As(err, &verify), errors.As(err, &record), errors.As(err, &alert):
		return KindTLS
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http replaces the tls.RecordHeaderError with this text.
		return KindTLS
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	}
	return KindNetwork
}

// mayHaveReachedServer reports whether the request may have arrived.
// Dial, DNS, proxy-connect and TLS failures happen before any byte of the
// request is sent; anything later may follow a save.
func mayHaveReachedServer(kind Kind, err error) bool {
	if kind.isTLS() {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return false
	}
	return true
}

// defaultHint returns what to do next for each kind.
func defaultHint(kind Kind) string {
	switch kind {
	case KindAuth:
		return "check that the key is complete and belongs to an enabled, API-enabled user, " +
			"and that it has not expired or been limited to other IP addresses"
	case KindPermission:
		return "this step needs a site admin key"
	case KindValidation:
		return "correct the values MISP names and try again"
	case KindNotFound:
		return "check the id or UUID, and that the URL points at the right MISP"
	case KindMethod:
		return "MISP responds with 405 to a wrong HTTP method and to some invalid values, such as an unknown role id"
	case KindRateLimited:
		return "wait a minute, or lift the rate limit of the key's role in MISP"
	case KindServer:
		return "MISP's error log (app/tmp/logs/error.log) has the cause"
	case KindNotJSON:
		return "check that the URL is MISP's base URL and not a login portal, proxy or other site"
	case KindTLS:
		return "check that the URL's scheme and port are right: the server may not speak TLS there"
	case KindTLSUnknownAuthority:
		return "give the CA certificate as a CA file, or pin the server certificate's SHA-256 fingerprint"
	case KindTLSHostname:
		return "use the host name the certificate was issued for, or pin the certificate"
	case KindTLSExpired:
		return "renew the server certificate, or correct this computer's clock"
	case KindTLSPinMismatch:
		return "the server presents another certificate than the pinned one: " +
			"if it was renewed, confirm the new fingerprint with the MISP admin and pin it"
	case KindNetwork:
		return "check the URL, the network, and the HTTPS_PROXY and NO_PROXY settings"
	case KindTimeout:
		return "MISP or the network is slow or unreachable: try again, or raise the timeout"
	case KindTooLarge:
		return "raise the response size limit if this MISP really returns that much"
	}
	return ""
}
