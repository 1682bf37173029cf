package misp

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func Test429ThenSuccess(t *testing.T) {
	var seen atomic.Int32
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= 2 {
			reply(w, 429, jsonType, `{"name":"Rate limit exceeded.","message":"Rate limit exceeded.","url":"/admin/organisations/add"}`)
			return
		}
		reply(w, 200, jsonType, `{"Organisation":{"id":"9","name":"ORG TWO","uuid":"5f6a0f9e-1b2c-4d3e-8f40-000000000a01","local":false}}`)
	})
	org, err := newTestClient(t, server.URL).AddOrganisation(context.Background(),
		OrganisationInput{Name: "ORG TWO", UUID: "5F6A0F9E-1B2C-4D3E-8F40-000000000A01"})
	if err != nil {
		t.Fatalf("AddOrganisation after 429s: %v", err)
	}
	if org.ID != 9 {
		t.Errorf("id = %d", org.ID)
	}
	if n := rec.count(); n != 3 {
		t.Errorf("server saw %d requests, want 2 rejected and 1 accepted", n)
	}
	if !strings.Contains(string(rec.all()[2].Body), `"uuid":"5f6a0f9e-1b2c-4d3e-8f40-000000000a01"`) {
		t.Errorf("uuid not lower-cased in body %s", rec.all()[2].Body)
	}
}

func Test429RetryLimit(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 429, jsonType, `{"name":"Rate limit exceeded.","message":"Rate limit exceeded.","url":"/roles"}`)
	})
	_, err := newTestClient(t, server.URL, func(c *Config) { c.MaxRetries = 2 }).Roles(context.Background())
	e := asError(t, err)
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("kind = %v, want ErrRateLimited", e.Kind)
	}
	if rec.count() != 3 || e.Attempts != 3 {
		t.Errorf("requests = %d, attempts = %d, want 3", rec.count(), e.Attempts)
	}
}

func TestRetryAfterBeyondLimit(t *testing.T) {
	server, rec := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		reply(w, 429, jsonType, `{"name":"Rate limit exceeded.","message":"Rate limit exceeded.","url":"/roles"}`)
	})
	_, err := newTestClient(t, server.URL).Roles(context.Background())
	e := asError(t, err)
	if rec.count() != 1 {
		t.Errorf("requests = %d, want 1 because Retry-After exceeds MaxRetryWait", rec.count())
	}
	if e.RetryAfter != time.Hour {
		t.Errorf("RetryAfter = %v", e.RetryAfter)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var first time.Time
	var second time.Time
	server, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if first.IsZero() {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			reply(w, 429, jsonType, `{"name":"Rate limit exceeded.","message":"Rate limit exceeded.","url":"/roles"}`)
			return
		}
		second = time.Now()
		reply(w, 200, jsonType, `[]`)
	})
	if _, err := newTestClient(t, server.URL).Roles(context.Background()); err != nil {
		t.Fatalf("Roles: %v", err)
	}
	if gap := second.Sub(first); gap < time.Second {
		t.Errorf("retry came %v after the 429, before Retry-After's 1s", gap)
	}
}

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"7":                             7 * time.Second,
		"Fri, 04 Dec 2026 15:00:30 GMT": 30 * time.Second,
		"Fri, 04 Dec 2026 14:00:00 GMT": 0,
	}
	for value, want := range cases {
		header := http.Header{"Retry-After": {value}}
		got, ok := retryAfter(header, now)
		if !ok || got != want {
			t.Errorf("Retry-After %q = %v, %v; want %v", value, got, ok, want)
		}
	}
	if _, ok := retryAfter(http.Header{"Retry-After": {"soon"}}, now); ok {
		t.Error("Retry-After \"soon\" accepted")
	}
}
