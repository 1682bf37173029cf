package mispsim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mispbump/mispbump/internal/secret"
)

// Org is an organisation as tests see it.
type Org struct {
	ID        int
	Name      string
	UUID      string
	Local     bool
	UserCount int
}

// User is a user as tests see it, with its organisation and role.
type User struct {
	ID            int
	Email         string
	OrgID         int
	OrgName       string
	OrgUUID       string
	RoleID        int
	RoleName      string
	Disabled      bool
	ChangePW      bool
	TermsAccepted bool
}

// Server is a server entry as tests see it.
type Server struct {
	ID            int
	Name          string
	URL           string
	AuthKey       secret.Key
	RemoteOrgID   int
	RemoteOrgUUID string
	Push, Pull    bool
	SelfSigned    bool
	// CertFile is the stored CA certificate's file name, "" without one.
	CertFile string
}

// AuthKeyInfo is an advanced auth key without its secret.
type AuthKeyInfo struct {
	ID         int
	UserID     int
	Start, End string
	Comment    string
	ReadOnly   bool
	Expiration int64
}

// Identity is the simulator's own identity, as a partner needs it.
type Identity struct {
	InstanceUUID string
	OrgID        int
	OrgName      string
	OrgUUID      string
	BaseURL      string
}

// Identity returns the instance uuid, the host organisation and
// MISP.baseurl, which is empty before Start unless Options.BaseURL or the
// setting was set.
func (s *Sim) Identity() Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := Identity{InstanceUUID: s.st.settings.InstanceUUID, OrgID: s.st.settings.HostOrgID,
		BaseURL: s.baseURL(nil)}
	if host := s.st.orgs[s.st.settings.HostOrgID]; host != nil {
		id.OrgName, id.OrgUUID = host.Name, host.UUID
	}
	return id
}

func (s *Sim) orgView(o *org) Org {
	return Org{ID: o.ID, Name: o.Name, UUID: o.UUID, Local: o.Local, UserCount: s.st.userCount[o.ID]}
}

// Orgs returns every organisation, seeded ones included, by id.
func (s *Sim) Orgs() []Org {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Org, 0, len(s.st.orgs))
	for _, id := range sortedKeys(s.st.orgs) {
		out = append(out, s.orgView(s.st.orgs[id]))
	}
	return out
}

// OrgByUUID finds an organisation by its (lower-case) uuid.
func (s *Sim) OrgByUUID(uuid string) (Org, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.orgByUUID[uuid]
	if o == nil {
		return Org{}, false
	}
	return s.orgView(o), true
}

func (s *Sim) userView(u *user) User {
	out := User{ID: u.ID, Email: u.Email, OrgID: u.OrgID, RoleID: u.RoleID, Disabled: u.Disabled,
		ChangePW: u.ChangePW, TermsAccepted: u.TermsAccepted}
	if o := s.st.orgs[u.OrgID]; o != nil {
		out.OrgName, out.OrgUUID = o.Name, o.UUID
	}
	if r, ok := roleByID(u.RoleID); ok {
		out.RoleName = r.Name
	}
	return out
}

// Users returns every user, seeded ones included, by id.
func (s *Sim) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.st.users))
	for _, id := range s.st.sortedUserIDs() {
		out = append(out, s.userView(s.st.users[id]))
	}
	return out
}

// UserByEmail finds a user by email, ignoring case as MISP does.
func (s *Sim) UserByEmail(email string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.userByEmail[strings.ToLower(email)]
	if u == nil {
		return User{}, false
	}
	return s.userView(u), true
}

// Servers returns the server entries by id.
func (s *Sim) Servers() []Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Server, 0, len(s.st.servers))
	for _, id := range sortedKeys(s.st.servers) {
		srv := s.st.servers[id]
		view := Server{ID: srv.ID, Name: srv.Name, URL: srv.URL, AuthKey: secret.New(srv.AuthKey),
			RemoteOrgID: srv.RemoteOrgID, Push: srv.Push, Pull: srv.Pull, SelfSigned: srv.SelfSigned}
		if o := s.st.orgs[srv.RemoteOrgID]; o != nil {
			view.RemoteOrgUUID = o.UUID
		}
		if srv.CertFile != nil {
			view.CertFile = *srv.CertFile
		}
		out = append(out, view)
	}
	return out
}

// AuthKeys returns the advanced auth keys of userID (all keys for 0), by
// id.
func (s *Sim) AuthKeys(userID int) []AuthKeyInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AuthKeyInfo
	for _, id := range sortedKeys(s.st.keys) {
		k := s.st.keys[id]
		if userID != 0 && k.UserID != userID {
			continue
		}
		info := AuthKeyInfo{ID: k.ID, UserID: k.UserID, Start: k.Start, End: k.End,
			ReadOnly: k.ReadOnly, Expiration: k.Expiration}
		if k.Comment != nil {
			info.Comment = *k.Comment
		}
		out = append(out, info)
	}
	return out
}

// SetUserAuthKey gives userID the chosen key and expires its older keys,
// as MISP's command line `cake User change_authkey <user> <key>` does. It
// is the only way to a key of one's choosing in advanced mode.
func (s *Sim) SetUserAuthKey(userID int, key secret.Key) error {
	if !validKeyFormat(key.Reveal()) {
		return errors.New("set auth key: the key must be 40 alphanumeric characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[userID] == nil {
		return fmt.Errorf("set auth key: user %d not found", userID)
	}
	s.st.setAuthKey(userID, key.Reveal(), now())
	return s.save()
}
