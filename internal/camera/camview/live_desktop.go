//go:build !android && !ios

package camview

// LiveCamera reports whether this build shows a live camera preview.
// Desktop builds do; phones read a photo with PickPhoto instead.
const LiveCamera = true
