// Command mispbump connects two MISP servers for sync by exchanging QR
// codes. Without arguments it starts the app. With a subcommand it runs
// that command. mispbump --help lists the subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/camview"
	"github.com/mispbump/mispbump/internal/cli"
	_ "github.com/mispbump/mispbump/internal/clocale" // before Fyne reads the locale
	"github.com/mispbump/mispbump/internal/ui"
)

func main() {
	// SIGINT, SIGTERM and SIGHUP (a closed SSH session) end the context,
	// which stops a running command, so a bump still undoes its changes,
	// and closes the app's window.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	status := cli.Execute(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr},
		cli.Options{GUI: runApp})
	stop()
	os.Exit(status)
}

// runApp starts the app with the configuration the command line loaded.
func runApp(ctx context.Context, env *cli.Env) error {
	opts := ui.Options{
		Config:   env.Config,
		KeyStore: env.KeyStore(),
		Logger:   env.Logger,
	}
	if camview.LiveCamera {
		// Phones have no live camera here, so they open a photo instead.
		opts.Camera = func(a fyne.App) ui.CameraView {
			return camview.New(camera.System(), a.Preferences(), camera.Options{Logger: env.Logger})
		}
	}
	return ui.Run(ctx, opts)
}
