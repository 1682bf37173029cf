//go:build unix

package exchange

import (
	"syscall"
	"time"
)

// processCPU returns the user and system CPU time of this process so far,
// garbage collection included.
func processCPU() (time.Duration, bool) {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0, false
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()), true
}
