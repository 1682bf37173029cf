package mispsim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// authenticate finds the user behind the request's key. It returns the
// exception message to send when that fails.
//
// It follows MISP 2.5.1. X-MISP-AUTH wins over Authorization. A value
// starting with "Basic" is ignored, so a proxy can use HTTP Basic auth. The
// value is split on commas and the first part that authenticates wins.
// Only 40 alphanumeric characters can be a key, so "Bearer <key>" fails.
func (s *Sim) authenticate(r *http.Request) (*user, *authKey, string) {
	raw := r.Header.Get("X-MISP-AUTH")
	if raw == "" {
		raw = r.Header.Get("Authorization")
	}
	if len(raw) >= 5 && strings.EqualFold(raw[:5], "basic") {
		raw = ""
	}
	for part := range strings.SplitSeq(raw, ",") {
		candidate := strings.TrimSpace(part)
		if !validKeyFormat(candidate) {
			continue
		}
		u, key := s.lookupKey(candidate)
		if u == nil {
			continue
		}
		if key != nil && len(key.AllowedIPs) > 0 && !ipAllowed(remoteIP(r), key.AllowedIPs) {
			return nil, nil, msgBadIP
		}
		return u, key, ""
	}
	return nil, nil, msgAuthFailed
}

// lookupKey returns the user a key belongs to. In advanced mode the
// candidates share the key's first and last four characters and are
// checked against their salted hash. Expired keys and keys of deleted
// users do not count. In legacy mode the key is the users.authkey column.
func (s *Sim) lookupKey(candidate string) (*user, *authKey) {
	st := s.st
	if !st.settings.AdvancedAuthKeys {
		if id, ok := st.legacyKeys[candidate]; ok {
			return st.users[id], nil
		}
		return nil, nil
	}
	for _, id := range st.keysByHint[candidate[:4]+candidate[len(candidate)-4:]] {
		key := st.keys[id]
		if key.Expiration != 0 && key.Expiration <= now() {
			continue
		}
		if subtle.ConstantTimeCompare(hashKey(key.Salt, candidate), key.Hash) != 1 {
			continue
		}
		if u := st.users[key.UserID]; u != nil {
			return u, key
		}
	}
	return nil, nil
}

// touch records the use of a key: the user's last API access and the
// key's client addresses, as MISP shows them in unique_ips. These changes
// are saved with the next real change.
func (s *Sim) touch(u *user, key *authKey, r *http.Request) {
	u.LastAPIAccess = now()
	if key != nil {
		if ip := remoteIP(r); ip != "" && !slices.Contains(key.UniqueIPs, ip) {
			key.UniqueIPs = append(key.UniqueIPs, ip)
		}
	}
	s.softChanges++
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipAllowed reports whether ip matches one of the addresses or CIDR ranges
// in list.
func ipAllowed(ip string, list []string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, entry := range list {
		if prefix, err := netip.ParsePrefix(entry); err == nil && prefix.Contains(addr) {
			return true
		}
		if other, err := netip.ParseAddr(entry); err == nil && other == addr {
			return true
		}
	}
	return false
}

func hashKey(salt []byte, key string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(key))
	return h.Sum(nil)
}

const keyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomKey returns 40 random alphanumeric characters, the form of MISP's
// API keys.
func randomKey() string {
	return randomString(40, keyAlphabet)
}

func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	limit := 256 - 256%len(alphabet)
	var buf [64]byte
	for i := 0; i < n; {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if int(b) >= limit || i == n {
				continue
			}
			out[i] = alphabet[int(b)%len(alphabet)]
			i++
		}
	}
	return string(out)
}

// randomUUID returns a random version 4 uuid.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return formatUUID(b)
}

// formatUUID sets the version 4 and RFC 4122 variant bits and formats b.
func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}

// newAuthKey creates an advanced auth key for userID and returns the row
// and the clear key, which MISP shows only once.
func (st *state) newAuthKey(userID int, comment *string, created int64) (*authKey, string) {
	clear := randomKey()
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := &authKey{
		ID:        st.next.AuthKey,
		UUID:      randomUUID(),
		Start:     clear[:4],
		End:       clear[36:],
		Salt:      salt,
		Hash:      hashKey(salt, clear),
		Created:   created,
		UserID:    userID,
		Comment:   comment,
		UniqueIPs: []string{},
	}
	st.insertKey(key)
	return key, clear
}

// setAuthKey stores a chosen clear key for userID, as MISP's
// `cake User change_authkey` does: it expires every older key of that
// user.
func (st *state) setAuthKey(userID int, clear string, at int64) *authKey {
	for _, key := range st.keys {
		if key.UserID == userID && (key.Expiration == 0 || key.Expiration > at) {
			key.Expiration = at
		}
	}
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := &authKey{
		ID:        st.next.AuthKey,
		UUID:      randomUUID(),
		Start:     clear[:4],
		End:       clear[36:],
		Salt:      salt,
		Hash:      hashKey(salt, clear),
		Created:   at,
		UserID:    userID,
		UniqueIPs: []string{},
	}
	st.insertKey(key)
	return key
}
