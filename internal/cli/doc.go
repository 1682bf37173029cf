// Package cli implements mispbump's command line: the subcommands
// profile, bump, history, verify, remove, decode, login and sim, and the
// root command that starts the GUI when no subcommand is given.
//
// Exit status: 0 on success, 1 when the operation failed, 2 when the
// command line itself was wrong. Output with --json is documented in
// docs/cli.md and kept stable; every other line is for people.
package cli
