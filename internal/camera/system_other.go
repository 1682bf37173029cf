//go:build !(linux && !android) && !(darwin && !ios && cgo)

package camera

import (
	"fmt"
	"runtime"
)

// System returns a driver whose methods fail with ErrNoCameraAPI: this
// build has no live camera access. On Android and iOS the app reads a
// photo of the code instead (see ScanPhoto); a macOS build needs cgo for
// AVFoundation.
func System() Driver { return noDriver{} }

type noDriver struct{}

func (noDriver) Devices() ([]Device, error) {
	return nil, fmt.Errorf("list cameras on %s: %w", runtime.GOOS, ErrNoCameraAPI)
}

func (noDriver) Open(id string, want Mode) (Stream, error) {
	return nil, fmt.Errorf("open camera %q on %s: %w", id, runtime.GOOS, ErrNoCameraAPI)
}
