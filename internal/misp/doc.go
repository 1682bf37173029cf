// Package misp is a typed client for the REST API of MISP 2.5 and late
// 2.4 releases, covering what mispbump needs to connect two MISPs for
// sync: identity and settings, roles, organisations, users, auth keys,
// server entries, the connection test, and MISP's own sync configuration
// format (servers/createSync and servers/import).
//
// # Requests
//
// Every request sends Accept: application/json, the bare API key in
// Authorization, a User-Agent naming mispbump, and with a body
// Content-Type: application/json. MISP treats a request without that
// Accept header as a browser request and redirects it to /users/login,
// even with a valid key. The client keeps no cookies, because a MISP
// session cookie can make MISP ignore the key, and follows no redirects,
// because a redirect is how MISP reports some failures. Proxies come
// from HTTPS_PROXY, HTTP_PROXY and NO_PROXY. Each attempt is bounded by
// Config.Timeout and each body by Config.MaxBodyBytes.
//
// Reads (GET, HEAD) are retried after a 429, a 502, 503 or 504, or a
// network failure. Other requests are retried only after a 429, because
// MISP's rate limit rejects a request before running it. Retries wait for
// Retry-After when MISP sends one, else for an exponential backoff, and
// stop after Config.MaxRetries. A POST that may have saved is never
// retried.
//
// Responses are decoded by shape: single records wrapped in their model
// name ({"Server":{…}}), lists as arrays of wrapped records, and ids as
// JSON strings or numbers (see ID). A body of another shape fails with
// ErrUnexpected rather than yielding zero values.
//
// # Errors
//
// Every call that fails after it was sent returns an *Error. Invalid
// arguments, such as an empty organisation name, fail before sending with
// a plain error. The Kind of an *Error names the failure and matches one
// sentinel with errors.Is: ErrAuth (key rejected, or a
// redirect to the login page), ErrPermission, ErrValidation (Fields
// holds MISP's messages by field, whatever shape MISP sent them in),
// ErrNotFound, ErrMethod, ErrRateLimited, ErrServer, ErrNotJSON (a login
// page or a proxy's error page; Message holds a short excerpt such as
// the HTML title), the TLS kinds, ErrNetwork, ErrTimeout, ErrCanceled,
// ErrTooLarge and ErrUnexpected. A response with status 500 or more also
// matches ErrServer, and every TLS kind also matches ErrTLS.
//
// MISP responds to both a rejected key and a validation failure with 403,
// so the client tells them apart by the "saved": false or "errors" member
// of a validation failure. It also reads a 200 response that carries
// "saved": false or errors as ErrValidation.
//
// Error.MaybeSaved is true when a call that creates or edits a record
// failed in a way that may follow the save: a 5xx, a timeout, a lost
// connection, a success body that is too large or of an unknown shape,
// or a redirect other than to
// the login page (servers/add saves the entry and then redirects when it
// rejects an uploaded certificate). The caller must list the records
// before it retries: MISP allows duplicate server entries, and each
// users/add makes a new key.
//
// The error text names what failed, the method and path, MISP's message
// and what to do next. It never contains the API key, a query string,
// or a response value that could be a key: MISP messages and page
// excerpts are passed through a filter that replaces any run of 40 or
// more letters and digits, the form of a MISP key, with "[redacted]".
//
// # TLS
//
// A Client verifies the server certificate in one of three modes:
//
//   - System roots (the default): the usual chain and host name checks.
//   - CA file (Config.CAFile): the same checks against the PEM
//     certificates in that file only, for a MISP with a private CA.
//   - Pin (Config.PinSHA256): for a self-signed MISP, the leaf
//     certificate must have exactly this SHA-256 fingerprint and be
//     within its validity dates; the chain and host name checks are
//     replaced by the pin.
//
// There is no mode that skips verification. ProbeTLS fetches a server's
// certificate and fingerprint so an admin can confirm and pin it, and
// reports whether it verifies against the system roots or a CA file.
//
// # Keys
//
// Keys travel as secret.Key and are revealed only into the
// Authorization header and into the bodies of servers/add, servers/edit
// and servers/import. Keys that MISP returns (users/add, auth_keys/add,
// servers/createSync) come back as secret.Key; record types such as User
// and Server never hold them.
package misp
