package provision

import (
	"context"
	"errors"
	"fmt"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
)

// removeBumpKeys deletes the keys that bump b made for the sync user
// userID: the key with id known (0 when unknown) and every key of the
// user whose comment names the bump, which covers a key MISP saved
// although its create response was lost. Without a user id only the
// known key can be deleted.
func (pv *Provisioner) removeBumpKeys(ctx context.Context, b *history.Bump, userID, known misp.ID) error {
	ids := map[misp.ID]bool{}
	if !known.IsZero() {
		ids[known] = true
	}
	if !userID.IsZero() {
		keys, err := pv.Client.AuthKeys(ctx, userID)
		if err != nil && !errors.Is(err, misp.ErrNotFound) {
			return fmt.Errorf("list the keys of sync user %s: %w", userID, err)
		}
		for _, k := range keys {
			if k.UserID == userID && k.Comment == keyComment(b) {
				ids[k.ID] = true
			}
		}
	}
	for id := range ids {
		if err := pv.Client.DeleteAuthKey(ctx, id); err != nil && !errors.Is(err, misp.ErrNotFound) {
			return fmt.Errorf("delete the auth key %s: %w", id, err)
		}
		pv.log().Info("removed", "kind", history.KindAuthKey, "id", id)
		pv.emit(Event{Kind: history.KindAuthKey, Phase: PhaseDone, Detail: "removed id " + id.String()})
	}
	return nil
}
