package mispsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// File names inside the data directory.
const (
	stateFileName    = "state.json"
	adminKeyFileName = "admin.key"
	certDirName      = "certs"
)

// stateFormat is the version of the state file layout.
const stateFormat = 1

// stateFile is the persisted state. Seeded rows are not in it unless they
// changed: they are regenerated from Seed.
type stateFile struct {
	Format           int        `json:"format"`
	Settings         settings   `json:"settings"`
	Seed             seedParams `json:"seed"`
	RolesCreated     int64      `json:"roles_created"`
	Next             nextIDs    `json:"next_ids"`
	Orgs             []*org     `json:"orgs"`
	Users            []*user    `json:"users"`
	DeletedSeedOrgs  []int      `json:"deleted_seed_orgs"`
	DeletedSeedUsers []int      `json:"deleted_seed_users"`
	AuthKeys         []*authKey `json:"auth_keys"`
	Servers          []*server  `json:"servers"`
}

// openState loads the state from the data directory, or creates the
// initial state (and the admin key) on first start.
func (s *Sim) openState() error {
	if s.opts.DataDir == "" {
		st, adminKey := initialState(s.opts)
		s.st, s.adminKey = st, secret.New(adminKey)
		return nil
	}
	if err := os.MkdirAll(s.opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory %q: %w", s.opts.DataDir, err)
	}
	raw, err := os.ReadFile(s.statePath())
	if errors.Is(err, fs.ErrNotExist) {
		st, adminKey := initialState(s.opts)
		s.st, s.adminKey = st, secret.New(adminKey)
		if err := s.save(); err != nil {
			return err
		}
		return s.writeAdminKey()
	}
	if err != nil {
		return fmt.Errorf("read simulator state %q: %w", s.statePath(), err)
	}
	st, err := loadState(raw)
	if err != nil {
		return fmt.Errorf("read simulator state %q: %w", s.statePath(), err)
	}
	s.st = st
	if err := s.checkStoredIdentity(); err != nil {
		return err
	}
	if s.opts.BaseURL != "" {
		s.st.settings.BaseURL = s.opts.BaseURL
	}
	return s.loadAdminKey()
}

func (s *Sim) statePath() string {
	return filepath.Join(s.opts.DataDir, stateFileName)
}

func (s *Sim) adminKeyPath() string {
	return filepath.Join(s.opts.DataDir, adminKeyFileName)
}

// checkStoredIdentity rejects options that contradict the stored state,
// because the host organisation's uuid and the seeded rows cannot change
// on restart without breaking what partners stored.
func (s *Sim) checkStoredIdentity() error {
	st, opts := s.st, s.opts
	host := st.orgs[st.settings.HostOrgID]
	if opts.OrgUUID != "" && host != nil && host.UUID != opts.OrgUUID {
		return fmt.Errorf("data directory %q holds host organisation uuid %s, not %s: "+
			"start without the uuid option or use a new data directory",
			opts.DataDir, host.UUID, opts.OrgUUID)
	}
	if opts.InstanceUUID != "" && st.settings.InstanceUUID != opts.InstanceUUID {
		return fmt.Errorf("data directory %q holds instance uuid %s, not %s: "+
			"start without the uuid option or use a new data directory",
			opts.DataDir, st.settings.InstanceUUID, opts.InstanceUUID)
	}
	if (opts.SeedOrgs != 0 || opts.SeedUsers != 0) &&
		(opts.SeedOrgs != st.seed.Orgs || opts.SeedUsers != st.seed.Users) {
		return fmt.Errorf("data directory %q was seeded with %d organisations and %d users, "+
			"not %d and %d: start with the same numbers, none, or a new data directory",
			opts.DataDir, st.seed.Orgs, st.seed.Users, opts.SeedOrgs, opts.SeedUsers)
	}
	if opts.OrgName != "" && host != nil && host.Name != opts.OrgName {
		s.log.Warn("keeping the stored host organisation name", "stored", host.Name,
			"option", opts.OrgName)
	}
	return nil
}

// loadAdminKey reads admin.key. When the file is missing or its key no
// longer works, it mints a new admin key, so AdminKey always works.
func (s *Sim) loadAdminKey() error {
	raw, err := os.ReadFile(s.adminKeyPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read admin key %q: %w", s.adminKeyPath(), err)
	}
	candidate := strings.TrimSpace(string(raw))
	if validKeyFormat(candidate) {
		if u, _ := s.lookupKey(candidate); u != nil && u.ID == 1 {
			s.adminKey = secret.New(candidate)
			return nil
		}
	}
	s.log.Warn("admin key missing or not working, creating a new one",
		"file", s.adminKeyPath())
	clear := s.st.newAdminKey(now())
	s.adminKey = secret.New(clear)
	if err := s.save(); err != nil {
		return err
	}
	return s.writeAdminKey()
}

func (s *Sim) writeAdminKey() error {
	data := []byte(s.adminKey.Reveal() + "\n")
	if err := atomicWrite(s.adminKeyPath(), data, 0o600); err != nil {
		return fmt.Errorf("write admin key: %w", err)
	}
	return nil
}

// initialState is a fresh MISP: the host organisation, the site admin with
// one key, the six roles and the seeded rows.
func initialState(opts Options) (*state, string) {
	st := newState()
	t := now()
	st.rolesCreated = t
	st.settings = settings{
		InstanceUUID:     opts.InstanceUUID,
		HostOrgID:        1,
		Live:             true,
		AdvancedAuthKeys: true,
		BaseURL:          opts.BaseURL,
	}
	if st.settings.InstanceUUID == "" {
		st.settings.InstanceUUID = randomUUID()
	}
	host := &org{
		ID:          1,
		Name:        opts.OrgName,
		UUID:        opts.OrgUUID,
		Description: ptr("Automatically generated admin organisation"),
		Type:        "ADMIN",
		Local:       true,
		Created:     t,
		Modified:    t,
	}

	if host.Name == "" {
		host.Name = "Example CERT"
	}
	if host.UUID == "" {
		host.UUID = randomUUID()
	}

	st.insertOrg(host)
	st.insertUser(&user{
		ID:           1,
		OrgID:        1,
		RoleID:       1,
		Email:        "admin@admin.test",
		NidsSID:      4000000,
		DateModified: t,
	})

	clear := st.newAdminKey(t)
	st.seed = seedParams{
		Orgs:        opts.SeedOrgs,
		Users:       opts.SeedUsers,
		FirstOrgID:  st.next.Org,
		FirstUserID: st.next.User,
		Created:     t,
	}
	st.seed.generate(st, nil, nil)
	return st, clear
}

// newAdminKey gives the site admin (user 1) a new key, both as an advanced
// key and in the legacy column, so it works in either key mode as on a
// fresh MISP install.
func (st *state) newAdminKey(t int64) string {
	_, clear := st.newAuthKey(1, ptr("Initial auto-generated key"), t)
	if admin := st.users[1]; admin != nil {
		st.updateUser(admin, func(u *user) { u.LegacyAuthKey = clear })
	}
	return clear
}

func loadState(raw []byte) (*state, error) {
	var file stateFile
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if file.Format != stateFormat {
		return nil, fmt.Errorf("unknown state format %d (want %d): use a new data directory",
			file.Format, stateFormat)
	}
	st := newState()
	st.settings = file.Settings
	st.seed = file.Seed
	st.rolesCreated = file.RolesCreated

	skipOrgs := make(map[int]struct{})
	for _, id := range file.DeletedSeedOrgs {
		skipOrgs[id] = struct{}{}
		st.deletedOrgs[id] = struct{}{}
	}
	for _, o := range file.Orgs {
		skipOrgs[o.ID] = struct{}{}
	}
	skipUsers := make(map[int]struct{})
	for _, id := range file.DeletedSeedUsers {
		skipUsers[id] = struct{}{}
		st.deletedUsers[id] = struct{}{}
	}
	for _, u := range file.Users {
		skipUsers[u.ID] = struct{}{}
	}
	st.seed.generate(st, skipOrgs, skipUsers)

	for _, o := range file.Orgs {
		o.seeded = st.seed.isSeedOrg(o.ID)
		st.insertOrg(o)
		st.changedOrgs[o.ID] = struct{}{}
	}
	for _, u := range file.Users {
		u.seeded = st.seed.isSeedUser(u.ID)
		st.insertUser(u)
		st.changedUsers[u.ID] = struct{}{}
	}
	for _, k := range file.AuthKeys {
		st.insertKey(k)
	}
	for _, srv := range file.Servers {
		st.insertServer(srv)
	}
	st.next.Org = max(st.next.Org, file.Next.Org)
	st.next.User = max(st.next.User, file.Next.User)
	st.next.AuthKey = max(st.next.AuthKey, file.Next.AuthKey)
	st.next.Server = max(st.next.Server, file.Next.Server)
	return st, nil
}

// save writes the state file. Callers hold s.mu. Without a data directory
// it does nothing.
func (s *Sim) save() error {
	s.softChanges = 0
	if s.opts.DataDir == "" {
		return nil
	}
	st := s.st
	file := stateFile{
		Format:           stateFormat,
		Settings:         st.settings,
		Seed:             st.seed,
		RolesCreated:     st.rolesCreated,
		Next:             st.next,
		DeletedSeedOrgs:  sortedKeys(st.deletedOrgs),
		DeletedSeedUsers: sortedKeys(st.deletedUsers),
	}

	for _, id := range sortedKeys(st.changedOrgs) {
		file.Orgs = append(file.Orgs, st.orgs[id])
	}
	for _, id := range sortedKeys(st.changedUsers) {
		file.Users = append(file.Users, st.users[id])
	}
	for _, id := range sortedKeys(st.keys) {
		file.AuthKeys = append(file.AuthKeys, st.keys[id])
	}
	for _, id := range sortedKeys(st.servers) {
		file.Servers = append(file.Servers, st.servers[id])
	}

	raw, err := json.Marshal(file)
	if err != nil {
		return fmt.Errorf("encode simulator state: %w", err)
	}
	if err := atomicWrite(s.statePath(), raw, 0o600); err != nil {
		return fmt.Errorf("save simulator state: %w", err)
	}
	return nil
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// atomicWrite replaces path with data: a temporary file in the same
// directory is written, synced and renamed over path, and the directory is
// synced, so a crash leaves either the old or the new file.
func atomicWrite(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("create temporary file in %q: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("set mode of %q: %w", tmp.Name(), err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %q: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %q: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %q: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %q to %q: %w", tmp.Name(), path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// commit saves after a change. On failure it logs, responds with MISP's 500 and
// returns false; the change stays in memory, like a MISP save that failed
// after the row was written.
func (c *call) commit(s *Sim) bool {
	if err := s.save(); err != nil {
		s.log.Error("save simulator state", "err", err)
		c.internalError()
		return false
	}
	return true
}
