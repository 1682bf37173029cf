package provision

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
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
