//go:build !unix

package history

import "os"

// NOTE: without flock, two processes on one data directory are not kept
// apart on this platform; mispbump targets Linux, macOS and Android.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
