package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/config"
	"github.com/mispbump/mispbump/internal/provision"
)

// profileOutput is the --json form of `mispbump profile`, documented in
// docs/cli.md.
type profileOutput struct {
	*provision.Profile
	AdvertisedURL string `json:"advertised_url"`
	TLSPinText    string `json:"tls_pin_text,omitempty"`
	// Usable is false when this MISP cannot be used for a bump with
	// this key.
	Usable bool `json:"usable"`
}

// errNotUsable means the profile was read but the key cannot set up sync.
var errNotUsable = errors.New("this MISP cannot be used for a bump with this API key")

func newProfileCmd(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Show what mispbump reads from your MISP, and every warning",
		Long: "profile reads your user, organisation, MISP version and settings, and the TLS\n" +
			"certificate, and prints them with every warning. It exits with status 1 when\n" +
			"MISP cannot be reached or the key cannot create sync users.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := env.load(cmd); err != nil {
				return err
			}
			p, err := fetchProfile(cmd.Context(), env)
			if err != nil {
				return err
			}
			out := profileOutput{Profile: p, AdvertisedURL: p.AdvertisedURL(), Usable: p.SiteAdmin}
			if p.TLSPin != nil {
				out.TLSPinText = config.FormatPin(p.TLSPin)
			}
			if asJSON {
				if err := writeJSON(env.streams.Out, out); err != nil {
					return err
				}
			} else {
				printProfile(env.streams.Out, out)
			}
			if !out.Usable {
				return fmt.Errorf("%w: use the key of a site admin", errNotUsable)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the profile as JSON")
	return cmd
}

func fetchProfile(ctx context.Context, env *Env) (*provision.Profile, error) {
	client, err := env.Client()
	if err != nil {
		return nil, err
	}
	p, err := provision.Fetch(ctx, client, provision.FetchOptions{Logger: env.Logger})
	if err != nil {
		return nil, certificateAdvice(ctx, env, fmt.Errorf("read the profile of %s: %w", env.Config.MISPURL, err))
	}
	return p, nil
}

func printProfile(w io.Writer, p profileOutput) {
	org := p.Identity()
	t := table(w)
	fmt.Fprintf(t, "MISP\t%s (version %s)\n", p.URL, orNone(p.Version))
	fmt.Fprintf(t, "Organisation\t%s\n", org.Name)
	fmt.Fprintf(t, "  uuid\t%s\n", org.UUID)
	if org.Sector != "" || org.Nationality != "" {
		fmt.Fprintf(t, "  sector, nationality\t%s, %s\n", orNone(org.Sector), orNone(org.Nationality))
	}
	if p.HostOrg != nil {
		fmt.Fprintf(t, "Your organisation\t%s (%s)\n", p.Org.Name, p.Org.UUID)
	}
	role := p.RoleName
	if p.SiteAdmin {
		role += ", site admin"
	}
	fmt.Fprintf(t, "User\t%s (%s)\n", p.UserEmail, role)
	fmt.Fprintf(t, "MISP.baseurl\t%s\n", orNone(p.BaseURL))
	fmt.Fprintf(t, "MISP.external_baseurl\t%s\n", orNone(p.ExternalBaseURL))
	fmt.Fprintf(t, "Partners will call\t%s\n", p.AdvertisedURL)
	keys := "advanced"
	if !p.AdvancedAuthKeys {
		keys = "legacy (advanced auth keys off)"
	}
	fmt.Fprintf(t, "Auth keys\t%s\n", keys)
	if p.TLSPinText != "" {
		fmt.Fprintf(t, "Certificate pin\t%s\n", p.TLSPinText)
	}
	t.Flush()
	if len(p.Warnings) == 0 {
		fmt.Fprintln(w, "\nNo warnings.")
		return
	}
	fmt.Fprintln(w, "\nWarnings:")
	for _, warning := range p.Warnings {
		fmt.Fprintf(w, "  - %s\n", strings.TrimSpace(warning.Message))
	}
}

// certificateAdvice adds to err, a failed call to the admin's MISP, the
// fingerprint of the certificate it presents and how to pin it, when err
// is a TLS verification failure that a pin can fix.
func certificateAdvice(ctx context.Context, env *Env, err error) error {
	check := provision.CheckCertificateOf(ctx, env.Config.MISPURL, env.Config.CAFile, err)
	if check == nil {
		return err
	}
	return fmt.Errorf("%w\n%s Pass --misp-pin %s (login saves it), or set misp.pin_sha256 in the configuration file",
		err, check.Advice, check.Info.Fingerprint())
}
