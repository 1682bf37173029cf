package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"
)

// bumpFlags are the options of `mispbump bump`.
type bumpFlags struct {
	role         string
	outDir       string
	inDir        string
	yes          bool
	timeout      time.Duration
	asJSON       bool
	allowPrivate bool
	newKey       bool
	pull, push   string
	syncEmail    string
	terminal     bool
	animated     bool
	verifyWait   time.Duration
}

func newBumpCmd(env *Env) *cobra.Command {
	var f bumpFlags
	cmd := &cobra.Command{
		Use:   "bump --role initiator|responder --out DIR --in DIR",
		Short: "Bump headlessly, exchanging codes through two directories",
		Long: "bump runs one side of a bump without the app. Each message for the partner is\n" +
			"written to --out as a PNG (the code the app shows; animated codes as numbered\n" +
			"frame files) and as a .txt text form. Each message from the partner is read\n" +
			"from --in as soon as a file there (image or .txt) holds the next one.\n\n" +
			"bump prints the partner's profile and asks before creating anything, then\n" +
			"prints the confirmation code and asks whether it matches the partner's.\n" +
			"--yes answers both questions with yes, for automation.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if err := env.load(cmd); err != nil {
				return err
			}
			return runBump(cmd.Context(), env, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.role, "role", "", "initiator (shows the first code) or responder (scans it)")
	fl.StringVar(&f.outDir, "out", "", "directory to write this side's codes to")
	fl.StringVar(&f.inDir, "in", "", "directory to read the partner's codes from")
	fl.BoolVar(&f.yes, "yes", false, "create without asking and treat the codes as matching (automation only)")
	fl.DurationVar(&f.timeout, "timeout", 15*time.Minute, "give up when the whole bump takes longer")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON on standard output (progress goes to standard error)")
	fl.BoolVar(&f.allowPrivate, "allow-private-url", false, "accept a partner URL on a loopback or private network without asking")
	fl.BoolVar(&f.newKey, "new-key", false, "give the partner a new key even if its sync user already exists")
	fl.StringVar(&f.pull, "pull", "", "pull events from the partner: true or false (default from the configuration)")
	fl.StringVar(&f.push, "push", "", "push events to the partner: true or false (default from the configuration)")
	fl.StringVar(&f.syncEmail, "sync-email", "", "e-mail the partner gives the sync user it creates for you (default from the configuration)")
	fl.BoolVar(&f.animated, "animated", false, "also write each code as numbered frames of an animated sequence (NN-step-frame-XXX.png)")
	fl.BoolVar(&f.terminal, "terminal", false, "also draw each code in the terminal, for scanning with a phone over SSH")
	fl.DurationVar(&f.verifyWait, "verify-wait", provision.DefaultVerifyWait, "how long to wait for the partner to confirm before the connection test gives up")
	return cmd
}

func (f *bumpFlags) check() error {
	switch {
	case f.role != string(history.RoleInitiator) && f.role != string(history.RoleResponder):
		return usagef("--role must be initiator or responder (got %q)", f.role)
	case f.outDir == "" || f.inDir == "":
		return usagef("bump needs --out DIR and --in DIR")
	case f.outDir == f.inDir:
		return usagef("--out and --in must be different directories")
	case f.timeout <= 0:
		return usagef("--timeout must be positive")
	}
	for _, v := range []string{f.pull, f.push} {
		if v != "" && v != "true" && v != "false" {
			return usagef("--pull and --push take true or false (got %q)", v)
		}
	}
	return nil
}

// bumpResult is the --json output of `mispbump bump`, documented in
// docs/cli.md.
type bumpResult struct {
	BumpID       string                `json:"bump_id,omitempty"`
	Role         string                `json:"role"`
	Partner      history.Partner       `json:"partner"`
	Code         string                `json:"code,omitempty"`
	Changed      bool                  `json:"changed"`
	Status       history.Status        `json:"status"`
	Objects      []history.Object      `json:"objects"`
	Verification *history.Verification `json:"verification,omitempty"`
	Error        string                `json:"error,omitempty"`
}

func runBump(parent context.Context, env *Env, f bumpFlags) error {
	ctx, cancel := context.WithTimeout(parent, f.timeout)
	defer cancel()
	out := env.streams.Out
	if f.asJSON {
		out = env.streams.Err
	}
	client, err := env.Client()
	if err != nil {
		return err
	}
	store, err := env.History()
	if err != nil {
		return err
	}
	recovered, err := (&provision.Provisioner{Client: client, Store: store, Logger: env.Logger}).Recover(ctx)
	for _, b := range recovered {
		fmt.Fprintf(out, "Rolled back an interrupted bump with %s (%s).\n", orNone(b.Partner.OrgName), b.ID)
	}
	if err != nil {
		return fmt.Errorf("roll back interrupted bumps: %w", err)
	}
	profile, err := fetchProfile(ctx, env)
	if err != nil {
		return err
	}
	for _, w := range profile.Warnings {
		fmt.Fprintf(out, "Warning: %s\n", w.Message)
	}

	session, err := bump.New(bump.Config{
		Role: history.Role(f.role), Client: client, Store: store, Profile: profile,
		Sync: syncSettings(env.Config, f), NewKey: f.newKey, Logger: env.Logger,
		Progress: func(e provision.Event) { printEvent(out, e) }, VerifyWait: f.verifyWait,
	})
	if err != nil {
		return err
	}
	r := &bumpRun{env: env, flags: f, session: session, out: out}
	runErr := r.run(ctx)
	if runErr != nil && session.Stage() != bump.StageDone {
		r.cancel(runErr)
	}
	if f.asJSON {
		if err := writeJSON(env.streams.Out, r.result(runErr)); err != nil {
			return err
		}
	}
	switch {
	case errors.Is(runErr, context.DeadlineExceeded):
		return fmt.Errorf("the bump did not finish within %s: start again together with your partner", f.timeout)
	case errors.Is(runErr, context.Canceled):
		return errors.New("the bump was interrupted")
	}
	return runErr
}

func syncSettings(cfg *config.Config, f bumpFlags) provision.SyncSettings {
	s := provision.SyncSettings{Pull: cfg.Pull, Push: cfg.Push, Email: cfg.SyncEmail}
	if f.pull != "" {
		s.Pull = f.pull == "true"
	}
	if f.push != "" {
		s.Push = f.push == "true"
	}
	if f.syncEmail != "" {
		s.Email = f.syncEmail
	}
	return s
}

func printEvent(w io.Writer, e provision.Event) {
	switch e.Phase {
	case provision.PhaseStarted:
		fmt.Fprintf(w, "  %s: working…\n", e.Kind)
	case provision.PhaseDone:
		fmt.Fprintf(w, "  %s: %s\n", e.Kind, e.Detail)
	case provision.PhaseFailed:
		fmt.Fprintf(w, "  %s: failed: %v\n", e.Kind, e.Err)
	}
}
