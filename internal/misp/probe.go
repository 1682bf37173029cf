package misp

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// TLSInfo describes the certificate a MISP server presents, for the admin
// to check and pin when it does not verify.
type TLSInfo struct {
	Leaf  *x509.Certificate
	Chain []*x509.Certificate // as the server sent it, leaf first

	// SHA256 is the leaf certificate's fingerprint, the value for
	// Config.PinSHA256. FormatFingerprint shows it to people.
	SHA256 []byte

	// ChainPEM is the chain as PEM, leaf first. For a self-signed server
	// it is the certificate to give the partner (EncodeSubmittedCert).
	ChainPEM []byte

	// Verified is true when the chain verifies for the URL's host name
	// against the system roots, or against the CA file when one was
	// given. VerifyError is the reason when it does not, an *Error of a TLS kind.
	Verified    bool
	VerifyError error
}

// Fingerprint returns the leaf fingerprint as colon-separated hex.
func (t TLSInfo) Fingerprint() string {
	return FormatFingerprint(t.SHA256)
}

// errProbeDone stops the handshake once the certificates are captured,
// so that no HTTP request is sent.
var errProbeDone = errors.New("certificates captured")

// ProbeTLS connects to an https URL, through a proxy when the environment
// names one, and returns the server's certificates without sending an
// HTTP request. It then verifies the chain itself against the system
// roots, or the PEM certificates in caFile when that is not empty. A
// certificate that does not verify is not an error: TLSInfo.Verified
// and VerifyError report it. Errors are for failures to get a
// certificate at all.
func ProbeTLS(ctx context.Context, rawURL, caFile string) (TLSInfo, error) {
	base, err := parseBaseURL(rawURL)
	if err != nil {
		return TLSInfo{}, err
	}
	if base.Scheme != "https" {
		return TLSInfo{}, fmt.Errorf("probe TLS of %s: the URL is not https, so there is no certificate to check", base)
	}
	var roots *x509.CertPool
	if caFile != "" {
		if roots, err = loadCAFile(caFile); err != nil {
			return TLSInfo{}, err
		}
	}

	var (
		mu       sync.Mutex
		captured []*x509.Certificate
	)
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			// Verification happens below, after the certificates are
			// captured; the handshake itself is always aborted here.
			InsecureSkipVerify: true,
			VerifyConnection: func(state tls.ConnectionState) error {
				mu.Lock()
				defer mu.Unlock()
				captured = state.PeerCertificates
				return errProbeDone
			},
		},
	}
	defer transport.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "HEAD", base.String()+"/", nil)
	if err != nil {
		return TLSInfo{}, fmt.Errorf("probe TLS of %s: %w", base, err)
	}
	res, err := (&http.Client{Transport: transport}).Do(req)
	if err == nil {
		res.Body.Close()
	}
	mu.Lock()
	chain := captured
	mu.Unlock()
	if len(chain) == 0 {
		if err == nil {
			err = errors.New("server sent no certificate")
		}
		kind := transportKind(ctx, err)
		return TLSInfo{}, &Error{Kind: kind, Message: "probing " + base.Host, Err: err, Hint: defaultHint(kind)}
	}
	return describeChain(chain, base.Hostname(), roots, time.Now()), nil
}

// describeChain fingerprints and verifies a captured chain.
func describeChain(chain []*x509.Certificate, host string, roots *x509.CertPool, now time.Time) TLSInfo {
	leaf := chain[0]
	sum := sha256.Sum256(leaf.Raw)
	info := TLSInfo{Leaf: leaf, Chain: chain, SHA256: sum[:]}
	for _, cert := range chain {
		info.ChainPEM = append(info.ChainPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})...)
	}

	intermediates := x509.NewCertPool()
	for _, cert := range chain[1:] {
		intermediates.AddCert(cert)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		DNSName:       host,
		Roots:         roots, // nil means the system roots
		Intermediates: intermediates,
		CurrentTime:   now,
	})
	if err != nil {
		kind := transportKind(context.Background(), err)
		info.VerifyError = &Error{Kind: kind, Err: err, Hint: defaultHint(kind)}
		return info
	}
	info.Verified = true
	return info
}
