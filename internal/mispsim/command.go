package mispsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// Exit codes of Command.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// Command runs `mispbump sim`: it serves a simulator until ctx is
// cancelled, prints the base URL as one line on stdout and logs requests
// to stderr. The admin key is written to DIR/admin.key (mode 0600) and
// never printed. It returns the exit code: 0 after a clean stop, 1 when
// the simulator fails, 2 for invalid arguments.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, code := parseCommand(args, stderr)
	if cfg == nil {
		return code
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.level}))
	cfg.opts.Logger = logger

	sim, err := New(cfg.opts)
	if err != nil {
		fmt.Fprintf(stderr, "mispbump sim: %v\n", err)
		return exitFailure
	}
	url, err := sim.Start(cfg.listen)
	if err != nil {
		fmt.Fprintf(stderr, "mispbump sim: %v\n", err)
		_ = sim.Close()
		return exitFailure
	}
	logger.Info("admin key written", "file", filepath.Join(cfg.opts.DataDir, adminKeyFileName))
	fmt.Fprintln(stdout, url)

	<-ctx.Done()
	if err := sim.Close(); err != nil {
		fmt.Fprintf(stderr, "mispbump sim: stop: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// commandConfig is the parsed command line of `mispbump sim`.
type commandConfig struct {
	opts   Options
	listen string
	level  slog.Level
}

// parseCommand parses and checks the arguments. On failure it prints the
// reason to stderr and returns nil with the exit code.
func parseCommand(args []string, stderr io.Writer) (*commandConfig, int) {
	cfg := &commandConfig{}
	flags := flag.NewFlagSet("sim", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: mispbump sim --listen 127.0.0.1:PORT --data DIR [options]")
		fmt.Fprintln(stderr, "Serves a simulated MISP 2.5.1; the admin key is written to DIR/admin.key.")
		flags.PrintDefaults()
	}
	flags.StringVar(&cfg.listen, "listen", "127.0.0.1:8081",
		"`address` to listen on, host:port; loopback only unless --allow-remote")
	flags.StringVar(&cfg.opts.DataDir, "data", "",
		"`directory` for the state, the admin key (admin.key) and certificates (required)")
	flags.StringVar(&cfg.opts.OrgName, "org-name", "",
		"host organisation `name` on first start (default \"Example CERT\")")
	flags.StringVar(&cfg.opts.OrgUUID, "org-uuid", "",
		"host organisation `uuid` on first start (default a random version 4 uuid)")
	flags.BoolVar(&cfg.opts.TLS, "tls", false,
		"serve HTTPS with a self-signed certificate for 127.0.0.1, ::1 and localhost, kept in the data directory")
	flags.StringVar(&cfg.opts.BaseURL, "baseurl", "",
		"MISP.baseurl `URL` (default the URL the simulator serves on)")
	flags.IntVar(&cfg.opts.SeedOrgs, "seed-orgs", 0,
		"`number` of generated organisations to add on first start")
	flags.IntVar(&cfg.opts.SeedUsers, "seed-users", 0,
		"`number` of generated users to add on first start")
	allowRemote := flags.Bool("allow-remote", false, "allow a --listen address that is not loopback")
	logLevel := flags.String("log-level", "info", "log `level`: debug, info, warn or error")

	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK
		}
		return nil, exitUsage
	}
	switch {
	case flags.NArg() > 0:
		fmt.Fprintf(stderr, "mispbump sim: unexpected argument %q; see --help\n", flags.Arg(0))
		return nil, exitUsage
	case cfg.opts.DataDir == "":
		fmt.Fprintln(stderr, "mispbump sim: missing --data DIR: the simulator keeps its state "+
			"and admin key there")
		return nil, exitUsage
	}
	if err := checkListenAddress(cfg.listen, *allowRemote); err != nil {
		fmt.Fprintf(stderr, "mispbump sim: %v\n", err)
		return nil, exitUsage
	}
	if err := cfg.level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "mispbump sim: invalid --log-level %q: use debug, info, warn or error\n",
			*logLevel)
		return nil, exitUsage
	}
	return cfg, exitOK
}

// checkListenAddress rejects addresses other than loopback unless allowed:
// the simulator has no hardening, keeps keys in clear text in its state,
// and exists for tests and demos on one machine.
func checkListenAddress(listen string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("invalid --listen address %s: use host:port such as 127.0.0.1:8081", secret.Quote(listen))
	}
	if allowRemote || strings.EqualFold(host, "localhost") {
		return nil
	}
	if addr, err := netip.ParseAddr(host); err == nil && addr.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s: it is not a loopback address, and the "+
		"simulator is an unhardened test server that keeps partner keys in clear text; "+
		"listen on 127.0.0.1 or [::1], or pass --allow-remote to expose it on purpose", secret.Quote(listen))
}
