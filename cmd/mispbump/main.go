// Command mispbump connects two MISP servers for sync by exchanging QR
// codes. Without arguments it starts the app; with a subcommand it runs
// that command (mispbump --help lists them).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mispbump/mispbump/internal/cli"
	"github.com/mispbump/mispbump/internal/ui"
)

func main() {
	// SIGINT and SIGTERM end the context, which stops a running command
	// and closes the app's window.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	status := cli.Execute(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr},
		cli.Options{GUI: runApp})
	stop()
	os.Exit(status)
}

// runApp starts the app with the configuration the command line loaded.
func runApp(ctx context.Context, env *cli.Env) error {
	return ui.Run(ctx, ui.Options{
		Config:   env.Config,
		KeyStore: env.KeyStore(),
		Logger:   env.Logger,
	})
}
