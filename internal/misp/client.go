package misp

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
	"github.com/mispbump/mispbump/internal/version"
)

// Defaults for the zero values of Config.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 4 << 20
	DefaultMaxRetries   = 3
	DefaultRetryBackoff = 500 * time.Millisecond
	DefaultMaxRetryWait = 30 * time.Second
)

// Config configures a Client. The zero value of every field except URL
// and Key selects the default documented on the field.
type Config struct {
	// URL is the MISP base URL, http or https, optionally with a path
	// prefix when MISP runs below one (https://host/misp). One trailing
	// slash is removed.
	URL string

	// Key is the API key. It goes bare into the Authorization header
	// and nowhere else.
	Key secret.Key

	// CAFile names a PEM file of CA certificates that replaces the
	// system roots for this MISP. Empty means the system roots.
	CAFile string

	// PinSHA256 is the SHA-256 fingerprint (32 bytes) of the server's
	// leaf certificate. When set, that exact certificate is accepted
	// instead of checking the CA chain and the host name; its validity
	// dates are still checked. Empty means normal verification.
	PinSHA256 []byte

	// Timeout bounds each HTTP attempt, from connecting to the last byte
	// of the body. Zero means DefaultTimeout (30s).
	Timeout time.Duration

	// MaxBodyBytes limits the response body. Zero means
	// DefaultMaxBodyBytes (4 MiB); a larger body fails with ErrTooLarge.
	MaxBodyBytes int64

	// MaxRetries is how often a read (GET, HEAD) is retried after a 429,
	// a 502/503/504 or a network failure, and how often any request is
	// retried after a 429. Zero means DefaultMaxRetries (3); a negative
	// value turns retries off.
	MaxRetries int

	// RetryBackoff is the wait before the first retry, doubled for each
	// further one, when MISP sends no Retry-After. Zero means
	// DefaultRetryBackoff (500ms).
	RetryBackoff time.Duration

	// MaxRetryWait caps a single wait. A Retry-After longer than this ends
	// the retries at once with ErrRateLimited. Zero means
	// DefaultMaxRetryWait (30s).
	MaxRetryWait time.Duration

	// Logger receives debug lines (method, path, status, duration) and
	// retry notices. Nil discards them. Keys never reach it.
	Logger *slog.Logger

	// UserAgent overrides the User-Agent header. Empty means
	// version.UserAgent(), "mispbump/<version>".
	UserAgent string

	// Proxy selects the proxy for a request. Nil means
	// http.ProxyFromEnvironment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
	Proxy func(*http.Request) (*url.URL, error)
}

// Client calls one MISP's REST API with one key. It is safe for
// concurrent use.
type Client struct {
	base      *url.URL
	key       secret.Key
	http      *http.Client
	log       *slog.Logger
	userAgent string

	timeout      time.Duration
	maxBody      int64
	maxRetries   int
	retryBackoff time.Duration
	maxRetryWait time.Duration
}

// New checks cfg and builds a Client. It reads Config.CAFile at once, so
// a missing or malformed file fails here rather than on the first call.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := checkKeyForm(cfg.Key); err != nil {
		return nil, err
	}
	transport, err := newTransport(cfg)
	if err != nil {
		return nil, err
	}

	c := &Client{
		base:         base,
		key:          cfg.Key,
		log:          cfg.Logger,
		userAgent:    cfg.UserAgent,
		timeout:      orDefault(cfg.Timeout, DefaultTimeout),
		maxBody:      orDefault(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
		maxRetries:   cfg.MaxRetries,
		retryBackoff: orDefault(cfg.RetryBackoff, DefaultRetryBackoff),
		maxRetryWait: orDefault(cfg.MaxRetryWait, DefaultMaxRetryWait),
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.userAgent == "" {
		c.userAgent = version.UserAgent()
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}

	// No cookie jar: MISP can keep a session per cookie and then ignore
	// the key, so two clients with different keys must never share one.
	// No redirects: a 302 to /users/login is how MISP reports a request
	// it did not treat as an API call, and following it hides that.
	c.http = &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c, nil
}

// String describes the client by its base URL. It exists because fmt
// prints unexported fields by reflection, without calling the key's own
// redacting methods, so the default format would show the key.
func (c *Client) String() string {
	return "misp.Client{" + c.base.String() + "}"
}

// GoString is String for %#v.
func (c *Client) GoString() string {
	return c.String()
}

// BaseURL returns the base URL without a trailing slash.
func (c *Client) BaseURL() string {
	return c.base.String()
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// parseBaseURL accepts http and https URLs with a host and an optional
// path prefix, and strips one trailing slash.
func parseBaseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("MISP URL is empty: give the base URL, such as https://misp.example.org")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("MISP URL %s is invalid: %w", secret.Quote(raw), err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("MISP URL %s must start with https:// or http://", secret.Quote(raw))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("MISP URL %s has no host name", secret.Quote(raw))
	}
	if u.User != nil {
		// The Authorization header carries the MISP key, so there is no
		// room for HTTP basic credentials from the URL.
		return nil, fmt.Errorf("MISP URL %s must not contain a user name or password", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("MISP URL %s must not have a query or fragment", secret.Quote(raw))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// checkKeyForm rejects keys that MISP can never accept. MISP only tries
// values of exactly 40 letters and digits and responds to anything else
// with the same 403 as to a wrong key.
func checkKeyForm(key secret.Key) error {
	if key.IsZero() {
		return fmt.Errorf("MISP API key is missing: create one in MISP under My Profile > Auth keys")
	}
	clear := key.Reveal()
	if len(clear) != 40 || !isAlphanumeric(clear) {
		return fmt.Errorf("MISP API key has %d characters and must be exactly 40 letters and digits: "+
			"copy the whole key, without a \"Bearer\" prefix or spaces", len(clear))
	}
	return nil
}

func isAlphanumeric(s string) bool {
	for _, r := range s {
		isLetter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !isLetter && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
