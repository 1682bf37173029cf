// Package provision sets up one side of a MISP sync partnership on the
// admin's own MISP: it reads the admin's profile, plans what to create
// for a partner, applies the plan step by step, enables the sync user
// once both admins confirmed the code, verifies the connection, and
// undoes what a bump created.
//
// Every step is recorded in the history before and after its request,
// and every create is preceded by a lookup, so running a step again after
// any failure, a crash included, converges without duplicates.
// docs/provisioning.md describes the sequence and its reasons.
package provision
