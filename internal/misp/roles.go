package misp

import (
	"context"
	"errors"
)

// Roles calls GET /roles, which any API user may call. MISP removed
// /admin/roles in 2.4.137, and 2.5.1 responds to it with 404.
func (c *Client) Roles(ctx context.Context) ([]Role, error) {
	cl := call{method: "GET", path: "/roles", read: true}
	entries, err := getList[struct {
		Role Role `json:"Role"`
	}](ctx, c, cl, "Role")
	if err != nil {
		return nil, err
	}
	roles := make([]Role, len(entries))
	for i, entry := range entries {
		roles[i] = entry.Role
	}
	return roles, nil
}

// ErrNoSyncRole reports that no role can serve for a sync user.
var ErrNoSyncRole = errors.New("no MISP role has perm_sync and perm_auth without admin rights: " +
	"create one in MISP under Administration > Add role, with Sync actions and Auth key access")

// SyncRole chooses the role for a partner's sync user by its permission
// flags, never by id or name, because admins rename and renumber roles.
// A candidate has perm_sync and perm_auth and neither perm_admin nor
// perm_site_admin. Among candidates it prefers the one with most of
// perm_add, perm_tagger, perm_tag_editor, perm_sharing_group,
// perm_publish and perm_sighting, which a partner needs to push events
// with tags, sharing groups and sightings. Ties go to the role listed
// first, which is MISP's order.
func SyncRole(roles []Role) (Role, error) {
	best, bestScore := -1, -1
	for i, role := range roles {
		if !role.PermSync || !role.PermAuth || role.PermAdmin || role.PermSiteAdmin {
			continue
		}
		if score := syncScore(role); score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return Role{}, ErrNoSyncRole
	}
	return roles[best], nil
}

func syncScore(role Role) int {
	score := 0
	for _, flag := range []bool{
		role.PermAdd, role.PermTagger, role.PermTagEditor,
		role.PermSharingGroup, role.PermPublish, role.PermSighting,
	} {
		if flag {
			score++
		}
	}
	return score
}
