// Package version names this build of mispbump.
package version

// Version is set at build time with -ldflags "-X
// github.com/mispbump/mispbump/internal/version.Version=v1.2.3"; plain
// go builds report "dev".
var Version = "dev"

// UserAgent is the HTTP User-Agent mispbump sends to MISP servers.
func UserAgent() string {
	return "mispbump/" + Version
}
