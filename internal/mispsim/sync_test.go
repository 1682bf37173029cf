package mispsim

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

func tlsConfigTrusting(t testing.TB, certPEM []byte) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		t.Fatal("simulator certificate is not PEM")
	}
	return &tls.Config{RootCAs: pool}
}

// pairing is one side of a two-way sync: the partner's organisation as
// this side stores it, the sync user this side made for the partner, and
// this side's server entry pointing at the partner.
type pairing struct {
	partnerOrgID string
	syncUserKey  string
	serverID     string
}

// connect sets up a two-way sync between a and b through their REST APIs,
// the way the recorded MISPs were connected. Each side creates the
// partner's organisation with the partner's uuid and a sync user in it,
// then a server entry with the key the other side made.
func connect(t *testing.T, a, b *Sim) (pairing, pairing) {
	t.Helper()
	clientA, clientB := adminClient(t, a), adminClient(t, b)
	idA, idB := a.Identity(), b.Identity()
	var onA, onB pairing
	onA.partnerOrgID = clientA.addOrg(idB.OrgName, idB.OrgUUID, false)
	onB.partnerOrgID = clientB.addOrg(idA.OrgName, idA.OrgUUID, false)
	_, onA.syncUserKey = clientA.addUser("sync@b.example", onA.partnerOrgID, 5)
	_, onB.syncUserKey = clientB.addUser("sync@a.example", onB.partnerOrgID, 5)
	onA.serverID = clientA.post("/servers/add", map[string]any{
		"name": "B", "url": b.URL(), "authkey": onB.syncUserKey,
		"remote_org_id": onA.partnerOrgID, "pull": true, "push": true,
	}).must(t, http.StatusOK).str("Server", "id")
	onB.serverID = clientB.post("/servers/add", map[string]any{
		"name": "A", "url": a.URL(), "authkey": onA.syncUserKey,
		"remote_org_id": onB.partnerOrgID, "pull": true, "push": true,
	}).must(t, http.StatusOK).str("Server", "id")
	return onA, onB
}

// testConnection runs the connection test of a server entry and returns
// the response, which is always HTTP 200.
func testConnection(t *testing.T, c *apiClient, serverID string) apiResponse {
	t.Helper()
	return c.get("/servers/testConnection/"+serverID).must(t, http.StatusOK)
}

func statusOf(a apiResponse) float64 {
	status, _ := a.obj()["status"].(float64)
	return status
}

func TestTwoSimulatorsSync(t *testing.T) {
	a := startSim(t, Options{OrgName: "CERT A"})
	b := startSim(t, Options{OrgName: "CERT B"})
	onA, onB := connect(t, a, b)
	clientA, clientB := adminClient(t, a), adminClient(t, b)

	resultA := testConnection(t, clientA, onA.serverID)
	if got := statusOf(resultA); got != 1 {
		t.Fatalf("A to B status %v, want 1: %s", got, resultA.raw)
	}
	if got := resultA.str("uuid"); got != b.Identity().InstanceUUID {
		t.Errorf("A to B uuid %q, want B's %q", got, b.Identity().InstanceUUID)
	}
	if got := resultA.str("mismatch"); got != "proposal" {
		t.Errorf("mismatch %q, want MISP 2.5.1's \"proposal\"", got)
	}
	if post, _ := resultA.obj()["post"].(float64); post != 1 {
		t.Errorf("post %v, want 1", resultA.obj()["post"])
	}
	resultB := testConnection(t, clientB, onB.serverID)
	if got := statusOf(resultB); got != 1 {
		t.Fatalf("B to A status %v, want 1: %s", got, resultB.raw)
	}

	remote := clientA.get("/servers/getRemoteUser/"+onA.serverID).must(t, http.StatusOK)
	if remote.str("User") != "sync@a.example" || remote.str("Sync flag") != "Yes" ||
		remote.str("Role name") != "Sync user" {
		t.Errorf("getRemoteUser = %s, want B's sync user for A", remote.raw)
	}

	servers := a.Servers()
	if len(servers) != 1 || servers[0].RemoteOrgUUID != b.Identity().OrgUUID {
		t.Fatalf("A's servers = %+v, want one pointing at B's organisation", servers)
	}
	if servers[0].AuthKey.Reveal() != onB.syncUserKey {
		t.Error("A's server entry does not hold the key B made for A")
	}
	user, ok := b.UserByEmail("SYNC@A.example")
	if !ok || user.OrgUUID != a.Identity().OrgUUID || user.RoleName != "Sync user" {
		t.Errorf("B's sync user for A = %+v, %v", user, ok)
	}
}

func TestConnectionStatuses(t *testing.T) {
	a := startSim(t, Options{OrgName: "CERT A"})
	b := startSim(t, Options{OrgName: "CERT B"})
	onA, onB := connect(t, a, b)
	clientA, clientB := adminClient(t, a), adminClient(t, b)

	_, readOnlyKey := clientB.addUser("readonly@a.example", onB.partnerOrgID, 6)
	_, plainKey := clientB.addUser("plain@a.example", onB.partnerOrgID, 3)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unreachable := "http://" + closed.Addr().String()
	closed.Close()

	cases := []struct {
		name   string
		edit   map[string]any
		status float64
	}{
		{"wrong key", map[string]any{"authkey": randomKey()}, 4},
		{"read only role", map[string]any{"authkey": readOnlyKey}, 7},
		{"user role", map[string]any{"authkey": plainKey}, 8},
		{"unreachable", map[string]any{"url": unreachable, "authkey": onB.syncUserKey}, 2},
		{"sync user again", map[string]any{"url": b.URL()}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clientA.post("/servers/edit/"+onA.serverID, tc.edit).must(t, http.StatusOK)
			result := testConnection(t, clientA, onA.serverID)
			if got := statusOf(result); got != tc.status {
				t.Errorf("status %v, want %v: %s", got, tc.status, result.raw)
			}
			if tc.status == 7 || tc.status == 8 {
				post, _ := result.obj()["post"].(map[string]any)
				if post["status"] != 1.0 {
					t.Errorf("post = %v, want the object form with status 1", result.obj()["post"])
				}
				if result.str("info", "uuid") != "-" {
					t.Errorf("info.uuid = %q, want \"-\" for a user without perm_sync",
						result.str("info", "uuid"))
				}
			}
		})
	}
}

func TestConnectionOverTLS(t *testing.T) {
	a := startSim(t, Options{OrgName: "CERT A"})
	secure := startSim(t, Options{OrgName: "CERT TLS", TLS: true, DataDir: t.TempDir()})
	clientA := adminClient(t, a)
	remoteOrg := clientA.addOrg("CERT TLS", secure.Identity().OrgUUID, false)
	base := map[string]any{"name": "TLS partner", "url": secure.URL(),
		"authkey": secure.AdminKey().Reveal(), "remote_org_id": remoteOrg}

	withCert := clientA.post("/servers/add", merge(base, map[string]any{
		"submitted_cert": base64.StdEncoding.EncodeToString(secure.CertPEM()),
	})).must(t, http.StatusOK)
	certFile := withCert.str("Server", "cert_file")
	if certFile != withCert.str("Server", "id")+".pem" {
		t.Errorf("cert_file = %q, want <id>.pem", certFile)
	}
	if got := statusOf(testConnection(t, clientA, withCert.str("Server", "id"))); got != 1 {
		t.Errorf("with the uploaded certificate: status %v, want 1", got)
	}

	without := clientA.post("/servers/add", base).must(t, http.StatusOK)
	if got := statusOf(testConnection(t, clientA, without.str("Server", "id"))); got != 2 {
		t.Errorf("without a certificate: status %v, want 2 (unknown authority)", got)
	}

	// MISP's self_signed without a certificate turns verification off.
	selfSigned := clientA.post("/servers/add", merge(base, map[string]any{"self_signed": true})).
		must(t, http.StatusOK)
	if got := statusOf(testConnection(t, clientA, selfSigned.str("Server", "id"))); got != 1 {
		t.Errorf("self_signed: status %v, want 1", got)
	}

	bad := clientA.post("/servers/add", merge(base, map[string]any{"submitted_cert": "bm90IGEgY2VydA=="}))
	if bad.status != http.StatusFound || bad.header.Get("Location") != a.URL()+"/servers/index" {
		t.Errorf("invalid certificate: status %d location %q, want MISP's 302 to /servers/index",
			bad.status, bad.header.Get("Location"))
	}
	if got := len(a.Servers()); got != 4 {
		t.Errorf("%d server entries, want 4: MISP saves the entry before it rejects the certificate", got)
	}
}

func TestUploadedCertStoredInDataDir(t *testing.T) {
	dir := t.TempDir()
	a := startSim(t, Options{DataDir: dir})
	secure := startSim(t, Options{TLS: true})
	clientA := adminClient(t, a)
	remoteOrg := clientA.addOrg("CERT TLS", secure.Identity().OrgUUID, false)
	added := clientA.post("/servers/add", map[string]any{"name": "TLS", "url": secure.URL(),
		"authkey": secure.AdminKey().Reveal(), "remote_org_id": remoteOrg,
		"submitted_cert": base64.StdEncoding.EncodeToString(secure.CertPEM()),
	}).must(t, http.StatusOK)
	stored, err := os.ReadFile(filepath.Join(dir, "certs", added.str("Server", "cert_file")))
	if err != nil {
		t.Fatalf("read stored certificate: %v", err)
	}
	if string(stored) != string(secure.CertPEM()) {
		t.Error("stored certificate differs from the uploaded one")
	}
	clientA.post("/servers/delete/"+added.str("Server", "id"), nil).must(t, http.StatusOK)
	if _, err := os.Stat(filepath.Join(dir, "certs", added.str("Server", "cert_file"))); !os.IsNotExist(err) {
		t.Errorf("certificate file still there after delete: %v", err)
	}
}

func merge(base, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
