package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// partnerOutput is one partner in `mispbump history --json`, documented
// in docs/cli.md.
type partnerOutput struct {
	MISPURL          string                `json:"misp_url"`
	Partner          history.Partner       `json:"partner"`
	Status           history.Status        `json:"status"`
	LastVerification *history.Verification `json:"last_verification"`
	Bumps            []*history.Bump       `json:"bumps"`
}

func newHistoryCmd(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List partners and their bumps",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := env.load(cmd); err != nil {
				return err
			}
			store, err := env.History()
			if err != nil {
				return err
			}
			partners, listErr := store.Partners()
			if asJSON {
				out := make([]partnerOutput, 0, len(partners))
				for _, p := range partners {
					out = append(out, partnerOutput{MISPURL: p.MISPURL, Partner: p.Partner, Status: p.Status, LastVerification: p.LastVerification, Bumps: p.Bumps})
				}
				if err := writeJSON(env.streams.Out, out); err != nil {
					return err
				}
			} else {
				printHistory(env.streams.Out, partners)
			}
			if listErr != nil {
				return fmt.Errorf("some history files could not be read: %w", listErr)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print partners and bumps as JSON")
	return cmd
}

func printHistory(w io.Writer, partners []*history.Partnership) {
	if len(partners) == 0 {
		fmt.Fprintln(w, "No bumps yet. Start one with 'mispbump bump' or in the app.")
		return
	}
	t := table(w)
	fmt.Fprintln(t, "PARTNER\tUUID\tSTATUS\tLAST VERIFIED\tBUMPS\tON MISP")
	for _, p := range partners {
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%d\t%s\n", p.Partner.OrgName, p.Partner.OrgUUID, p.Status,
			describeVerification(p.LastVerification), len(p.Bumps), orNone(p.MISPURL))
	}
	t.Flush()
}

func describeVerification(v *history.Verification) string {
	if v == nil {
		return "never"
	}
	result := "failed"
	if v.OK {
		result = "ok"
	}
	return v.Time.Local().Format(time.DateTime) + " " + result
}

func newVerifyCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "verify PARTNER",
		Short: "Run MISP's connection test for a partner again",
		Long:  "verify runs MISP's connection test for the partner's server entry. PARTNER is\nthe partner organisation's uuid or name.",
		Args:  exactArgs(1, "verify needs the partner's organisation uuid or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := env.load(cmd); err != nil {
				return err
			}
			pv, partner, err := env.partnership(args[0])
			if err != nil {
				return err
			}
			v, err := pv.VerifyAgain(cmd.Context(), partner)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.streams.Out, "%s: %s\n", partner.Partner.OrgName, v.Message)
			if !v.OK {
				return fmt.Errorf("the connection test to %s failed", partner.Partner.URL)
			}
			return nil
		},
	}
}

func newRemoveCmd(env *Env) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "remove PARTNER",
		Short: "Remove a partnership: server entry, sync user and, if mispbump made it, the organisation",
		Args:  exactArgs(1, "remove needs the partner's organisation uuid or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := env.load(cmd); err != nil {
				return err
			}
			pv, partner, err := env.partnership(args[0])
			if err != nil {
				return err
			}
			question := fmt.Sprintf("Remove the partnership with %s (%s)? This deletes the server entry and the sync user on %s, and stops sync with them.",
				partner.Partner.OrgName, partner.Partner.OrgUUID, env.Config.MISPURL)
			if !yes && !ask(&env.streams, question) {
				return fmt.Errorf("nothing removed")
			}
			done, err := pv.Remove(cmd.Context(), partner)
			for _, line := range done {
				fmt.Fprintln(env.streams.Out, line)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "remove without asking")
	return cmd
}

// partnership finds a partner in the history and returns a provisioner
// for the configured MISP.
func (e *Env) partnership(query string) (*provision.Provisioner, *history.Partnership, error) {
	store, err := e.History()
	if err != nil {
		return nil, nil, err
	}
	partner, err := store.FindPartner(query, e.Config.MISPURL)
	if err != nil {
		return nil, nil, err
	}
	client, err := e.Client()
	if err != nil {
		return nil, nil, err
	}
	return &provision.Provisioner{Client: client, Store: store, Logger: e.Logger}, partner, nil
}

// askContext is ask that gives up when ctx ends (a timeout, Ctrl-C, a
// closed SSH session), so a bump waiting for an answer still undoes its
// changes. The read itself cannot be interrupted and ends with the
// process.
func askContext(ctx context.Context, streams *Streams, question string) (bool, error) {
	answer := make(chan bool, 1)
	go func() { answer <- ask(streams, question) }()
	select {
	case yes := <-answer:
		return yes, nil
	case <-ctx.Done():
		fmt.Fprintln(streams.Err)
		return false, ctx.Err()
	}
}

// ask prints a yes/no question and reads the answer from standard input.
// Anything but y or yes is no, and so is the end of the input.
func ask(streams *Streams, question string) bool {
	fmt.Fprintf(streams.Err, "%s [y/N] ", question)
	line, _ := streams.lines().ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}

// exactArgs is cobra.ExactArgs with a usage error that names what is
// missing.
func exactArgs(n int, message string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s (got %d arguments)", message, len(args))
		}
		return nil
	}
}

// noArgs is cobra.NoArgs with a usage error (exit status 2), which also
// catches a mistyped subcommand such as "mispbump bumpp".
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return usagef("unknown command %q: run 'mispbump --help' for the list", args[0])
	}
	return usagef("%s takes no arguments (got %q)", cmd.CommandPath(), strings.Join(args, " "))
}
