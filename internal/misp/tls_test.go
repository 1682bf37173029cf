package misp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/secret"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mispbump test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// file writes the CA certificate to a PEM file and returns its name.
func (ca *testCA) file(t *testing.T) string {
	name := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(name, ca.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// issue makes a server certificate for the given IPs and DNS names,
// valid between notBefore and notAfter.
func (ca *testCA) issue(t *testing.T, ips []net.IP, names []string, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "misp test server"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		IPAddresses:  ips,
		DNSNames:     names,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

var loopback = []net.IP{net.IPv4(127, 0, 0, 1)}

// versionHandler responds like servers/getVersion.
func versionHandler(w http.ResponseWriter, r *http.Request) {
	reply(w, 200, jsonType, `{"version":"2.5.1","perm_sync":true,"uuid":"04eb2eab-2f5c-4d2e-a018-31c9df7f0bc5"}`)
}

// startTLS starts a loopback HTTPS server presenting cert.
func startTLS(t *testing.T, cert tls.Certificate) *httptest.Server {
	t.Helper()
	server := httptest.NewUnstartedServer(http.HandlerFunc(versionHandler))
	server.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	server.Config.ErrorLog = log.New(io.Discard, "", 0)
	server.StartTLS()
	t.Cleanup(server.Close)
	return server
}

// newSelfSigned starts a loopback HTTPS server with httptest's own
// self-signed certificate. Handshake failures are expected in these
// tests, so the server does not log them.
func newSelfSigned(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	server := httptest.NewUnstartedServer(handler)
	server.Config.ErrorLog = log.New(io.Discard, "", 0)
	server.StartTLS()
	t.Cleanup(server.Close)
	return server
}

func leafSum(server *httptest.Server) []byte {
	sum := sha256.Sum256(server.Certificate().Raw)
	return sum[:]
}

func TestSelfSignedWithoutPin(t *testing.T) {
	server := newSelfSigned(t, versionHandler)

	_, err := newTestClient(t, server.URL).Version(context.Background())
	e := asError(t, err)
	if !errors.Is(err, ErrTLSUnknownAuthority) || !errors.Is(err, ErrTLS) {
		t.Errorf("kind = %v (%v), want ErrTLSUnknownAuthority", e.Kind, err)
	}
	if e.MaybeSaved() {
		t.Error("a TLS failure is flagged MaybeSaved")
	}
	var authority x509.UnknownAuthorityError
	if !errors.As(err, &authority) {
		t.Error("the x509 cause is not reachable with errors.As")
	}
}

func TestSelfSignedWithMatchingPin(t *testing.T) {
	server := newSelfSigned(t, versionHandler)

	c := newTestClient(t, server.URL, func(c *Config) { c.PinSHA256 = leafSum(server) })
	v, err := c.Version(context.Background())
	if err != nil {
		t.Fatalf("Version with matching pin: %v", err)
	}
	if v.Version != "2.5.1" {
		t.Errorf("version = %q", v.Version)
	}
}

func TestSelfSignedWithWrongPin(t *testing.T) {
	server := newSelfSigned(t, versionHandler)

	pin := leafSum(server)
	pin[0] ^= 0xff
	c := newTestClient(t, server.URL, func(c *Config) { c.PinSHA256 = pin })
	_, err := c.Version(context.Background())
	e := asError(t, err)
	if !errors.Is(err, ErrTLSPinMismatch) {
		t.Errorf("kind = %v (%v), want ErrTLSPinMismatch", e.Kind, err)
	}
	if !strings.Contains(err.Error(), FormatFingerprint(pin)) {
		t.Errorf("error text lacks the pinned fingerprint: %v", err)
	}
}

func TestCAFileVerifies(t *testing.T) {
	ca := newTestCA(t)
	cert := ca.issue(t, loopback, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	server := startTLS(t, cert)

	c := newTestClient(t, server.URL, func(c *Config) { c.CAFile = ca.file(t) })
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatalf("Version with CA file: %v", err)
	}
}

func TestExpiredCertificate(t *testing.T) {
	ca := newTestCA(t)
	cert := ca.issue(t, loopback, nil, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	server := startTLS(t, cert)

	c := newTestClient(t, server.URL, func(c *Config) { c.CAFile = ca.file(t) })
	_, err := c.Version(context.Background())
	if e := asError(t, err); !errors.Is(err, ErrTLSExpired) {
		t.Errorf("kind = %v (%v), want ErrTLSExpired", e.Kind, err)
	}

	// A pin names one certificate, but does not make an expired one valid.
	sum := sha256.Sum256(cert.Certificate[0])
	pinned := newTestClient(t, server.URL, func(c *Config) { c.PinSHA256 = sum[:] })
	_, err = pinned.Version(context.Background())
	if e := asError(t, err); !errors.Is(err, ErrTLSExpired) {
		t.Errorf("pinned: kind = %v (%v), want ErrTLSExpired", e.Kind, err)
	}
}

func TestHostnameMismatch(t *testing.T) {
	ca := newTestCA(t)
	cert := ca.issue(t, nil, []string{"misp.example.org"}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	server := startTLS(t, cert)

	c := newTestClient(t, server.URL, func(c *Config) { c.CAFile = ca.file(t) })
	_, err := c.Version(context.Background())
	if e := asError(t, err); !errors.Is(err, ErrTLSHostname) {
		t.Errorf("kind = %v (%v), want ErrTLSHostname", e.Kind, err)
	}

	// With a pin the host name check is replaced by the fingerprint.
	sum := sha256.Sum256(cert.Certificate[0])
	pinned := newTestClient(t, server.URL, func(c *Config) { c.PinSHA256 = sum[:] })
	if _, err := pinned.Version(context.Background()); err != nil {
		t.Errorf("pinned certificate for another host name: %v", err)
	}
}

func TestPlainHTTPOnHTTPSURL(t *testing.T) {
	server, _ := serve(t, versionHandler)
	_, err := newTestClient(t, strings.Replace(server.URL, "http://", "https://", 1)).Version(context.Background())
	if e := asError(t, err); !errors.Is(err, ErrTLS) {
		t.Errorf("kind = %v (%v), want ErrTLS", e.Kind, err)
	}
}

func TestPinAndCAFileExclusive(t *testing.T) {
	ca := newTestCA(t)
	_, err := New(Config{URL: "https://misp.example", Key: secret.New(testKey), CAFile: ca.file(t), PinSHA256: make([]byte, 32)})
	if err == nil {
		t.Fatal("New accepted both a pin and a CA file")
	}
}

func TestProbeTLSSelfSigned(t *testing.T) {
	server := newSelfSigned(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("ProbeTLS sent an HTTP request: %s %s", r.Method, r.URL.Path)
	})

	info, err := ProbeTLS(context.Background(), server.URL, "")
	if err != nil {
		t.Fatalf("ProbeTLS: %v", err)
	}
	if info.Verified {
		t.Error("httptest's self-signed certificate verified against the system roots")
	}
	if !errors.Is(info.VerifyError, ErrTLSUnknownAuthority) {
		t.Errorf("VerifyError = %v, want ErrTLSUnknownAuthority", info.VerifyError)
	}
	if string(info.SHA256) != string(leafSum(server)) {
		t.Errorf("fingerprint %s differs from the server's", info.Fingerprint())
	}
	block, _ := pem.Decode(info.ChainPEM)
	if block == nil || string(block.Bytes) != string(server.Certificate().Raw) {
		t.Error("ChainPEM does not start with the leaf certificate")
	}
}

func TestProbeTLSWithCAFile(t *testing.T) {
	ca := newTestCA(t)
	server := startTLS(t, ca.issue(t, loopback, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)))

	info, err := ProbeTLS(context.Background(), server.URL, ca.file(t))
	if err != nil {
		t.Fatalf("ProbeTLS: %v", err)
	}
	if !info.Verified || info.VerifyError != nil {
		t.Errorf("Verified = %v, VerifyError = %v; want verified against the CA file", info.Verified, info.VerifyError)
	}
}

func TestProbeTLSFailures(t *testing.T) {
	if _, err := ProbeTLS(context.Background(), "http://127.0.0.1:1", ""); err == nil {
		t.Error("ProbeTLS accepted an http URL")
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()
	_, err = ProbeTLS(context.Background(), "https://"+addr, "")
	if !errors.Is(err, ErrNetwork) {
		t.Errorf("probe of a closed port: %v, want ErrNetwork", err)
	}
}

func TestFingerprintRoundTrip(t *testing.T) {
	sum := sha256.Sum256([]byte("certificate"))
	text := FormatFingerprint(sum[:])
	if len(text) != 95 || strings.ToUpper(text) != text {
		t.Errorf("FormatFingerprint = %q", text)
	}
	for _, form := range []string{text, strings.ReplaceAll(text, ":", ""), "sha256:" + strings.ToLower(text)} {
		got, err := ParseFingerprint(form)
		if err != nil || string(got) != string(sum[:]) {
			t.Errorf("ParseFingerprint(%q) = %x, %v", form, got, err)
		}
	}
	if _, err := ParseFingerprint("AB:CD"); err == nil {
		t.Error("ParseFingerprint accepted 2 bytes")
	}
}
