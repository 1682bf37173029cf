// Package scan feeds images from files, the screen or a camera to the
// code reader and assembles the messages they carry.
//
// A Source hands out frames. Run reads frames until a complete message
// passes the caller's accept check. Live sources (screen, camera) produce
// frames faster than a hard frame decodes, so Run decodes only the latest
// frame and drops those that arrive while it works. Recorded sources
// (files) are decoded frame by frame.
package scan
