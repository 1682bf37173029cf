package mispsim

import (
	"slices"
	"strings"
)

// state is the simulator's database: rows plus the indexes that keep each
// lookup independent of the number of rows. Callers hold Sim.mu.
type state struct {
	settings settings
	seed     seedParams
	// rolesCreated is the created and modified time of the default roles.
	rolesCreated int64

	orgs      map[int]*org
	orgByUUID map[string]*org
	orgByName map[string]*org
	userCount map[int]int

	users       map[int]*user
	userByEmail map[string]*user
	usersByOrg  map[int]map[int]struct{}
	emails      *trigramIndex

	keys       map[int]*authKey
	keysByHint map[string][]int
	legacyKeys map[string]int

	servers map[int]*server

	next nextIDs

	// changedOrgs and changedUsers list the rows that the state file must
	// hold: every row created at run time, and seeded rows that changed.
	changedOrgs  map[int]struct{}
	changedUsers map[int]struct{}
	deletedOrgs  map[int]struct{}
	deletedUsers map[int]struct{}
}

// nextIDs are the next auto-increment values.
type nextIDs struct {
	Org     int `json:"org"`
	User    int `json:"user"`
	AuthKey int `json:"auth_key"`
	Server  int `json:"server"`
}

func newState() *state {
	return &state{
		orgs:         make(map[int]*org),
		orgByUUID:    make(map[string]*org),
		orgByName:    make(map[string]*org),
		userCount:    make(map[int]int),
		users:        make(map[int]*user),
		userByEmail:  make(map[string]*user),
		usersByOrg:   make(map[int]map[int]struct{}),
		emails:       newTrigramIndex(),
		keys:         make(map[int]*authKey),
		keysByHint:   make(map[string][]int),
		legacyKeys:   make(map[string]int),
		servers:      make(map[int]*server),
		next:         nextIDs{Org: 1, User: 1, AuthKey: 1, Server: 1},
		changedOrgs:  make(map[int]struct{}),
		changedUsers: make(map[int]struct{}),
		deletedOrgs:  make(map[int]struct{}),
		deletedUsers: make(map[int]struct{}),
	}
}

// insertOrg adds o to the table and its indexes.
func (st *state) insertOrg(o *org) {
	st.orgs[o.ID] = o
	st.orgByUUID[o.UUID] = o
	st.orgByName[o.Name] = o
	if o.ID >= st.next.Org {
		st.next.Org = o.ID + 1
	}
	if !o.seeded {
		st.changedOrgs[o.ID] = struct{}{}
	}
}

// deleteOrg removes o from the table and its indexes.
func (st *state) deleteOrg(o *org) {
	delete(st.orgs, o.ID)
	if st.orgByUUID[o.UUID] == o {
		delete(st.orgByUUID, o.UUID)
	}
	if st.orgByName[o.Name] == o {
		delete(st.orgByName, o.Name)
	}
	delete(st.changedOrgs, o.ID)
	if o.seeded {
		st.deletedOrgs[o.ID] = struct{}{}
	}
}

// updateOrg applies change to o and keeps the name and uuid indexes right.
func (st *state) updateOrg(o *org, change func(*org)) {
	if st.orgByUUID[o.UUID] == o {
		delete(st.orgByUUID, o.UUID)
	}
	if st.orgByName[o.Name] == o {
		delete(st.orgByName, o.Name)
	}
	change(o)
	st.orgByUUID[o.UUID] = o
	st.orgByName[o.Name] = o
	st.changedOrgs[o.ID] = struct{}{}
}

// insertUser adds u to the table and its indexes.
func (st *state) insertUser(u *user) {
	st.users[u.ID] = u
	st.indexUser(u)
	if u.ID >= st.next.User {
		st.next.User = u.ID + 1
	}
	if !u.seeded {
		st.changedUsers[u.ID] = struct{}{}
	}
}

func (st *state) indexUser(u *user) {
	st.userByEmail[strings.ToLower(u.Email)] = u
	st.emails.add(u.ID, u.Email)
	members := st.usersByOrg[u.OrgID]
	if members == nil {
		members = make(map[int]struct{})
		st.usersByOrg[u.OrgID] = members
	}
	members[u.ID] = struct{}{}
	st.userCount[u.OrgID]++
	if u.LegacyAuthKey != "" {
		st.legacyKeys[u.LegacyAuthKey] = u.ID
	}
}

func (st *state) unindexUser(u *user) {
	if st.userByEmail[strings.ToLower(u.Email)] == u {
		delete(st.userByEmail, strings.ToLower(u.Email))
	}
	delete(st.usersByOrg[u.OrgID], u.ID)
	st.userCount[u.OrgID]--
	if st.legacyKeys[u.LegacyAuthKey] == u.ID {
		delete(st.legacyKeys, u.LegacyAuthKey)
	}
}

// deleteUser removes u. Its auth keys stay, as in MISP, but no longer
// authenticate because the user is gone.
func (st *state) deleteUser(u *user) {
	st.unindexUser(u)
	delete(st.users, u.ID)
	delete(st.changedUsers, u.ID)
	if u.seeded {
		st.deletedUsers[u.ID] = struct{}{}
	}
}

// updateUser applies change to u and keeps the indexes right.
func (st *state) updateUser(u *user, change func(*user)) {
	st.unindexUser(u)
	change(u)
	st.indexUser(u)
	st.changedUsers[u.ID] = struct{}{}
}

// insertKey adds k to the table and its start/end index.
func (st *state) insertKey(k *authKey) {
	st.keys[k.ID] = k
	hint := k.Start + k.End
	st.keysByHint[hint] = append(st.keysByHint[hint], k.ID)
	if k.ID >= st.next.AuthKey {
		st.next.AuthKey = k.ID + 1
	}
}

func (st *state) deleteKey(k *authKey) {
	delete(st.keys, k.ID)
	hint := k.Start + k.End
	st.keysByHint[hint] = slices.DeleteFunc(st.keysByHint[hint], func(id int) bool {
		return id == k.ID
	})
	if len(st.keysByHint[hint]) == 0 {
		delete(st.keysByHint, hint)
	}
}

func (st *state) insertServer(srv *server) {
	st.servers[srv.ID] = srv
	if srv.ID >= st.next.Server {
		st.next.Server = srv.ID + 1
	}
}

// orgByRef finds an organisation by numeric id or uuid.
func (st *state) orgByRef(ref string) *org {
	if id, ok := parseID(ref); ok {
		return st.orgs[id]
	}
	return st.orgByUUID[ref]
}

// sortedUserIDs returns the ids of all users in ascending order.
func (st *state) sortedUserIDs() []int {
	ids := make([]int, 0, len(st.users))
	for id := range st.users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// maxServerPriority returns the highest priority in use, 0 without servers.
func (st *state) maxServerPriority() int {
	highest := 0
	for _, srv := range st.servers {
		highest = max(highest, srv.Priority)
	}
	return highest
}
