package codes

import (
	"fmt"
	"sync"
)

// Kind is the kind of a code: static, or one frame of an animated code.
type Kind int

// Kinds of code.
const (
	KindStatic Kind = iota + 1
	KindFrame
)

// String returns "static" or "frame".
func (k Kind) String() string {
	switch k {
	case KindStatic:
		return "static"
	case KindFrame:
		return "frame"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Progress is the state of one message after Collector.Add.
type Progress struct {
	MessageID MessageID
	Kind      Kind
	// Frame is the index of the frame just added, for KindFrame.
	Frame int
	// Have counts the independent frames received and Need the frames
	// the message needs; both are 1 for a static code.
	Have, Need int
	// New is false when the text added nothing: a repeated frame or a
	// message that was already complete.
	New      bool
	Complete bool
	// Message is set once Complete.
	Message []byte
}

// String returns the progress for people, such as "7 of 9".
func (p Progress) String() string {
	return fmt.Sprintf("%d of %d", p.Have, p.Need)
}

// Limits that keep a Collector small however many foreign or damaged
// frames a scanner reads.
const (
	maxPending   = 8
	maxCompleted = 16
)

// Collector assembles messages from the texts of static codes and of
// animated frames, in any order, ignoring repeats and keeping several
// messages apart by their ids. It is safe for concurrent use. The zero
// value is not ready, so use NewCollector.
type Collector struct {
	mu        sync.Mutex
	pending   map[MessageID]*assembly
	completed map[MessageID][]byte
	// order lists pending and completed ids from the oldest use, for
	// eviction.
	order []MessageID
}

// assembly is a message whose frames are still arriving.
type assembly struct {
	length, blockLen int
	decoder          *erasureDecoder
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{
		pending:   make(map[MessageID]*assembly),
		completed: make(map[MessageID][]byte),
	}
}

// Add decodes the text of one code and returns the progress of its
// message. Errors wrap ErrNotCode, ErrDamaged or ErrUnsupportedVersion.
func (c *Collector) Add(text string) (Progress, error) {
	k, content, err := parseText(text)
	if err != nil {
		return Progress{}, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()

	if k == kindMessage {
		return c.addStatic(content), nil
	}

	f, err := parseFrame(content)
	if err != nil {
		return Progress{}, err
	}
	return c.addFrame(f)
}

func (c *Collector) addStatic(msg []byte) Progress {
	id := IDOf(msg)
	p := Progress{MessageID: id, Kind: KindStatic, Have: 1, Need: 1, Complete: true}

	if known, ok := c.completed[id]; ok {
		p.Message = known
		c.touch(id)
		return p
	}

	p.New = true
	p.Message = append([]byte(nil), msg...)
	c.complete(id, p.Message)
	return p
}

func (c *Collector) addFrame(f frame) (Progress, error) {
	need := f.blocks()
	p := Progress{MessageID: f.id, Kind: KindFrame, Frame: f.index, Need: need}

	if known, ok := c.completed[f.id]; ok {
		p.Have, p.Complete, p.Message = need, true, known
		c.touch(f.id)
		return p, nil
	}

	a, ok := c.pending[f.id]
	if !ok {
		a = &assembly{length: f.length, blockLen: len(f.block), decoder: newErasureDecoder(need, len(f.block))}
		c.pending[f.id] = a
	} else if a.length != f.length || a.blockLen != len(f.block) {
		return Progress{}, fmt.Errorf("%w: frame %d of message %s gives %d bytes in blocks of %d, "+
			"earlier frames gave %d in blocks of %d", ErrDamaged, f.index, f.id,
			f.length, len(f.block), a.length, a.blockLen)
	}
	c.touch(f.id)

	added, err := a.decoder.add(f.index, f.block)
	if err != nil {
		return Progress{}, fmt.Errorf("%w: message %s: %w", ErrDamaged, f.id, err)
	}
	p.New = added
	p.Have = a.decoder.rank

	if !a.decoder.complete() {
		return p, nil
	}

	msg := a.decoder.message(a.length)
	delete(c.pending, f.id)
	if IDOf(msg) != f.id {
		c.forget(f.id)
		return Progress{}, fmt.Errorf("%w: message %s does not match its id after assembly, "+
			"so a frame was wrong; keep scanning to collect it again", ErrDamaged, f.id)
	}
	c.complete(f.id, msg)
	p.Complete, p.Message = true, msg
	return p, nil
}

// complete records a finished message.
func (c *Collector) complete(id MessageID, msg []byte) {
	delete(c.pending, id)
	c.completed[id] = msg
	c.touch(id)
}

// touch moves id to the end of the use order and evicts the oldest
// messages beyond the limits.
func (c *Collector) touch(id MessageID) {
	c.removeFromOrder(id)
	c.order = append(c.order, id)

	for len(c.pending) > maxPending || len(c.completed) > maxCompleted {
		evicted := false
		for _, old := range c.order {
			_, isPending := c.pending[old]
			if isPending && len(c.pending) > maxPending || !isPending && len(c.completed) > maxCompleted {
				c.forget(old)
				evicted = true
				break
			}
		}
		if !evicted {
			return
		}
	}
}

func (c *Collector) forget(id MessageID) {
	delete(c.pending, id)
	delete(c.completed, id)
	c.removeFromOrder(id)
}

func (c *Collector) removeFromOrder(id MessageID) {
	for i, v := range c.order {
		if v == id {
			c.order = append(c.order[:i], c.order[i+1:]...)
			return
		}
	}
}

// Pending returns the progress of every message still missing frames.
func (c *Collector) Pending() []Progress {
	c.mu.Lock()
	defer c.mu.Unlock()

	var out []Progress
	for _, id := range c.order {
		if a, ok := c.pending[id]; ok {
			out = append(out, Progress{MessageID: id, Kind: KindFrame, Have: a.decoder.rank, Need: a.decoder.k})
		}
	}
	return out
}
