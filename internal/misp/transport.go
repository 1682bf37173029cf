package misp

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// newTransport builds the HTTP transport: proxies from the environment
// unless cfg.Proxy is set, bounded dial and handshake times, and
// the TLS mode chosen by cfg (system roots, CA file, or pin).
func newTransport(cfg Config) (*http.Transport, error) {
	tlsConfig, err := newTLSConfig(cfg.CAFile, cfg.PinSHA256)
	if err != nil {
		return nil, err
	}
	proxy := cfg.Proxy
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}

	return &http.Transport{
		Proxy:                 proxy,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   10 * time.Second,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}, nil
}

// newTLSConfig returns the TLS settings for one of three modes:
// the system roots (both arguments empty), a CA file replacing the system
// roots, or a pinned leaf certificate. Pinning and a CA file exclude each
// other, because a pin already names the one certificate to trust.
func newTLSConfig(caFile string, pin []byte) (*tls.Config, error) {
	config := &tls.Config{MinVersion: tls.VersionTLS12}

	if len(pin) > 0 {
		if len(pin) != sha256.Size {
			return nil, fmt.Errorf("certificate pin has %d bytes, a SHA-256 fingerprint has %d: "+
				"copy the whole fingerprint", len(pin), sha256.Size)
		}
		if caFile != "" {
			return nil, fmt.Errorf("certificate pin and CA file %q are both set: use one of them", caFile)
		}
		want := append([]byte(nil), pin...)
		// The pin replaces the chain and host name checks, so the
		// standard verification is off and VerifyConnection does the
		// whole job. It never runs without a pin.
		config.InsecureSkipVerify = true
		config.VerifyConnection = func(state tls.ConnectionState) error {
			return verifyPin(state, want, time.Now())
		}
		return config, nil
	}

	if caFile != "" {
		pool, err := loadCAFile(caFile)
		if err != nil {
			return nil, err
		}
		config.RootCAs = pool
	}
	return config, nil
}

// loadCAFile reads a PEM file of CA certificates into a new pool.
func loadCAFile(name string) (*x509.CertPool, error) {
	if secret.IsKeyShaped(name) {
		return nil, errors.New("the CA file name looks like an API key: give the name of a PEM file of CA certificates")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("CA file %s contains no PEM certificate: "+
			"give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)", secret.Quote(name))
	}
	return pool, nil
}

// PinMismatchError reports a leaf certificate whose fingerprint differs
// from the pinned one. Both fingerprints are public values.
type PinMismatchError struct {
	Got, Want []byte
}

func (e *PinMismatchError) Error() string {
	return fmt.Sprintf("certificate fingerprint %s differs from the pinned %s",
		FormatFingerprint(e.Got), FormatFingerprint(e.Want))
}

// verifyPin accepts the connection when the leaf certificate has the
// pinned SHA-256 fingerprint and is valid at now.
func verifyPin(state tls.ConnectionState, want []byte, now time.Time) error {
	if len(state.PeerCertificates) == 0 {
		return errors.New("server sent no certificate")
	}
	leaf := state.PeerCertificates[0]
	got := sha256.Sum256(leaf.Raw)
	if subtle.ConstantTimeCompare(got[:], want) != 1 {
		return &PinMismatchError{Got: got[:], Want: want}
	}
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return x509.CertificateInvalidError{
			Cert:   leaf,
			Reason: x509.Expired,
			Detail: fmt.Sprintf("valid from %s to %s",
				leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339)),
		}
	}
	return nil
}

// FormatFingerprint writes a fingerprint as upper-case hex pairs joined
// by colons, the form browsers and openssl show.
func FormatFingerprint(sum []byte) string {
	pairs := make([]string, len(sum))
	for i, b := range sum {
		pairs[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(pairs, ":")
}

// ParseFingerprint reads a SHA-256 fingerprint written as 64 hex digits,
// with or without colons or spaces between the pairs and with an optional
// "sha256:" prefix.
func ParseFingerprint(text string) ([]byte, error) {
	clean := strings.TrimSpace(text)
	if len(clean) >= 7 && strings.EqualFold(clean[:7], "sha256:") {
		clean = clean[7:]
	}
	clean = strings.NewReplacer(":", "", " ", "").Replace(clean)
	sum, err := hex.DecodeString(clean)
	if err != nil || len(sum) != sha256.Size {
		return nil, fmt.Errorf("certificate fingerprint %q is not 64 hex digits: "+
			"copy the SHA-256 fingerprint, such as AB:CD:…", truncateText(text, 120))
	}
	return sum, nil
}

func truncateText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
