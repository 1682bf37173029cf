package mispsim

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// seedParams describe the generated rows. Rows are derived from these
// numbers alone, so a restart regenerates the same organisations and users
// without storing them.
type seedParams struct {
	Orgs  int `json:"orgs"`
	Users int `json:"users"`
	// FirstOrgID and FirstUserID are the ids of the first generated rows.
	FirstOrgID  int   `json:"first_org_id"`
	FirstUserID int   `json:"first_user_id"`
	Created     int64 `json:"created"`
}

func (p seedParams) isSeedOrg(id int) bool {
	return p.Orgs > 0 && id >= p.FirstOrgID && id < p.FirstOrgID+p.Orgs
}

func (p seedParams) isSeedUser(id int) bool {
	return p.Users > 0 && id >= p.FirstUserID && id < p.FirstUserID+p.Users
}

// seedUUID derives a stable version 4 uuid from a label and a number.
func seedUUID(label string, n int) string {
	var input [8]byte
	binary.BigEndian.PutUint64(input[:], uint64(n))
	sum := sha256.Sum256(append([]byte("mispsim seed "+label+" "), input[:]...))
	var b [16]byte
	copy(b[:], sum[:16])
	return formatUUID(b)
}

// seedOrg generates the i-th seeded organisation (0-based). Every tenth
// one is local, the rest are known remote organisations, as on a MISP
// that syncs with many partners.
func (p seedParams) seedOrg(i int) *org {
	return &org{
		ID:          p.FirstOrgID + i,
		Name:        fmt.Sprintf("Seed Org %05d", i+1),
		UUID:        seedUUID("org", i),
		Type:        "",
		Nationality: "",
		Sector:      "",
		Local:       i%10 == 0,
		CreatedBy:   1,
		Created:     p.Created,
		Modified:    p.Created,
		seeded:      true,
	}
}

// seedUser generates the i-th seeded user (0-based), spread over the
// seeded organisations, or in orgID 1 (the host) without them. Every
// fiftieth user has the Sync user role.
func (p seedParams) seedUser(i int) *user {
	orgID := 1
	orgNumber := 0
	if p.Orgs > 0 {
		orgNumber = i % p.Orgs
		orgID = p.FirstOrgID + orgNumber
	}
	roleID := defaultRoleID
	if i%50 == 0 {
		roleID = 5
	}
	return &user{
		ID:              p.FirstUserID + i,
		OrgID:           orgID,
		RoleID:          roleID,
		Email:           fmt.Sprintf("user%06d@seed-org-%05d.example", i+1, orgNumber+1),
		InvitedBy:       1,
		GPGKey:          ptr(""),
		NidsSID:         1000000 + i,
		ExternalAuthKey: ptr(""),
		ChangePW:        true,
		DateCreated:     p.Created,
		DateModified:    p.Created,
		LastPWChange:    p.Created,
		seeded:          true,
	}
}

// generate inserts the seeded rows, leaving out the ids in skipOrgs and
// skipUsers: rows deleted at run time, or stored because they changed.
func (p seedParams) generate(st *state, skipOrgs, skipUsers map[int]struct{}) {
	for i := range p.Orgs {
		if _, skip := skipOrgs[p.FirstOrgID+i]; skip {
			continue
		}
		st.insertOrg(p.seedOrg(i))
	}
	for i := range p.Users {
		if _, skip := skipUsers[p.FirstUserID+i]; skip {
			continue
		}
		st.insertUser(p.seedUser(i))
	}
}
