package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
)

// revokeOlderKeys finishes a key rotation. The admin asked for a new key
// for a sync user that already existed, and once the codes match the
// partner holds that key, so every other key of the user is deleted. It
// runs only after the codes match, so a cancelled bump leaves the old key
// in place.
//
// A key that cannot be deleted does not fail the confirmation, which has
// already changed MISP: the returned note names it so that the admin can
// delete it by hand. The note is "" when there was nothing to revoke.
func (pv *Provisioner) revokeOlderKeys(ctx context.Context, b *history.Bump, plan *Plan) string {
	if !plan.Options.NewKey {
		return ""
	}
	u, k := b.Object(history.KindUser), b.Object(history.KindAuthKey)
	if u == nil || u.ID == 0 || u.State == history.StateCreated || k == nil || k.ID == 0 || k.State != history.StateCreated {
		return ""
	}
	userID := misp.ID(u.ID)

	keys, err := pv.Client.AuthKeys(ctx, userID)
	if err != nil {
		pv.log().Warn("could not list the sync user's keys to revoke the older ones", "user_id", userID, "err", err)
		return fmt.Sprintf("the older keys of sync user %s were not revoked (listing them failed): delete them in MISP", userID)
	}

	var revoked int
	var undeleted []string
	for _, old := range keys {
		if old.ID == misp.ID(k.ID) {
			continue
		}
		if err := pv.Client.DeleteAuthKey(ctx, old.ID); err != nil && !errors.Is(err, misp.ErrNotFound) {
			pv.log().Warn("could not revoke an older key", "authkey_id", old.ID, "err", err)
			undeleted = append(undeleted, old.ID.String())
			continue
		}
		revoked++
	}

	var parts []string
	if revoked > 0 {
		parts = append(parts, fmt.Sprintf("%d older key(s) revoked", revoked))
	}
	if len(undeleted) > 0 {
		parts = append(parts, fmt.Sprintf("older key(s) %s could not be revoked: delete them in MISP", strings.Join(undeleted, ", ")))
	}
	if len(parts) > 0 {
		pv.succeed(history.KindAuthKey, strings.Join(parts, "; "))
	}
	return strings.Join(parts, "; ")
}
