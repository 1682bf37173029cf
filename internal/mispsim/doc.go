// Package mispsim is an HTTP server that responds like MISP 2.5.1 on the
// wire, for tests and demos (`mispbump sim`).
//
// It covers the endpoints a sync setup needs: instance identity and
// settings, organisations, roles, users, advanced and legacy auth keys,
// server entries with their connection test, and MISP's own sync-config
// exchange (servers/createSync and servers/import). Status codes, wrappers,
// field order and value types follow what two running MISP 2.5.1 servers
// returned, quirks included. Ids and timestamps are JSON strings,
// validation errors get 403, requests that do not ask for JSON get a 302
// to /users/login, and the servers/delete body repeats its message as id.
// Events, pulls, pushes and background jobs are not simulated.
//
// # Connecting two simulators
//
// servers/testConnection really calls the stored URL's /servers/getVersion
// and /servers/postTest with the stored key, so two simulators on loopback
// connect to each other like two MISPs, and report MISP's status codes
// (1 OK, 2 unreachable, 3 unexpected response, 4 authentication failed,
// 7 and 8 not a sync user).
//
// # Keys
//
// Advanced auth keys are stored as SHA-256 of a per-key random salt and the
// key. MISP uses bcrypt, which exists to slow down guessing of low-entropy
// passwords. A MISP key has 40 random alphanumeric characters (about 238
// bits), so a slow hash adds nothing here, while bcrypt at cost 10 would
// add tens of milliseconds (an estimate) to every request. Candidates are
// found through the key's first and last four characters, as MISP does, so
// a check costs one SHA-256 and no lookup cache is needed. Legacy keys (Security.advanced_authkeys off)
// live in clear text in the user row, as in MISP's users.authkey column.
// Server entries keep the partner's key in clear text, because the
// connection test must send it.
//
// # State
//
// With a data directory, state survives restarts: every change rewrites a
// small JSON file atomically (temporary file, fsync, rename). Seeded rows
// are regenerated from the seed parameters at start-up and only the rows
// that changed are stored, so a simulator seeded with 10,000 organisations
// and 50,000 users still writes a few kilobytes per change. Lookups by id,
// uuid, name, email and key go through indexes, so the cost of one request
// does not grow with the number of rows, except for list endpoints that
// return every row.
//
// # Fault injection
//
// Tests make the Nth call to an endpoint fail with a status and body, an
// HTML page, a delay or a dropped connection, optionally after the real
// action ran (MISP's "maybe saved" 500). Faults, request counts and a reset
// are available from Go (InjectFault, Counts, Reset) and, for a simulator
// running as a separate process, under /_sim/ with the admin key.
package mispsim
