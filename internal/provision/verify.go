package provision

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
	"github.com/mispbump/mispbump/internal/secret"
)

// Verify runs MISP's connection test for the bump's server entry and,
// with the partner's key, checks the partner's MISP directly. Until the
// partner has confirmed too, its sync user is disabled and the test says
// "authentication failed", so Verify retries with backoff for up to
// VerifyWait, calling waiting with a message each time. The result is
// recorded in the bump (status verified or failed) and returned.
func (pv *Provisioner) Verify(ctx context.Context, b *history.Bump, partner exchange.Profile, partnerKey secret.Key, waiting func(string)) (*history.Verification, error) {
	o := b.Object(history.KindServer)
	if o == nil || o.ID == 0 {
		return nil, errors.New("verify: the bump has no server entry")
	}
	pv.finishRotation(ctx, b)
	wait := pv.VerifyWait
	if wait <= 0 {
		wait = DefaultVerifyWait
	}
	period := pv.VerifyPeriod
	if period <= 0 {
		period = DefaultVerifyPeriod
	}
	deadline := pv.now().Add(wait)

	var v *history.Verification
	for {
		v = pv.check(ctx, misp.ID(o.ID), partner, partnerKey)
		if v.OK && (partnerKey.IsZero() || v.ReverseOK) {
			break
		}
		if !partnerPending(v) || !pv.now().Add(period).Before(deadline) {
			break
		}
		if waiting != nil {
			waiting("waiting for your partner to confirm the code: " + v.Message)
		}
		select {
		case <-ctx.Done():
			return pv.recordVerification(b, v, ctx.Err())
		case <-time.After(period):
		}
		period = min(period*2, 15*time.Second)
	}
	if v.OK {
		if remote, err := pv.Client.RemoteUser(ctx, misp.ID(o.ID)); err == nil {
			v.Message += expiryWarning(remote)
		}
	}
	return pv.recordVerification(b, v, nil)
}

// partnerPending reports whether a failed check looks like a partner
// that has not enabled its side yet, as opposed to a setup error.
func partnerPending(v *history.Verification) bool {
	return misp.ConnectionStatus(v.Status) == misp.ConnectionAuthFailed || (!v.ReverseOK && v.OK)
}

func (pv *Provisioner) recordVerification(b *history.Bump, v *history.Verification, cause error) (*history.Verification, error) {
	defer pv.Release(b)
	b.LastVerification = v
	switch {
	case v.OK && (v.ReverseOK || v.ReverseMessage == ""):
		b.SetStatus(history.StatusVerified, v.Message, pv.now())
	default:
		b.SetStatus(history.StatusFailed, "verification: "+v.Message, pv.now())
	}
	if err := pv.Store.Save(b); err != nil {
		return v, fmt.Errorf("record the verification: %w", err)
	}
	return v, cause
}

// check runs one connection test and, with a key, the reverse check.
func (pv *Provisioner) check(ctx context.Context, serverID misp.ID, partner exchange.Profile, partnerKey secret.Key) *history.Verification {
	v := &history.Verification{Time: pv.now().UTC()}
	test, err := pv.Client.TestConnection(ctx, serverID)
	if err != nil {
		v.Message = fmt.Sprintf("could not run MISP's connection test: %v", err)
	} else {
		v.Status = int(test.Status)
		v.OK = test.OK()
		v.Message = test.Explain()
	}
	if partnerKey.IsZero() {
		return v
	}
	v.ReverseOK, v.ReverseMessage = pv.reverseCheck(ctx, partner, partnerKey)
	return v
}

// reverseCheck calls the partner's MISP with the key the partner gave
// us, as our MISP will, and checks the key carries sync permission.
func (pv *Provisioner) reverseCheck(ctx context.Context, partner exchange.Profile, key secret.Key) (bool, string) {
	client, err := misp.New(misp.Config{
		URL: partner.URL, Key: key, PinSHA256: partner.TLSPin, CAFile: pv.PartnerCA,
		Timeout: 15 * time.Second, MaxRetries: -1, Logger: pv.Logger,
	})
	if err != nil {
		return false, fmt.Sprintf("cannot call the partner's MISP: %v", err)
	}
	version, err := client.Version(ctx)
	switch {
	case err != nil:
		return false, fmt.Sprintf("the partner's MISP did not accept its key from this computer: %v", err)
	case !version.PermSync:
		return false, "the partner's key works but lacks sync permission: the partner must give its sync user a role with perm_sync"
	}
	return true, fmt.Sprintf("the partner's key works on %s (MISP %s) with sync permission", partner.URL, version.Version)
}

// VerifyAgain runs the connection test for an existing partnership and
// records it in the partnership's latest bump.
func (pv *Provisioner) VerifyAgain(ctx context.Context, p *history.Partnership) (*history.Verification, error) {
	if err := pv.checkMISP(p.Latest); err != nil {
		return nil, err
	}
	o := p.Current(history.KindServer)
	if o == nil {
		return nil, fmt.Errorf("verify %q: no server entry is recorded for this partner: bump again", p.Partner.OrgName)
	}
	v := pv.check(ctx, misp.ID(o.ID), exchange.Profile{}, secret.Key{})
	if remote, err := pv.Client.RemoteUser(ctx, misp.ID(o.ID)); err == nil && v.OK {
		v.Message += fmt.Sprintf(" (the partner's MISP knows the key as %s, role %q)", remote.Email, remote.RoleName)
		v.Message += expiryWarning(remote)
	}
	// Every rotation whose older keys are not set to expire yet, not
	// only the latest bump's, because a later bump does not finish an
	// earlier rotation.
	for _, earlier := range p.Bumps {
		if earlier.OnMISP(pv.Client.BaseURL()) {
			pv.finishRotation(ctx, earlier)
		}
	}
	b := p.Latest
	b.LastVerification = v
	status := history.StatusVerified
	if !v.OK {
		status = history.StatusFailed
	}
	b.SetStatus(status, "verified again: "+v.Message, pv.now())
	if err := pv.Store.Save(b); err != nil {
		return v, fmt.Errorf("record the verification: %w", err)
	}
	return v, nil
}

// expiryWarning returns, for a key in our server entry that the partner's
// MISP reports as expiring, a sentence saying so, and "" otherwise. A key
// expires when the partner rotated it and this side never stored the new
// one.
func expiryWarning(remote misp.RemoteUser) string {
	if remote.KeyExpiration == "" || remote.KeyExpiration == "N/A" {
		return ""
	}
	return fmt.Sprintf("; warning: the partner's MISP says this key expires on %s, "+
		"so sync stops then: bump again before that date", remote.KeyExpiration)
}
