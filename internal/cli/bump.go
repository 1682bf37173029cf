package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/bump"
	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/provision"

	"github.com/mispbump/mispbump/internal/secret"
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
				if f.asJSON {
					// Scripts get a result even when the configuration
					// cannot be read.
					r := &bumpRun{flags: f}
					_ = writeJSON(env.streams.Out, r.result(err))
				}
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
	fl.BoolVar(&f.newKey, "new-key", false, fmt.Sprintf("give the partner a new key even if its sync user already exists; its older keys expire %d days after the codes match",
		int(provision.DefaultKeyGrace.Hours()/24)))
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
		return usagef("--role must be initiator or responder (got %s)", secret.Quote(f.role))
	case f.outDir == "" || f.inDir == "":
		return usagef("bump needs --out DIR and --in DIR")
	case sameDir(f.outDir, f.inDir):
		return usagef("--out and --in must be different directories")
	case f.timeout <= 0:
		return usagef("--timeout must be positive")
	}
	for _, v := range []string{f.pull, f.push} {
		if v != "" && v != "true" && v != "false" {
			return usagef("--pull and --push take true or false (got %s)", secret.Quote(v))
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
	r := &bumpRun{env: env, flags: f, out: env.streams.Out}
	if f.asJSON {
		r.out = env.streams.Err
	}
	err := r.start(ctx)
	if err == nil {
		err = r.run(ctx)
	}
	if err != nil && r.session != nil && r.session.Stage() != bump.StageDone {
		r.cancel(err)
	}
	if r.session != nil {
		r.session.Close()
	}
	err = r.explain(err)
	if f.asJSON {
		if jsonErr := writeJSON(env.streams.Out, r.result(err)); jsonErr != nil && err == nil {
			return jsonErr
		}
	}
	return err
}

// start rolls back interrupted bumps, reads the profile and opens the
// session.
func (r *bumpRun) start(ctx context.Context) error {
	env, f := r.env, r.flags
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
		fmt.Fprintf(r.out, "Rolled back an interrupted bump with %s (%s).\n", orNone(b.Partner.OrgName), b.ID)
	}
	if err != nil {
		// An old bump that cannot be rolled back now stays recorded as
		// pending for a later run; it must not block this bump.
		fmt.Fprintf(r.out, "Warning: %v\n", err)
	}
	profile, err := fetchProfile(ctx, env)
	if err != nil {
		return err
	}
	for _, w := range profile.Warnings {
		fmt.Fprintf(r.out, "Warning: %s\n", w.Message)
	}
	r.newSession = func() (*bump.Session, error) {
		return bump.New(bump.Config{
			Role: history.Role(f.role), Client: client, Store: store, Profile: profile,
			Sync: syncSettings(env.Config, f), NewKey: f.newKey, Logger: env.Logger,
			Progress: func(e provision.Event) { printEvent(r.out, e) }, VerifyWait: f.verifyWait,
		})
	}
	r.session, err = r.newSession()
	return err
}

// explain turns the errors that end a bump into what the admin should
// know: above all whether the partnership is live on this MISP.
func (r *bumpRun) explain(err error) error {
	if err == nil {
		return nil
	}
	live := r.session != nil && (r.session.Stage() == bump.StageVerify || r.session.Stage() == bump.StageDone)
	timedOut := errors.Is(err, context.DeadlineExceeded)
	switch {
	case live && (timedOut || errors.Is(err, context.Canceled)):
		p := r.session.Partner()
		return fmt.Errorf("the partnership with %s is set up and enabled on your MISP, but the connection test "+
			"did not pass before the bump stopped: check later with 'mispbump verify %s', or undo it with 'mispbump remove %s'",
			p.OrgName, p.OrgUUID, p.OrgUUID)
	case timedOut:
		return fmt.Errorf("the bump did not finish within %s: start again together with your partner", r.flags.timeout)
	case errors.Is(err, context.Canceled):
		return errors.New("the bump was interrupted")
	}
	return err
}

// sameDir reports whether two paths name one directory.
func sameDir(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
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
