//go:build (linux || freebsd || netbsd || openbsd) && !android

package scan

import (
	"io"
	"log"

	"github.com/jezek/xgb"
)

// The X11 library behind the screen capture logs to standard error on
// every connection when there is no ~/.Xauthority (as under Xvfb), which
// would flood the app's log at five captures a second. Failures still
// reach the caller as errors.
func init() {
	xgb.Logger = log.New(io.Discard, "", 0)
}
