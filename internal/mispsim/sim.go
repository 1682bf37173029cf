package mispsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// Version is the MISP version the simulator reports.
const Version = "2.5.1"

// Options configure a simulator. The zero value is a working in-memory
// simulator with the host organisation "Example CERT".
type Options struct {
	// DataDir keeps state, the admin key (admin.key), uploaded certificates
	// and the TLS certificate across restarts. Empty keeps everything in
	// memory.
	DataDir string
	// OrgName is the host organisation's name on first start. Default
	// "Example CERT".
	OrgName string
	// OrgUUID is the host organisation's uuid on first start. Default a
	// random version 4 uuid.
	OrgUUID string
	// InstanceUUID is MISP.uuid on first start. Default a random version 4
	// uuid.
	InstanceUUID string
	// BaseURL sets MISP.baseurl. Default: the URL the simulator serves on.
	BaseURL string
	// TLS serves HTTPS with a self-signed certificate for 127.0.0.1, ::1
	// and localhost, kept in DataDir.
	TLS bool
	// SeedOrgs and SeedUsers add that many generated organisations and
	// users on first start, to measure cost against a large MISP. The rows
	// are regenerated from these numbers at every start, not stored.
	SeedOrgs, SeedUsers int
	// Logger receives request and error logs. Default: discard.
	Logger *slog.Logger
	// ConnectionTimeout bounds each outgoing call of the connection test.
	// Default 5 seconds.
	ConnectionTimeout time.Duration
}

// Sim is a simulated MISP 2.5.1 server. Its methods are safe for
// concurrent use.
type Sim struct {
	opts     Options
	log      *slog.Logger
	adminKey secret.Key

	mu sync.Mutex
	st *state
	// softChanges counts changes (last use of a key or user) that are
	// saved with the next real change or at Close, not on every request.
	softChanges int
	// memCerts holds uploaded server certificates without a data directory.
	memCerts map[string][]byte

	cert    *tls.Certificate
	certPEM []byte

	faults faultSet
	counts countSet

	serveMu    sync.Mutex
	servingURL string
	httpServer *http.Server
}

// New creates a simulator, loading its state from opts.DataDir when that
// holds one.
func New(opts Options) (*Sim, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	s := &Sim{opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := s.openState(); err != nil {
		return nil, err
	}
	if opts.TLS {
		if err := s.loadOrCreateCert(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func checkOptions(opts *Options) error {
	if opts.OrgUUID != "" {
		opts.OrgUUID = strings.ToLower(strings.TrimSpace(opts.OrgUUID))
		if !validUUID(opts.OrgUUID) {
			return fmt.Errorf("invalid organisation uuid %q: use an RFC 4122 uuid such as "+
				"the one MISP shows for the host organisation", opts.OrgUUID)
		}
	}
	if opts.InstanceUUID != "" {
		opts.InstanceUUID = strings.ToLower(strings.TrimSpace(opts.InstanceUUID))
		if !validUUID(opts.InstanceUUID) {
			return fmt.Errorf("invalid instance uuid %q: use an RFC 4122 uuid", opts.InstanceUUID)
		}
	}
	if opts.BaseURL != "" {
		if msg := checkBaseURL(opts.BaseURL); msg != "" {
			return fmt.Errorf("invalid base url %q: %s", opts.BaseURL, msg)
		}
	}
	if opts.SeedOrgs < 0 || opts.SeedUsers < 0 {
		return fmt.Errorf("invalid seed size %d organisations, %d users: use 0 or more",
			opts.SeedOrgs, opts.SeedUsers)
	}
	if opts.ConnectionTimeout <= 0 {
		opts.ConnectionTimeout = 5 * time.Second
	}
	return nil
}

// AdminKey returns the site admin's API key. It is also in
// DataDir/admin.key when the simulator has a data directory.
func (s *Sim) AdminKey() secret.Key {
	return s.adminKey
}

// CertPEM returns the simulator's TLS certificate in PEM form, or nil
// without TLS. Upload it base64-encoded as a server's submitted_cert to
// let another simulator trust this one.
func (s *Sim) CertPEM() []byte {
	return s.certPEM
}

// Handler returns the simulator as an http.Handler, for use with
// net/http/httptest. Without Start, MISP.baseurl defaults to the scheme
// and host of each request.
func (s *Sim) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// Start listens on listenAddr (for example "127.0.0.1:0") and serves in
// the background, over HTTPS when Options.TLS is set. It returns the base
// URL, for example "http://127.0.0.1:8081".
func (s *Sim) Start(listenAddr string) (string, error) {
	// Read the name before taking serveMu: baseURL takes the locks in the
	// order mu, then serveMu.
	orgName := s.hostOrgName()
	s.serveMu.Lock()
	defer s.serveMu.Unlock()
	if s.httpServer != nil {
		return "", errors.New("start simulator: already serving on " + s.servingURL)
	}
	listener, err := net.Listen("tcp", listenAddr)
	if err != nil {
		return "", fmt.Errorf("start simulator on %q: %w", listenAddr, err)
	}

	scheme := "http"
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if s.cert != nil {
		scheme = "https"
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*s.cert}}
		listener = tls.NewListener(listener, srv.TLSConfig)
	}

	s.servingURL = scheme + "://" + listener.Addr().String()
	s.httpServer = srv
	go func() {
		if err := srv.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("simulator stopped serving", "url", s.servingURL, "err", err)
		}
	}()
	s.log.Info("simulator serving", "url", s.servingURL, "org", orgName)
	return s.servingURL, nil
}

// URL returns the base URL Start returned, or "" before Start.
func (s *Sim) URL() string {
	s.serveMu.Lock()
	defer s.serveMu.Unlock()
	return s.servingURL
}

// Close stops serving and saves the state. The simulator cannot be
// started again; create a new one on the same data directory instead.
func (s *Sim) Close() error {
	s.serveMu.Lock()
	srv := s.httpServer
	s.serveMu.Unlock()
	var errs []error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop serving: %w", err))
			_ = srv.Close()
		}
		s.log.Info("simulator stopped", "url", s.URL())
	}
	s.mu.Lock()
	if s.softChanges > 0 {
		if err := s.save(); err != nil {
			errs = append(errs, err)
		}
	}
	s.mu.Unlock()
	return errors.Join(errs...)
}

func (s *Sim) hostOrgName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.st.orgs[s.st.settings.HostOrgID]; o != nil {
		return o.Name
	}
	return ""
}

// baseURL returns MISP.baseurl: the configured value, else the URL the
// simulator serves on, else the scheme and host of the request, as MISP
// derives it when the setting is empty.
func (s *Sim) baseURL(r *http.Request) string {
	if s.st.settings.BaseURL != "" {
		return s.st.settings.BaseURL
	}
	if url := s.URL(); url != "" {
		return url
	}
	scheme := "http"
	if r != nil && r.TLS != nil {
		scheme = "https"
	}
	if r == nil {
		return ""
	}
	return scheme + "://" + r.Host
}

// now returns the current Unix time.
func now() int64 {
	return time.Now().Unix()
}
