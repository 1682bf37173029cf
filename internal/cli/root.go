package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/version"
)

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Streams are the standard streams a command uses, so tests can supply
// their own.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer

	// in reads In line by line. One reader serves every question, so a
	// buffered read for the first answer cannot swallow the next ones.
	in *bufio.Reader
}

func (s *Streams) lines() *bufio.Reader {
	if s.in == nil {
		s.in = bufio.NewReader(s.In)
	}
	return s.in
}

// Options configures Execute.
type Options struct {
	// GUI starts the graphical app; nil makes the root command print
	// the usage instead (a build without a display).
	GUI func(ctx context.Context, env *Env) error
	// KeyStore overrides the key storage (tests); nil means
	// config.DefaultKeyStore.
	KeyStore config.KeyStore
}

// usageError marks errors in the command line itself (exit status 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Execute runs the command line args (without the program name) and
// returns the exit status.
func Execute(ctx context.Context, args []string, streams Streams, opts Options) int {
	if streams.In == nil {
		streams.In = os.Stdin
	}
	root := newRoot(ctx, streams, opts)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(streams.Err, "mispbump: %v\n", err)
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintln(streams.Err, "Run 'mispbump --help' for usage.")
		return ExitUsage
	}
	return ExitFailure
}

func newRoot(ctx context.Context, streams Streams, opts Options) *cobra.Command {
	env := &Env{streams: streams, keyStore: opts.KeyStore}
	root := &cobra.Command{
		Use:   "mispbump",
		Short: "Connect two MISP servers for sync by exchanging QR codes",
		Long: "mispbump connects two MISP servers for synchronisation. Two admins exchange\n" +
			"four encrypted codes (QR codes, images or text) and each side creates the\n" +
			"partner organisation, sync user, key and server entry on its own MISP.\n\n" +
			"Without a subcommand, mispbump starts the app.",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.GUI == nil {
				return usagef("this build has no graphical app: use a subcommand")
			}
			if err := env.load(cmd); err != nil {
				return err
			}
			return opts.GUI(cmd.Context(), env)
		},
	}
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError{err}
	})
	config.Flags(root.PersistentFlags())
	root.PersistentFlags().String("log-level", "", "log level: debug, info, warn or error (default warn)")

	root.AddCommand(
		newProfileCmd(env),
		newBumpCmd(env),
		newHistoryCmd(env),
		newVerifyCmd(env),
		newRemoveCmd(env),
		newDecodeCmd(env),
		newLoginCmd(env),
		newSimCmd(env),
	)
	for _, c := range root.Commands() {
		c.SilenceUsage = true
	}
	return root
}
