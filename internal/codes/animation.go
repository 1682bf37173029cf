package codes

import (
	"fmt"
	"image"
)

// Default animation settings. A version 10 frame at level M carries up to
// 187 bytes of message, so the largest handshake message (about 1,500
// bytes) needs 9 frames, a loop of about one second at 9 frames per
// second.
const (
	DefaultFrameVersion = 10
	DefaultFrameLevel   = LevelM
)

// AnimationOptions configures NewAnimation. The zero value uses the
// defaults.
type AnimationOptions struct {
	// MaxVersion is the largest QR version of a frame, 1 to 40. Frames
	// of a message all have the same, smallest possible, version at or
	// below it. Zero means DefaultFrameVersion.
	MaxVersion int

	// Level is the error-correction level of every frame. Zero means
	// DefaultFrameLevel.
	Level ECLevel
}

// Animation splits one message into the frames of an animated code. Show
// FrameImage(0), FrameImage(1), ... in a loop that keeps counting up past
// Frames(): frames from Frames() on carry parity, so a scanner that
// misses some frames completes after any Frames() distinct ones.
type Animation struct {
	id     MessageID
	length int
	blocks [][]byte
	level  ECLevel
	// version is the QR version that every frame uses.
	version int
}

// NewAnimation splits msg into frames that each fit in a QR code of at
// most opts.MaxVersion.
func NewAnimation(msg []byte, opts AnimationOptions) (*Animation, error) {
	maxVersion := opts.MaxVersion
	if maxVersion == 0 {
		maxVersion = DefaultFrameVersion
	}
	if maxVersion < 1 || maxVersion > 40 {
		return nil, fmt.Errorf("frame version %d is out of range, use 1 to 40", maxVersion)
	}
	if len(msg) == 0 || len(msg) > maxMessageLen {
		return nil, fmt.Errorf("message of %d bytes cannot be animated, the size must be "+
			"1 to %d bytes", len(msg), maxMessageLen)
	}

	level := opts.Level
	if level == 0 {
		level = DefaultFrameLevel
	}
	if level < LevelL || level > LevelH {
		return nil, fmt.Errorf("error-correction level %v is unknown, use L, M, Q or H", level)
	}

	blockMax := frameBlockCapacity(maxVersion, level)
	if blockMax < 1 {
		return nil, fmt.Errorf("a version %d frame at level %v has no room for data, raise the "+
			"frame version", maxVersion, level)
	}

	k := (len(msg) + blockMax - 1) / blockMax
	if k > maxBlocks {
		return nil, fmt.Errorf("message of %d bytes needs %d frames of version %d, more than %d; "+
			"raise the frame version", len(msg), k, maxVersion, maxBlocks)
	}

	// Equal blocks as small as k frames allow, so every frame has the
	// same, smallest, version.
	blockLen := (len(msg) + k - 1) / k
	padded := make([]byte, k*blockLen)
	copy(padded, msg)
	a := &Animation{id: IDOf(msg), length: len(msg), level: level}
	for i := 0; i < k; i++ {
		a.blocks = append(a.blocks, padded[i*blockLen:(i+1)*blockLen])
	}

	a.version = minVersion(len(a.FrameText(0)), level)
	return a, nil
}

// frameBlockCapacity returns the largest block that fits one frame of the
// given version and level.
func frameBlockCapacity(version int, level ECLevel) int {
	chars := alphanumericCapacity(version, level) - len(TextPrefix)
	bodyLen := chars / 3 * 2
	if chars%3 == 2 {
		bodyLen++
	}
	return bodyLen - bodyOverhead - frameHeaderLen
}

// ID returns the id of the animated message.
func (a *Animation) ID() MessageID {
	return a.id
}

// Frames returns K, the number of frames that carry the message's own
// blocks, which is the minimum a scanner needs.
func (a *Animation) Frames() int {
	return len(a.blocks)
}

// Version returns the QR version of every frame.
func (a *Animation) Version() int {
	return a.version
}

// frameIndex maps a position in the endless loop to a frame index: source
// frames first, then the parity frames K..255 over and over.
func (a *Animation) frameIndex(i int) int {
	k := len(a.blocks)
	if i < k {
		return i
	}
	return k + (i-k)%(maxFrameIndex+1-k)
}

// FrameText returns the text of frame i, for any i >= 0.
func (a *Animation) FrameText(i int) string {
	if i < 0 {
		i = 0
	}
	f := a.frameIndex(i)
	fr := frame{id: a.id, length: a.length, index: f, block: encodeBlock(a.blocks, f)}
	return TextPrefix + encodeBase45(sealBody(kindFrame, fr.content()))
}

// FrameImage draws frame i like RenderStatic draws a message.
func (a *Animation) FrameImage(i int, maxSide int) (image.Image, error) {
	qr, err := encodeSymbol(a.FrameText(i), a.level, a.version)
	if err != nil {
		return nil, fmt.Errorf("encode frame %d of message %s: %w", i, a.id, err)
	}
	return renderSymbol(qr, maxSide)
}
