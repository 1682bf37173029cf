// Package exchange implements the bump handshake: four messages that let
// two mispbump apps learn each other's MISP profile and sync key, followed
// by a confirmation code that both admins compare.
//
// # Roles and messages
//
// The initiator starts a bump and the responder responds to it:
//
//	step  name   direction              content
//	1     hello  initiator → responder  commitment to a nonce, time,
//	                                    ephemeral X-Wing public key (clear)
//	2     reply  responder → initiator  encapsulation, sealed responder profile
//	3     offer  initiator → responder  sealed initiator profile, key, nonce
//	4     key    responder → initiator  sealed responder sync key
//
// After the offer (initiator) or after reading it (responder), Code returns
// the confirmation code. The admins compare it, aloud when remote, and only
// on a match does each side enable the sync user whose key it sent. A man
// in the middle therefore learns keys of users that stay disabled.
//
// The package produces and consumes message bytes only: the text form and
// the QR codes that carry them live elsewhere.
//
// # Cryptography
//
// HPKE (RFC 9180) in base mode with the X-Wing hybrid KEM (X25519 and
// ML-KEM-768, KEM id 0x647a), HKDF-SHA256 and ChaCha20-Poly1305, from
// github.com/cloudflare/circl. The responder seals the reply and the key
// message with the HPKE context. The initiator seals the offer with a key
// exported from that context, so the two directions never share a key.
// Every sealed message authenticates a hash of all earlier messages and of
// its own clear part. docs/protocol.md in the repository describes the
// messages byte by byte, the state machines and the security argument.
//
// # Keys and secrets
//
// Ephemeral private keys exist only inside an Initiator or Responder and
// are dropped when they are no longer needed or when the session expires.
// Sync keys travel as secret.Key and never appear in errors or logs.
// Initiator and Responder are not safe for concurrent use.
package exchange
