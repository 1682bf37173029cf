package provision

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Addresses of cloud instance metadata services. A server entry pointing
// there would make MISP fetch the host's cloud credentials.
var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, OpenStack
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
}

// sharedAddressSpace is 100.64.0.0/10 (RFC 6598, carrier-grade NAT),
// which netip does not count as private.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// PrivateURL explains why a partner URL points at a non-public address:
// loopback, private, link-local, unique local, carrier-grade NAT or a
// cloud metadata service. It returns "" for public addresses. Host names
// are resolved; a name that does not resolve returns "" and the
// connection test reports it later.
func PrivateURL(ctx context.Context, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return fmt.Sprintf("%s is this computer (loopback)", host)
	}
	addrs := []netip.Addr{}
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, a)
	} else if a, ok := parseLegacyIPv4(host); ok {
		addrs = append(addrs, a)
	} else {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return ""
		}
		addrs = ips
	}
	for _, a := range addrs {
		if reason := classifyAddr(a.Unmap()); reason != "" {
			if a.String() == host {
				return fmt.Sprintf("%s is %s", host, reason)
			}
			return fmt.Sprintf("%s resolves to %s, %s", host, a, reason)
		}
	}
	return ""
}

func classifyAddr(a netip.Addr) string {
	for _, m := range metadataAddrs {
		if a == m {
			return "a cloud metadata service"
		}
	}
	switch {
	case a.IsLoopback():
		return "this computer (loopback)"
	case a.IsUnspecified():
		return "an unspecified address"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "a link-local address"
	case a.IsPrivate():
		return "a private network address"
	case sharedAddressSpace.Contains(a):
		return "a carrier-grade NAT address"
	case a.IsMulticast():
		return "a multicast address"
	}
	return ""
}

// parseLegacyIPv4 reads the IPv4 forms that inet_aton accepts and that
// net/netip rejects: one to four parts, each decimal, octal with a
// leading 0 or hexadecimal with 0x, the last part filling the remaining
// bytes ("127.1", "2130706433", "0x7f000001", "0177.0.0.1"). glibc's
// getaddrinfo, which curl and so MISP use, resolves such host names to
// those addresses, so they must be checked like the dotted form.
func parseLegacyIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	values := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := parseCNumber(p)
		if !ok {
			return netip.Addr{}, false
		}
		values[i] = v
	}
	// Every part but the last is one byte; the last fills the rest.
	var n uint64
	for i, v := range values[:len(values)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= v << (8 * (3 - i))
	}
	last := values[len(values)-1]
	if last >= 1<<(8*(5-len(values))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// parseCNumber reads an unsigned number the way C's strtoul with base 0
// does: 0x for hexadecimal, a leading 0 for octal, else decimal.
func parseCNumber(s string) (uint64, bool) {
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, base, 32)
	return v, err == nil
}

// UnresolvedHost returns the host name of raw when this computer cannot
// resolve it, "" otherwise (and for IP addresses). The partner's MISP
// may still be reachable from the admin's MISP server under that name,
// for example through split DNS, but the private-address check could
// not look at it.
func UnresolvedHost(ctx context.Context, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := u.Hostname()
	if _, err := netip.ParseAddr(host); err == nil {
		return ""
	}
	if _, ok := parseLegacyIPv4(host); ok || strings.EqualFold(host, "localhost") {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host); err != nil {
		return host
	}
	return ""
}
