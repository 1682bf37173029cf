// Package assets embeds the files the binary ships with, so the app
// needs nothing next to it at run time.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the app icon (assets/icon.png), also named in FyneApp.toml.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
