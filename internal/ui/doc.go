// Package ui is the mispbump app: a Fyne window with three screens.
//
//   - Profile: the admin's MISP URL, API key, TLS trust, sync defaults and
//     a connection test that shows the fetched profile and its warnings.
//   - Bump: one side of a bump, from "Show my code first" or "Scan
//     partner's code first" to the verified partnership, driven by a
//     bump.Session.
//   - History: partners with their status, the bumps behind them, "Verify
//     again" and "Remove partnership".
//
// # Threading
//
// Fyne widgets belong to the UI goroutine. Every call that can wait on the
// network or on a scan runs in its own goroutine: MISP requests, every
// bump.Session method that provisions, screen captures, image decoding.
// Its result comes back through UI.do, which is fyne.Do in the app. In
// tests it is a queue that the test goroutine drains. A bump.Session holds its
// lock for the whole of a long call such as Verify, so the screens never
// call it from the UI goroutine: after every operation the worker copies
// what the screen needs into a bumpState and hands that over instead.
//
// # Keyboard
//
// Every action of the bump flow and the screen switch has a shortcut
// (shortcuts.go), registered on the window canvas. Entries forward these
// shortcuts to the canvas, so they work while a text field has the focus.
// docs/gui.md lists them.
package ui
