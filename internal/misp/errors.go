package misp

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Kind classifies a failed call so that callers can react without
// parsing messages. Every Kind is also an error value, so the exported
// Err* sentinels below work with errors.Is against an *Error.
type Kind int

// The kinds of failure. Their sentinels carry the same names with an Err
// prefix.
const (
	KindUnexpected Kind = iota + 1
	KindAuth
	KindPermission
	KindValidation
	KindNotFound
	KindMethod
	KindRateLimited
	KindServer
	KindNotJSON
	KindTLS
	KindTLSUnknownAuthority
	KindTLSHostname
	KindTLSExpired
	KindTLSPinMismatch
	KindNetwork
	KindTimeout
	KindCanceled
	KindTooLarge
)

var kindNames = map[Kind]string{
	KindUnexpected:          "unexpected response",
	KindAuth:                "authentication failed",
	KindPermission:          "permission denied",
	KindValidation:          "validation failed",
	KindNotFound:            "not found",
	KindMethod:              "method not allowed",
	KindRateLimited:         "rate limited",
	KindServer:              "server error",
	KindNotJSON:             "response is not JSON",
	KindTLS:                 "TLS failure",
	KindTLSUnknownAuthority: "TLS certificate signed by unknown authority",
	KindTLSHostname:         "TLS certificate not valid for host name",
	KindTLSExpired:          "TLS certificate expired or not yet valid",
	KindTLSPinMismatch:      "TLS certificate does not match pinned fingerprint",
	KindNetwork:             "network failure",
	KindTimeout:             "timeout",
	KindCanceled:            "canceled",
	KindTooLarge:            "response too large",
}

// Error returns the kind's name, so a Kind can serve as a sentinel error.
func (k Kind) Error() string {
	if name, ok := kindNames[k]; ok {
		return "misp: " + name
	}
	return fmt.Sprintf("misp: kind %d", int(k))
}

// Sentinels for errors.Is. An *Error matches the sentinel of its Kind.
// In addition, every response with an HTTP status of 500 or more matches
// ErrServer, and every TLS kind matches ErrTLS.
var (
	// ErrUnexpected: a response of a shape or status the client does not
	// know, or a redirect somewhere other than the login page.
	ErrUnexpected error = KindUnexpected
	// ErrAuth: MISP rejected the API key, or redirected to /users/login.
	ErrAuth error = KindAuth
	// ErrPermission: the key is valid but its role may not do this.
	ErrPermission error = KindPermission
	// ErrValidation: MISP rejected the input; see Error.Fields.
	ErrValidation error = KindValidation
	// ErrNotFound: no record with that id, uuid or name (HTTP 404).
	ErrNotFound error = KindNotFound
	// ErrMethod: HTTP 405. MISP also uses it for some invalid input,
	// such as an unknown role id or a missing remote_org_id.
	ErrMethod error = KindMethod
	// ErrRateLimited: HTTP 429 after the bounded retries.
	ErrRateLimited error = KindRateLimited
	// ErrServer: HTTP 5xx.
	ErrServer error = KindServer
	// ErrNotJSON: the body is not JSON, such as a login page or a
	// proxy's error page.
	ErrNotJSON error = KindNotJSON
	// ErrTLS: any TLS failure, including the specific kinds below.
	ErrTLS error = KindTLS
	// ErrTLSUnknownAuthority: the certificate chain ends at a CA that is
	// neither in the system roots nor in Config.CAFile.
	ErrTLSUnknownAuthority error = KindTLSUnknownAuthority
	// ErrTLSHostname: the certificate does not name the URL's host.
	ErrTLSHostname error = KindTLSHostname
	// ErrTLSExpired: the certificate is expired or not yet valid.
	ErrTLSExpired error = KindTLSExpired
	// ErrTLSPinMismatch: the leaf certificate's SHA-256 fingerprint
	// differs from Config.PinSHA256.
	ErrTLSPinMismatch error = KindTLSPinMismatch
	// ErrNetwork: no HTTP response, for example connection refused,
	// DNS failure or a connection reset.
	ErrNetwork error = KindNetwork
	// ErrTimeout: no complete response within Config.Timeout or the
	// context's deadline.
	ErrTimeout error = KindTimeout
	// ErrCanceled: the caller's context was canceled.
	ErrCanceled error = KindCanceled
	// ErrTooLarge: the body exceeds Config.MaxBodyBytes.
	ErrTooLarge error = KindTooLarge
)

// Error describes a failed MISP call. Its text names what failed, the
// request (method and path, never the query string or the key), MISP's
// own message and what to do next.
type Error struct {
	Kind   Kind
	Status int    // HTTP status, 0 when no response arrived
	Method string // HTTP method of the request
	Path   string // API path relative to the base URL, without a query

	// Message is MISP's message ("name"/"message" in its JSON), or a short
	// excerpt such as the HTML title when the body is not JSON. Anything
	// that looks like an API key is replaced by "[redacted]".
	Message string

	// Fields holds validation messages by field name. Messages that name
	// no field are listed under the empty key.
	Fields map[string][]string

	Location   string        // Location header of a redirect
	RetryAfter time.Duration // Retry-After of a 429, when sent
	Attempts   int           // requests sent, retries included

	// Hint tells the reader what to do next. It is part of the error text.
	Hint string

	// Err is the underlying cause, such as a *x509.UnknownAuthorityError
	// or a net.Error, for errors.As.
	Err error

	maybeSaved bool
}

// MaybeSaved reports whether MISP may have stored the record although a
// call that creates or edits a record failed. That is the case after a
// 5xx, a timeout, a lost connection, a success body that is too large or
// of an unknown shape, or a redirect other than to the login page. The
// caller must list the records before it retries, because MISP does not
// reject duplicate server entries.
func (e *Error) MaybeSaved() bool {
	return e.maybeSaved
}

// Error formats the failure, the request, MISP's message, field messages
// and the hint.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.summary())
	if e.Method != "" {
		fmt.Fprintf(&b, " on %s %s", e.Method, e.Path)
	}

	fields := formatFields(e.Fields)
	if fields != "" {
		b.WriteString(": ")
		b.WriteString(fields)
	}
	if e.Err != nil && e.Kind != KindTimeout && e.Kind != KindCanceled {
		b.WriteString(": ")
		b.WriteString(causeText(e.Err))
	}
	if e.maybeSaved {
		b.WriteString(" (MISP may have saved the record anyway)")
	}
	if e.Hint != "" {
		b.WriteString(": ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// summary is the first part of the text: what failed, with the status,
// MISP's message and the redirect target in brackets.
func (e *Error) summary() string {
	what, ok := kindSummaries[e.Kind]
	switch {
	case !ok:
		what = "MISP request failed"
	case e.Kind == KindAuth && e.Location != "":
		what = "MISP redirected the API call to its login page"
	case e.Location != "":
		what = "MISP redirected the API call"
	}

	var detail []string
	if e.Status != 0 {
		detail = append(detail, fmt.Sprint(e.Status))
	}
	if e.Message != "" {
		detail = append(detail, e.Message)
	}
	if e.Location != "" {
		detail = append(detail, "redirect to "+e.Location)
	}
	if e.Attempts > 1 {
		detail = append(detail, fmt.Sprintf("after %d attempts", e.Attempts))
	}
	if len(detail) == 0 {
		return what
	}
	return what + " (" + strings.Join(detail, ", ") + ")"
}

var kindSummaries = map[Kind]string{
	KindUnexpected:          "unexpected response from MISP",
	KindAuth:                "MISP rejected the API key",
	KindPermission:          "MISP denied the request",
	KindValidation:          "MISP rejected the input",
	KindNotFound:            "MISP found no such record",
	KindMethod:              "MISP refused the request method or input",
	KindRateLimited:         "MISP rate limit reached",
	KindServer:              "MISP failed with an internal error",
	KindNotJSON:             "MISP responded with a page that is not JSON",
	KindTLS:                 "TLS connection to MISP failed",
	KindTLSUnknownAuthority: "MISP's TLS certificate is signed by an unknown authority",
	KindTLSHostname:         "MISP's TLS certificate is not valid for this host name",
	KindTLSExpired:          "MISP's TLS certificate has expired or is not yet valid",
	KindTLSPinMismatch:      "MISP's TLS certificate does not match the pinned fingerprint",
	KindNetwork:             "cannot reach MISP",
	KindTimeout:             "MISP did not respond in time",
	KindCanceled:            "request to MISP canceled",
	KindTooLarge:            "MISP's response is too large",
}

// causeText is the cause's text without the URL that *url.Error adds,
// since the method and path are already in the message.
func causeText(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err.Error()
	}
	return err.Error()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error {
	return e.Err
}

// Is matches the sentinel of the error's Kind, ErrServer for any status of
// 500 or more, and ErrTLS for every TLS kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	if !ok {
		return false
	}
	switch {
	case k == e.Kind:
		return true
	case k == KindServer:
		return e.Status >= 500
	case k == KindTLS:
		return e.Kind.isTLS()
	}
	return false
}

func (k Kind) isTLS() bool {
	switch k {
	case KindTLS, KindTLSUnknownAuthority, KindTLSHostname, KindTLSExpired, KindTLSPinMismatch:
		return true
	}
	return false
}

// formatFields renders field messages in a stable order:
// `email: "An account with this email address already exists."`.
func formatFields(fields map[string][]string) string {
	if len(fields) == 0 {
		return ""
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)

	var parts []string
	for _, name := range names {
		msgs := strings.Join(fields[name], "; ")
		if name == "" {
			parts = append(parts, msgs)
			continue
		}
		parts = append(parts, name+": "+msgs)
	}
	return strings.Join(parts, ", ")
}
