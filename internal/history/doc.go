// Package history records every bump and what it changed on the admin's
// own MISP.
//
// Each bump is one JSON file, bumps/<id>.json, replaced atomically on
// every change (temporary file, fsync, rename), so the file parses after
// a crash at any point and holds either the state before a step or the
// state after it. Partner records are derived from the bump files, so
// the two views can never disagree.
//
// Records never hold keys. A bump that was interrupted holds the ids of
// what it created and, for a create that was started but not confirmed,
// the natural key (organisation uuid, user e-mail, server URL) under
// which the object can be found again, so that the next start can finish
// or roll back the bump without a secret.
package history
