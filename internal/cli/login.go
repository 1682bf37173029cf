package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/secret"
)

func newLoginCmd(env *Env) *cobra.Command {
	var noCheck bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Store your MISP URL and API key",
		Long: "login saves the MISP URL in the configuration file and the API key in the\n" +
			"OS keyring (or, where none is available, in a file readable only by you).\n" +
			"The key is read from standard input, without echo on a terminal.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := env.load(cmd); err != nil {
				return err
			}
			return runLogin(cmd, env, noCheck)
		},
	}
	cmd.Flags().BoolVar(&noCheck, "no-check", false, "store the key without asking MISP whether it works")
	return cmd
}

func runLogin(cmd *cobra.Command, env *Env, noCheck bool) error {
	cfg := env.Config
	if cfg.MISPURL == "" {
		return usagef("login needs the MISP URL: pass --misp-url https://misp.example.org")
	}
	key, err := readKey(&env.streams)
	if err != nil {
		return err
	}
	cfg.Key, cfg.KeySource = key, env.KeyStore().Describe()

	if !noCheck {
		client, err := env.Client()
		if err != nil {
			return err
		}
		me, err := client.Me(cmd.Context())
		if err != nil {
			return certificateAdvice(cmd.Context(), env, fmt.Errorf("check the key against %s: %w", cfg.MISPURL, err))
		}
		fmt.Fprintf(env.streams.Out, "Key works: %s (%s) in %s.\n", me.User.Email, me.Role.Name, me.Organisation.Name)
	}
	if err := env.KeyStore().Set(cfg.MISPURL, key); err != nil {
		return err
	}
	if err := cfg.Save(); err != nil {
		return err
	}
	saved := "the URL"
	switch {
	case cfg.PinSHA256 != nil && cfg.CAFile != "":
		saved = "the URL, the certificate pin and the CA file"
	case cfg.PinSHA256 != nil:
		saved = "the URL and the certificate pin"
	case cfg.CAFile != "":
		saved = "the URL and the CA file"
	}
	fmt.Fprintf(env.streams.Out, "Saved %s in %s and the key in %s.\n", saved, cfg.File, env.KeyStore().Describe())
	return nil
}

// readKey reads the API key from the terminal without echo, or the first
// line of a piped standard input.
func readKey(streams *Streams) (secret.Key, error) {
	if f, ok := streams.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(streams.Err, "MISP API key: ")
		raw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(streams.Err)
		if err != nil {
			return secret.Key{}, fmt.Errorf("read the API key: %w", err)
		}
		return checkedKey(string(raw))
	}
	line, err := streams.lines().ReadString('\n')
	if err != nil && line == "" {
		return secret.Key{}, usagef("no API key on standard input: pipe it in, e.g. mispbump login --misp-url URL < keyfile")
	}
	return checkedKey(line)
}

// checkedKey rejects input that cannot be a MISP key, without echoing it.
func checkedKey(raw string) (secret.Key, error) {
	value := strings.TrimSpace(raw)
	if len(value) != 40 || strings.Trim(value, config.KeyAlphabet) != "" {
		return secret.Key{}, usagef("that is not a MISP API key: keys are 40 letters and digits (got %d characters)", len(value))
	}
	return secret.New(value), nil
}
