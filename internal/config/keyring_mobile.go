//go:build android || ios

package config

// osKeyring reports that no OS keyring is reachable from Go on phones;
// the key goes to a file in the app's private storage, which only the
// app can read.
func osKeyring() (KeyStore, bool) {
	return nil, false
}
