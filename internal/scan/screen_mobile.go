//go:build android || ios

package scan

// Screen returns ErrScreenUnavailable: mobile systems give apps no
// capture of other apps' screens.
func Screen(opts ScreenOptions) (Source, error) {
	return nil, ErrScreenUnavailable
}
