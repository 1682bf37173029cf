package provision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/misp"
)

// DefaultKeyGrace is how long the older keys of a sync user keep working
// after the codes of a bump that gave the partner a new key matched.
const DefaultKeyGrace = 7 * 24 * time.Hour

// rotation returns the sync user and the new key of a confirmed bump that
// gave the partner a new key for a sync user that already existed. It
// returns ok false for other bumps, and once the older keys are set to
// expire.
func rotation(b *history.Bump) (user, key *history.Object, ok bool) {
	if !stillConfirmed(b) {
		return nil, nil, false
	}
	user, key = b.Object(history.KindUser), b.Object(history.KindAuthKey)
	ok = user != nil && user.ID != 0 && (user.State == history.StateReused || user.State == history.StateUpdated) &&
		key != nil && key.ID != 0 && key.State == history.StateCreated && key.OlderKeysExpire == 0
	return user, key, ok
}

// expireOlderKeys finishes a key rotation by setting the sync user's
// older keys to expire after the grace period, and returns a note for
// the admin ("" when there was nothing to do).
//
// The keys expire rather than being deleted, because the partner's MISP
// stores the new key only when the partner confirms, which this side
// cannot see. A partner whose confirmation failed keeps working with the
// old key during the grace period and can bump again. It runs only once
// the confirmation is saved, so a crash never leaves the user without a
// working key, and Verify runs it again until it succeeded.
func (pv *Provisioner) expireOlderKeys(ctx context.Context, b *history.Bump) string {
	user, key, ok := rotation(b)
	if !ok {
		return ""
	}
	grace := pv.KeyGrace
	if grace <= 0 {
		grace = DefaultKeyGrace
	}
	deadline := pv.now().Add(grace).Unix()
	when := time.Unix(deadline, 0).UTC().Format("2006-01-02 15:04 UTC")
	userID := misp.ID(user.ID)

	keys, err := pv.Client.AuthKeys(ctx, userID)
	if err != nil {
		pv.log().Warn("could not list the sync user's keys to set the older ones to expire", "user_id", userID, "err", err)
		return fmt.Sprintf("the older keys of sync user %s are not set to expire yet (listing them failed): "+
			"verify again to retry, or delete them in MISP once the partner uses the new key", userID)
	}

	var expiring int
	var failed []string
	for _, old := range keys {
		// Only the sync user's own keys, in case a server ignores the
		// user id in the index. Only keys older than this bump's, too,
		// because MISP numbers keys in creation order and a newer key
		// belongs to a later bump that the partner may use.
		if old.ID >= misp.ID(key.ID) || old.UserID != userID {
			continue
		}
		if exp := int64(old.Expiration); exp != 0 && exp <= deadline {
			expiring++
			continue
		}
		if _, err := pv.Client.SetAuthKeyExpiration(ctx, old.ID, deadline); err != nil {
			pv.log().Warn("could not set an older key to expire", "authkey_id", old.ID, "err", err)
			failed = append(failed, old.ID.String())
			continue
		}
		expiring++
	}

	var parts []string
	if expiring > 0 {
		parts = append(parts, fmt.Sprintf("%d older key(s) of the sync user stop working on %s", expiring, when))
	}
	if len(failed) > 0 {
		parts = append(parts, fmt.Sprintf("older key(s) %s could not be set to expire: "+
			"verify again to retry, or delete them in MISP once the partner uses the new key", strings.Join(failed, ", ")))
	} else {
		key.OlderKeysExpire = deadline
		if err := pv.Store.Save(b); err != nil {
			pv.log().Warn("could not record the expiry of the older keys", "bump", b.ID, "err", err)
		}
	}
	note := strings.Join(parts, "; ")
	if note != "" {
		pv.succeed(history.KindAuthKey, note)
	}
	return note
}

// finishRotation sets the older keys to expire when b is a confirmed key
// rotation, and adds the outcome to b's timeline.
func (pv *Provisioner) finishRotation(ctx context.Context, b *history.Bump) {
	note := pv.expireOlderKeys(ctx, b)
	if note == "" {
		return
	}
	b.Timeline = append(b.Timeline, history.Event{Time: pv.now().UTC(), Status: b.Status, Note: note})
	if err := pv.Store.Save(b); err != nil {
		pv.log().Warn("could not record the key rotation", "bump", b.ID, "err", err)
	}
}

// stillConfirmed reports whether b was confirmed and not removed since.
// A failed verification after the confirmation does not change that.
func stillConfirmed(b *history.Bump) bool {
	return b.Status != history.StatusRemoved && b.WasConfirmed()
}

// noteMatched is the timeline note Confirm records before it changes MISP.
const noteMatched = "the codes match: enabling this side"

// matched reports whether the admin confirmed that the codes of b match,
// even if the confirmation did not finish.
func matched(b *history.Bump) bool {
	for _, e := range b.Timeline {
		if e.Status == history.StatusConfirmed || (e.Status == history.StatusApplied && e.Note == noteMatched) {
			return true
		}
	}
	return false
}

// keyForExistingUser reports whether b made a key for a sync user that
// existed before it, as a rotation does.
func keyForExistingUser(b *history.Bump) bool {
	u := b.Object(history.KindUser)
	return u != nil && (u.State == history.StateReused || u.State == history.StateUpdated)
}
