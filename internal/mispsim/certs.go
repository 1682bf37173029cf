package mispsim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names of the simulator's own TLS certificate in the data directory.
const (
	tlsCertFileName = "tls-cert.pem"
	tlsKeyFileName  = "tls-key.pem"
)

// parseSubmittedCert decodes a certificate uploaded as MISP expects it
// over REST: base64 of the PEM file's text. It returns the PEM, or nil
// when the value is not a PEM certificate.
func parseSubmittedCert(value string) []byte {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil {
		return nil
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return nil
	}
	return raw
}

// saveServerCerts stores submitted_cert and submitted_client_cert as
// <id>.pem and <id>_client.pem, saves the entry and returns it. As in
// MISP, an invalid certificate leaves the entry saved without it and
// responds with a redirect to /servers/index, even for API requests.
func (s *Sim) saveServerCerts(c *call, srv *server, f fields) {
	if flag, _ := f.boolean("delete_cert"); flag {
		s.removeCertFile(srv.CertFile)
		srv.CertFile = ptr("")
	}
	if flag, _ := f.boolean("delete_client_cert"); flag {
		s.removeCertFile(srv.ClientCertFile)
		srv.ClientCertFile = ptr("")
	}
	invalid := false
	for _, upload := range []struct {
		field, suffix string
		dst           **string
	}{
		{"submitted_cert", "", &srv.CertFile},
		{"submitted_client_cert", "_client", &srv.ClientCertFile},
	} {
		value, ok := f.str(upload.field)
		if !ok || value == "" {
			continue
		}
		certPEM := parseSubmittedCert(value)
		if certPEM == nil {
			invalid = true
			continue
		}
		name := fmt.Sprintf("%d%s.pem", srv.ID, upload.suffix)
		if err := s.writeCertFile(name, certPEM); err != nil {
			s.log.Error("store server certificate", "server", srv.ID, "err", err)
			c.internalError()
			return
		}
		*upload.dst = ptr(name)
	}
	if !c.commit(s) {
		return
	}
	if invalid {
		redirect(c.w, s.baseURL(c.r)+"/servers/index")
		return
	}
	c.ok(object{{"Server", serverObject(srv, true)}})
}

func (s *Sim) certPath(name string) string {
	return filepath.Join(s.opts.DataDir, certDirName, filepath.Base(name))
}

// writeCertFile stores a server certificate in the data directory, or in
// memory without one.
func (s *Sim) writeCertFile(name string, data []byte) error {
	if s.opts.DataDir == "" {
		if s.memCerts == nil {
			s.memCerts = make(map[string][]byte)
		}
		s.memCerts[name] = data
		return nil
	}
	if err := os.MkdirAll(filepath.Join(s.opts.DataDir, certDirName), 0o700); err != nil {
		return fmt.Errorf("create certificate directory: %w", err)
	}
	return atomicWrite(s.certPath(name), data, 0o600)
}

// readCertFile returns a stored server certificate.
func (s *Sim) readCertFile(name string) ([]byte, error) {
	if s.opts.DataDir == "" {
		data, ok := s.memCerts[name]
		if !ok {
			return nil, fmt.Errorf("certificate %q not stored", name)
		}
		return data, nil
	}
	return os.ReadFile(s.certPath(name))
}

func (s *Sim) removeCertFile(name *string) {
	if name == nil || *name == "" {
		return
	}
	if s.opts.DataDir == "" {
		delete(s.memCerts, *name)
		return
	}
	if err := os.Remove(s.certPath(*name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("remove server certificate", "file", *name, "err", err)
	}
}

func (s *Sim) removeServerCerts(srv *server) {
	s.removeCertFile(srv.CertFile)
	s.removeCertFile(srv.ClientCertFile)
}

// loadOrCreateCert loads the TLS certificate from the data directory, or
// creates a self-signed one for 127.0.0.1, ::1 and localhost (and stores
// it there) when there is none or it expires within a day.
func (s *Sim) loadOrCreateCert() error {
	certPath := filepath.Join(s.opts.DataDir, tlsCertFileName)
	keyPath := filepath.Join(s.opts.DataDir, tlsKeyFileName)
	if s.opts.DataDir != "" {
		certPEM, certErr := os.ReadFile(certPath)
		keyPEM, keyErr := os.ReadFile(keyPath)
		if certErr == nil && keyErr == nil {
			pair, err := tls.X509KeyPair(certPEM, keyPEM)
			if err == nil && pair.Leaf != nil && time.Until(pair.Leaf.NotAfter) > 24*time.Hour {
				s.cert, s.certPEM = &pair, certPEM
				return nil
			}
			s.log.Warn("replacing unusable or expiring TLS certificate", "file", certPath)
		}
	}
	certPEM, keyPEM, err := selfSignedCert()
	if err != nil {
		return fmt.Errorf("create TLS certificate: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("load created TLS certificate: %w", err)
	}
	if s.opts.DataDir != "" {
		if err := atomicWrite(keyPath, keyPEM, 0o600); err != nil {
			return fmt.Errorf("store TLS key: %w", err)
		}
		if err := atomicWrite(certPath, certPEM, 0o644); err != nil {
			return fmt.Errorf("store TLS certificate: %w", err)
		}
	}
	s.cert, s.certPEM = &pair, certPEM
	return nil
}

// selfSignedCert creates an ECDSA P-256 certificate valid for one year. It
// is its own CA, so a client can trust it by adding it to its roots, as
// MISP does with a server's uploaded certificate.
func selfSignedCert() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}

	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mispsim", Organization: []string{"mispsim"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}

	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}

	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}
