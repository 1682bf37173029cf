package cli

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

// Env is what a command needs from its surroundings: streams,
// configuration, logger and key storage. The GUI receives the same Env.
type Env struct {
	streams  Streams
	keyStore config.KeyStore

	// Config is the loaded configuration; nil before load.
	Config *config.Config
	// Logger writes to standard error at the configured level.
	Logger *slog.Logger
}

// Streams returns the standard streams of the command.
func (e *Env) Streams() Streams { return e.streams }

// KeyStore returns where API keys are stored.
func (e *Env) KeyStore() config.KeyStore {
	if e.keyStore == nil {
		e.keyStore = config.DefaultKeyStore()
	}
	return e.keyStore
}

// load reads the configuration for cmd's flags and sets up the logger.
func (e *Env) load(cmd *cobra.Command) error {
	cfg, err := config.Load(cmd.Flags(), e.KeyStore())
	if err != nil {
		return err
	}
	if flag := cmd.Flags().Lookup("log-level"); flag != nil && flag.Value.String() != "" {
		cfg.LogLevel = flag.Value.String()
	}
	level, err := parseLevel(cfg.LogLevel)
	if err != nil {
		return usageError{err}
	}
	e.Config = cfg
	e.Logger = slog.New(slog.NewTextHandler(e.streams.Err, &slog.HandlerOptions{Level: level}))
	return nil
}

func parseLevel(name string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("invalid log level %s: use debug, info, warn or error", secret.Quote(name))
}

// Client returns a MISP client for the configured server, or an error
// naming the missing setting.
func (e *Env) Client() (*misp.Client, error) {
	return e.Config.MISPClient(e.Logger)
}

// History opens the history in the configured data directory.
func (e *Env) History() (*history.Store, error) {
	return history.Open(e.Config.DataDir)
}
