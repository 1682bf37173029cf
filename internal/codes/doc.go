// Package codes turns handshake messages into text and QR codes and back.
//
// Every message has a text form: TextPrefix followed by the Base45
// encoding (RFC 9285) of a small binary body. Base45 uses exactly the 45
// characters of the QR alphanumeric mode, so a code stores 5.5 bits per
// character and never relies on byte mode, where readers guess a
// character set and can mangle binary data.
//
// # Body format
//
// The body starts with one header byte: the low four bits give the kind
// (0 for a whole message, 1 for one frame of an animated code) and bit 7
// marks that one padding byte ends the body. The body always has an odd
// length, so the last Base45 group has two characters and the text never
// ends in a space, which lets decoders trim whitespace around pasted text.
//
//	message: header, message bytes, CRC-32 (IEEE) of what precedes, [pad]
//	frame:   header, message id (4), message length (2, big endian),
//	         frame index (2, big endian), block, CRC-32, [pad]
//
// The message id is the first four bytes of the SHA-256 of the message,
// so the assembler checks a finished message against it.
//
// # Animated codes
//
// Long messages are split into K equal blocks and shown as a loop of
// small codes. Frames 0 to K-1 carry the blocks themselves; frames from K
// on carry parity blocks of a systematic Reed-Solomon erasure code over
// GF(256) built from a Cauchy matrix, so any K distinct frames rebuild the
// message. A scanner that misses frames therefore completes after seeing
// K distinct frames, whichever they are.
package codes
