//go:build !unix

package camera

import "time"

// ProcessCPUTime returns false: this platform has no getrusage, so
// Camera paces decoding by time alone.
func ProcessCPUTime() (time.Duration, bool) {
	return 0, false
}
