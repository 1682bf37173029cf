package provision

import (
	"strings"
	"testing"

	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/mispsim"
)

// A create that fails with a 500 may have been saved. Provisioning looks
// the record up before a retry, so the error states that a retry is
// safe instead of asking the admin to list the records.
func TestMaybeSavedFailureSaysRetryIsSafe(t *testing.T) {
	a, b := twoSides(t)
	r, err := a.start(t, b.exchangeProfile(t), history.RoleInitiator, loopbackOptions)
	if err != nil {
		t.Fatal(err)
	}
	a.sim.InjectFault(mispsim.Fault{Method: "POST", Path: "/admin/organisations/add", Kind: mispsim.FaultStatus, Status: 500})
	err = r.account(t)
	if err == nil {
		t.Fatal("apply succeeded although MISP answered 500")
	}
	msg := err.Error()
	if strings.Contains(msg, "list the records") || !strings.Contains(msg, "a retry first looks for a record MISP may have saved") {
		t.Errorf("error after a 500 on organisations/add: %s", msg)
	}
	if err := r.account(t); err != nil {
		t.Fatalf("retry after the 500: %v", err)
	}
}
