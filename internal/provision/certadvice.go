package provision

import (
	"context"
	"errors"
	"fmt"

	"github.com/mispbump/mispbump/internal/misp"
)

// CertificateCheck is the certificate of an admin's own MISP that failed
// TLS verification, with the steps to check and pin it.
type CertificateCheck struct {
	// Info is the certificate the server presented.
	Info misp.TLSInfo
	// Advice explains how to check the fingerprint and where to pin it.
	Advice string
}

// CheckCertificateOf reads the certificate of the MISP at url after err,
// a failed call to it, when err is a TLS verification failure that a pin
// can fix. It returns nil for other errors and when the certificate
// cannot be read. It never trusts the certificate: the admin compares
// the fingerprint with the one on the server and pins it.
func CheckCertificateOf(ctx context.Context, url, caFile string, err error) *CertificateCheck {
	if !errors.Is(err, misp.ErrTLS) || errors.Is(err, misp.ErrTLSExpired) {
		return nil
	}
	info, probeErr := misp.ProbeTLS(ctx, url, caFile)
	if probeErr != nil || len(info.SHA256) == 0 {
		return nil
	}
	subject := info.Leaf.Subject.CommonName
	if subject == "" {
		subject = info.Leaf.Subject.String()
	}
	seen := fmt.Sprintf("The server presents a certificate for %q issued by %q, with SHA-256 fingerprint %s.",
		subject, info.Leaf.Issuer.CommonName, info.Fingerprint())
	compare := "Compare it with the fingerprint on the MISP server itself " +
		"(openssl x509 -noout -fingerprint -sha256 -in CERTIFICATE_FILE)"
	advice := seen + " " + compare + ". If they are the same, pin it."
	if caFile != "" {
		advice = fmt.Sprintf("The CA file %q does not vouch for this certificate. ", caFile) + seen + " " + compare +
			". Give the CA file that issued it, or if they are the same, remove the CA file and pin the certificate."
	}
	if errors.Is(err, misp.ErrTLSPinMismatch) {
		advice = "The certificate differs from the one you pinned. " + seen + " " + compare +
			". If you changed the MISP URL or the certificate was renewed and they are the same, pin the new one; " +
			"if not, someone may be intercepting the connection."
	}
	return &CertificateCheck{Info: info, Advice: advice}
}
