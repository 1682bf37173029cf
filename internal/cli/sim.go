package cli

import (
	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/mispsim"
)

func newSimCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "sim --listen 127.0.0.1:PORT --data DIR [--org-name NAME] [--org-uuid UUID] [--tls]",
		Short: "Run a MISP 2.5.1 simulator for tests and demos",
		Long: "sim serves a simulated MISP 2.5.1 on a loopback address. It prints the base URL\n" +
			"and writes the site admin's API key to DIR/admin.key (mode 0600), never to the\n" +
			"output. Run 'mispbump sim --help' for every flag.",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "--help" || a == "-h" {
					args = []string{"-h"}
					break
				}
			}
			code := mispsim.Command(cmd.Context(), args, env.streams.Out, env.streams.Err)
			switch code {
			case 0:
				return nil
			case 2:
				return usageError{errSimFailed}
			}
			return errSimFailed
		},
	}
}

// errSimFailed is returned after the simulator printed its own error.
var errSimFailed = simError{}

type simError struct{}

func (simError) Error() string { return "the simulator stopped with an error (see above)" }
