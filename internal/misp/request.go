package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// call describes one API operation.
type call struct {
	method string
	path   string // escaped API path below the base URL, starting with "/"
	body   any    // encoded as JSON; nil sends no body

	// read marks an idempotent read: it is retried after a 502, 503 or
	// 504 and after a network failure. Every call is retried after a 429,
	// because MISP's rate limit rejects a request before running it.
	read bool

	// saves marks a call that creates or edits a record, so that a
	// failure which may come after the save is flagged MaybeSaved.
	saves bool
}

// response is a complete HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errTooLarge marks a body that exceeded the limit.
var errTooLarge = errors.New("response body exceeds the size limit")

// send runs the call with retries and returns the successful response,
// or an *Error for a transport failure, a non-2xx status or a 2xx body
// that reports a failed save.
func (c *Client) send(ctx context.Context, cl call) (*response, error) {
	var payload []byte
	if cl.body != nil {
		var err error
		payload, err = json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("encode request body for %s %s: %w", cl.method, cl.path, err)
		}
	}

	for attempt := 1; ; attempt++ {
		resp, err := c.attempt(ctx, cl, payload)
		wait, reason, retry := c.retryWait(ctx, cl, resp, err, attempt)
		if !retry {
			return c.finish(ctx, cl, resp, err, attempt)
		}
		c.log.Info("retrying MISP request", "method", cl.method, "path", cl.path,
			"attempt", attempt, "reason", reason, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, c.transportError(ctx, cl, nil, err, attempt)
		}
	}
}

// attempt sends one HTTP request, bounded by the client's timeout from
// dialing to the end of the body.
func (c *Client) attempt(ctx context.Context, cl call, payload []byte) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.base.String()+cl.path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", c.key.Reveal())
	req.Header.Set("User-Agent", c.userAgent)

	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.log.Debug("MISP request failed", "method", cl.method, "path", cl.path,
			"duration", time.Since(start), "error", err)
		return nil, err
	}
	defer res.Body.Close()

	data, err := readLimited(res.Body, c.maxBody)
	resp := &response{status: res.StatusCode, header: res.Header, body: data}
	c.log.Debug("MISP request", "method", cl.method, "path", cl.path,
		"status", res.StatusCode, "bytes", len(data), "duration", time.Since(start))
	return resp, err
}

// readLimited reads at most limit bytes and fails with errTooLarge when
// the body is longer.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data[:limit], errTooLarge
	}
	return data, nil
}

// retryWait decides whether to send the call again, and after how long.
func (c *Client) retryWait(ctx context.Context, cl call, resp *response, err error, attempt int) (time.Duration, string, bool) {
	if attempt > c.maxRetries || ctx.Err() != nil {
		return 0, "", false
	}
	backoff := c.backoff(attempt)

	if resp == nil {
		if cl.read && transportKind(ctx, err) == KindNetwork {
			return backoff, "network failure", true
		}
		return 0, "", false
	}
	if err != nil {
		return 0, "", false
	}

	switch {
	case resp.status == http.StatusTooManyRequests:
		wait, ok := retryAfter(resp.header, time.Now())
		if !ok {
			return backoff, "429", true
		}
		if wait > c.maxRetryWait {
			return 0, "", false
		}
		return wait, "429", true
	case cl.read && (resp.status == http.StatusBadGateway ||
		resp.status == http.StatusServiceUnavailable ||
		resp.status == http.StatusGatewayTimeout):
		return backoff, strconv.Itoa(resp.status), true
	}
	return 0, "", false
}

// backoff doubles RetryBackoff per attempt, caps it at MaxRetryWait and
// adds up to a quarter of jitter so that parallel clients spread out.
func (c *Client) backoff(attempt int) time.Duration {
	wait := c.retryBackoff
	for i := 1; i < attempt && wait < c.maxRetryWait; i++ {
		wait *= 2
	}
	wait = min(wait, c.maxRetryWait)
	return wait + rand.N(wait/4+1)
}

// retryAfter reads Retry-After as seconds or as an HTTP date.
func retryAfter(header http.Header, now time.Time) (time.Duration, bool) {
	value := strings.TrimSpace(header.Get("Retry-After"))
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.Atoi(value); err == nil && seconds >= 0 {
		return time.Duration(seconds) * time.Second, true
	}
	if when, err := http.ParseTime(value); err == nil {
		return max(when.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// finish turns the last attempt into the result of send.
func (c *Client) finish(ctx context.Context, cl call, resp *response, err error, attempts int) (*response, error) {
	if resp == nil {
		return nil, c.transportError(ctx, cl, nil, err, attempts)
	}
	if err != nil {
		return nil, c.transportError(ctx, cl, resp, err, attempts)
	}
	if e := c.statusError(cl, resp); e != nil {
		e.Attempts = attempts
		return nil, e
	}
	return resp, nil
}

// newError starts an *Error for the call.
func (c *Client) newError(cl call, kind Kind, status int) *Error {
	return &Error{Kind: kind, Status: status, Method: cl.method, Path: cl.path}
}

// shapeError reports a success response whose JSON does not have the
// expected shape. The detail describes the shape, never values, because a
// value may be a key.
func (c *Client) shapeError(cl call, resp *response, format string, args ...any) *Error {
	e := c.newError(cl, KindUnexpected, resp.status)
	e.Message = fmt.Sprintf(format, args...)
	e.Hint = "this MISP version responds in a form the client does not know: report it with the MISP version"
	e.maybeSaved = cl.saves
	return e
}

// pathSegment escapes one path segment. A plus sign is escaped too,
// because PHP may decode it as a space.
func pathSegment(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}
