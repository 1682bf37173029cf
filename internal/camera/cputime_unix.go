//go:build unix

package camera

import (
	"syscall"
	"time"
)

// ProcessCPUTime returns the CPU time, user and system, that this
// process has used so far, and true. Where the platform offers no such
// count it returns false.
func ProcessCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
