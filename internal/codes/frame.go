package codes

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// MessageID names a message: the first four bytes of its SHA-256. It
// keeps frames of different messages apart and checks the assembled
// message.
type MessageID uint32

// String returns the id as eight hex digits.
func (id MessageID) String() string {
	return fmt.Sprintf("%08x", uint32(id))
}

// IDOf returns the MessageID of msg.
func IDOf(msg []byte) MessageID {
	sum := sha256.Sum256(msg)
	return MessageID(binary.BigEndian.Uint32(sum[:4]))
}

// frameHeaderLen is the message id, message length and frame index.
const frameHeaderLen = 4 + 2 + 1

// maxMessageLen is the largest message an animated code carries, set by
// the two-byte length field.
const maxMessageLen = 0xFFFF

// frame is one decoded frame of an animated code.
type frame struct {
	id     MessageID
	length int // message length in bytes
	index  int
	block  []byte
}

// blocks returns K, the number of source blocks of the frame's message.
func (f frame) blocks() int {
	return (f.length + len(f.block) - 1) / len(f.block)
}

func (f frame) content() []byte {
	out := make([]byte, 0, frameHeaderLen+len(f.block))
	out = binary.BigEndian.AppendUint32(out, uint32(f.id))
	out = binary.BigEndian.AppendUint16(out, uint16(f.length))
	out = append(out, byte(f.index))
	return append(out, f.block...)
}

// parseFrame checks and splits the content of a frame body.
func parseFrame(content []byte) (frame, error) {
	if len(content) <= frameHeaderLen {
		return frame{}, fmt.Errorf("%w: frame of %d bytes has no data", ErrDamaged, len(content))
	}

	f := frame{
		id:     MessageID(binary.BigEndian.Uint32(content)),
		length: int(binary.BigEndian.Uint16(content[4:])),
		index:  int(content[6]),
		block:  content[frameHeaderLen:],
	}
	if f.length == 0 {
		return frame{}, fmt.Errorf("%w: frame of message %s gives a length of 0", ErrDamaged, f.id)
	}
	if k := f.blocks(); k > maxBlocks {
		return frame{}, fmt.Errorf("%w: frame of message %s splits it into %d blocks, more than %d",
			ErrDamaged, f.id, k, maxBlocks)
	}
	return f, nil
}
