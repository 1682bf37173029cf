package codes

import (
	"bytes"
	"errors"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

func newTestAnimation(t testing.TB, n int, seed int64) (*Animation, []byte) {
	t.Helper()
	msg := randomMessage(t, n, seed)
	anim, err := NewAnimation(msg, AnimationOptions{})
	if err != nil {
		t.Fatalf("animate %d bytes: %v", n, err)
	}
	return anim, msg
}

// collect adds the frames at the given loop positions and returns the
// last progress.
func collect(t *testing.T, c *Collector, anim *Animation, positions []int) Progress {
	t.Helper()
	var p Progress
	for _, i := range positions {
		var err error
		p, err = c.Add(anim.FrameText(i))
		if err != nil {
			t.Fatalf("add frame %d: %v", i, err)
		}
	}
	return p
}

func TestAnimationFramesFitVersion(t *testing.T) {
	for _, n := range handshakeSizes {
		anim, _ := newTestAnimation(t, n, int64(n))
		if anim.Version() > DefaultFrameVersion {
			t.Errorf("%d bytes: frame version %d exceeds %d", n, anim.Version(), DefaultFrameVersion)
		}
		for i := 0; i < anim.Frames()+2; i++ {
			text := anim.FrameText(i)
			if v := minVersion(len(text), DefaultFrameLevel); v != anim.Version() {
				t.Errorf("%d bytes: frame %d needs version %d, animation says %d", n, i, v, anim.Version())
			}
		}
	}
}

func TestCollectorAnyKFrames(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, n := range handshakeSizes {
		anim, msg := newTestAnimation(t, n, int64(n))
		k := anim.Frames()

		orders := map[string][]int{
			"in order":      seq(0, k),
			"reverse":       reverse(seq(0, k)),
			"parity only":   seq(k, 2*k),
			"late parity":   seq(200, 200+k),
			"mixed shuffle": rng.Perm(2 * k)[:k],
		}
		for name, order := range orders {
			c := NewCollector()
			p := collect(t, c, anim, order)
			if !p.Complete {
				t.Errorf("%d bytes, %s: incomplete after %d distinct frames: %v", n, name, k, p)
				continue
			}
			if !bytes.Equal(p.Message, msg) {
				t.Errorf("%d bytes, %s: message differs", n, name)
			}
		}
	}
}

func seq(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

func reverse(s []int) []int {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

func TestCollectorProgressAndDuplicates(t *testing.T) {
	anim, _ := newTestAnimation(t, 1500, 1)
	k := anim.Frames()
	if k < 3 {
		t.Fatalf("1500 bytes gave %d frames, the test needs 3 or more", k)
	}
	c := NewCollector()

	p := collect(t, c, anim, []int{0})
	if p.Have != 1 || p.Need != k || !p.New || p.Complete || p.Kind != KindFrame {
		t.Fatalf("after frame 0: %+v", p)
	}
	if want := "1 of " + strconv.Itoa(k); p.String() != want {
		t.Errorf("progress reads %q, want %q", p.String(), want)
	}

	p = collect(t, c, anim, []int{0})
	if p.New || p.Have != 1 {
		t.Errorf("repeated frame 0: New=%v Have=%d, want false and 1", p.New, p.Have)
	}

	// A loop position past the parity range maps back to the same frame.
	wrapped := k + (maxFrameIndex + 1 - k)
	collect(t, c, anim, []int{k})
	p = collect(t, c, anim, []int{wrapped})
	if p.New || p.Have != 2 {
		t.Errorf("frame %d, the same as frame %d: New=%v Have=%d", wrapped, k, p.New, p.Have)
	}

	p = collect(t, c, anim, seq(1, k))
	if !p.Complete {
		t.Fatalf("incomplete: %v", p)
	}
	p = collect(t, c, anim, []int{3})
	if !p.Complete || p.New || p.Message == nil {
		t.Errorf("frame after completion: %+v", p)
	}
	if len(c.Pending()) != 0 {
		t.Errorf("pending after completion: %v", c.Pending())
	}
}

func TestCollectorInterleavedMessages(t *testing.T) {
	a, msgA := newTestAnimation(t, 1260, 1)
	b, msgB := newTestAnimation(t, 600, 2)
	static := randomMessage(t, 120, 3)
	c := NewCollector()

	done := map[MessageID][]byte{}
	for i := 0; i < a.Frames() || i < b.Frames(); i++ {
		for _, anim := range []*Animation{a, b} {
			if i >= anim.Frames() {
				continue
			}
			p := collect(t, c, anim, []int{i})
			if p.Complete {
				done[p.MessageID] = p.Message
			}
		}
		if i == 1 {
			p, err := c.Add(EncodeText(static))
			if err != nil {
				t.Fatal(err)
			}
			if p.Kind != KindStatic || !p.Complete || !bytes.Equal(p.Message, static) {
				t.Errorf("static code in between: %+v", p)
			}
		}
	}
	if !bytes.Equal(done[a.ID()], msgA) || !bytes.Equal(done[b.ID()], msgB) {
		t.Errorf("interleaved messages: got %d complete, want both intact", len(done))
	}
}

func TestCollectorWithLoss(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	anim, msg := newTestAnimation(t, 1500, 4)
	for trial := 0; trial < 50; trial++ {
		c := NewCollector()
		shown := 0
		for i := rng.Intn(40); ; i++ {
			shown++
			if rng.Float64() < 0.3 {
				continue
			}
			p := collect(t, c, anim, []int{i})
			if p.Complete {
				if !bytes.Equal(p.Message, msg) {
					t.Fatal("message differs")
				}
				if p.Have != anim.Frames() {
					t.Errorf("complete with Have %d, want %d", p.Have, anim.Frames())
				}
				break
			}
			if shown > 10*anim.Frames() {
				t.Fatalf("trial %d: no completion after %d frames", trial, shown)
			}
		}
	}
}

// forgeFrame builds a well-formed frame text, checksum included, for
// content the encoder would never produce.
func forgeFrame(f frame) string {
	return TextPrefix + encodeBase45(sealBody(kindFrame, f.content()))
}

func TestCollectorRejectsBadFrames(t *testing.T) {
	anim, _ := newTestAnimation(t, 600, 6)
	good := anim.FrameText(0)
	k, content, err := parseText(good)
	if err != nil || k != kindFrame {
		t.Fatal(err)
	}
	f, err := parseFrame(content)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("conflicting length", func(t *testing.T) {
		c := NewCollector()
		collect(t, c, anim, []int{0})
		bad := f
		bad.index = 1
		bad.length = f.length - 1
		if _, err := c.Add(forgeFrame(bad)); !errors.Is(err, ErrDamaged) {
			t.Errorf("error = %v, want ErrDamaged", err)
		}
	})

	t.Run("wrong block", func(t *testing.T) {
		c := NewCollector()
		bad := f
		bad.block = bytes.Clone(f.block)
		bad.block[0] ^= 0xFF
		if _, err := c.Add(forgeFrame(bad)); err != nil {
			t.Fatalf("forged frame rejected early: %v", err)
		}
		var lastErr error
		for i := 1; i < anim.Frames(); i++ {
			_, lastErr = c.Add(anim.FrameText(i))
		}
		if !errors.Is(lastErr, ErrDamaged) {
			t.Fatalf("assembly with a wrong block: error = %v, want ErrDamaged", lastErr)
		}
		// The collector forgot the bad assembly, so good frames complete.
		p := collect(t, c, anim, seq(0, anim.Frames()))
		if !p.Complete {
			t.Errorf("good frames after a failed assembly: %v", p)
		}
	})

	t.Run("zero length", func(t *testing.T) {
		bad := f
		bad.length = 0
		if _, err := NewCollector().Add(forgeFrame(bad)); !errors.Is(err, ErrDamaged) {
			t.Errorf("error = %v, want ErrDamaged", err)
		}
	})

	t.Run("too many blocks", func(t *testing.T) {
		bad := frame{id: f.id, length: 60000, index: 0, block: []byte{1, 2}}
		if _, err := NewCollector().Add(forgeFrame(bad)); !errors.Is(err, ErrDamaged) {
			t.Errorf("error = %v, want ErrDamaged", err)
		}
	})
}

func TestCollectorBoundsPending(t *testing.T) {
	c := NewCollector()
	for i := 0; i < 3*maxPending; i++ {
		anim, _ := newTestAnimation(t, 1500, int64(100+i))
		collect(t, c, anim, []int{0})
	}
	if n := len(c.Pending()); n != maxPending {
		t.Errorf("pending messages = %d, want the limit %d", n, maxPending)
	}
}

func FuzzCollectorAdd(f *testing.F) {
	anim, err := NewAnimation(make([]byte, 700), AnimationOptions{})
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		f.Add(anim.FrameText(i), uint16(i))
	}
	f.Add(EncodeText([]byte("static")), uint16(0))
	f.Add(forgeFrame(frame{id: 1, length: 9, index: 200, block: []byte{1, 2, 3}}), uint16(3))
	f.Add(forgeFrame(frame{id: 2, length: maxMessageLen, index: 255, block: make([]byte, 512)}), uint16(5))
	f.Add(forgeFrame(frame{id: 3, length: maxMessageLen, index: 0, block: make([]byte, 511)}), uint16(6))
	f.Add("> "+anim.FrameText(9), uint16(7))
	f.Fuzz(func(t *testing.T, text string, seed uint16) {
		c := NewCollector()
		// Feed the fuzzed text between real frames, so it can disturb a
		// message in progress.
		c.Add(anim.FrameText(int(seed % 8)))
		p, err := c.Add(text)
		if err == nil && p.Complete && IDOf(p.Message) != p.MessageID {
			t.Fatalf("completed message does not match its id %s", p.MessageID)
		}
		for i := 8; i < 8+anim.Frames(); i++ {
			if p, err := c.Add(anim.FrameText(i)); err == nil && p.Complete && IDOf(p.Message) != p.MessageID {
				t.Fatalf("completed message does not match its id %s", p.MessageID)
			}
		}
	})
}

func TestFrameBlockCapacityDefault(t *testing.T) {
	// The documentation of DefaultFrameVersion quotes this figure.
	if got := frameBlockCapacity(DefaultFrameVersion, DefaultFrameLevel); got != 187 {
		t.Errorf("default frame carries %d bytes, the documentation says 187", got)
	}
}

// FuzzFrameAssembly feeds frames whose content is fuzzed but whose
// checksum is valid, so the fuzzer reaches the frame parser and the
// erasure decoder instead of stopping at the checksum.
func FuzzFrameAssembly(f *testing.F) {
	anim, err := NewAnimation(make([]byte, 500), AnimationOptions{})
	if err != nil {
		f.Fatal(err)
	}
	for i := 0; i < anim.Frames()+1; i++ {
		_, content, err := parseText(anim.FrameText(i))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(content, content)
	}
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0}, []byte{})
	f.Add([]byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 1}, []byte{0, 0, 0, 1, 0xff, 0xff, 0xfe, 2})
	f.Fuzz(func(t *testing.T, first, second []byte) {
		c := NewCollector()
		for _, content := range [][]byte{first, second} {
			text := TextPrefix + encodeBase45(sealBody(kindFrame, content))
			p, err := c.Add(text)
			if err != nil {
				if !errors.Is(err, ErrDamaged) {
					t.Fatalf("error %v does not wrap ErrDamaged", err)
				}
				continue
			}
			if p.Have > p.Need || p.Need > maxBlocks {
				t.Fatalf("progress %d of %d", p.Have, p.Need)
			}
			if p.Complete && IDOf(p.Message) != p.MessageID {
				t.Fatalf("completed message does not match its id %s", p.MessageID)
			}
		}
	})
}

func TestCollectorBoundsCompleted(t *testing.T) {
	c := NewCollector()
	for i := 0; i < 3*maxCompleted; i++ {
		if _, err := c.Add(EncodeText(randomMessage(t, 100, int64(i)))); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(c.completed); n != maxCompleted {
		t.Errorf("completed messages = %d, want the limit %d", n, maxCompleted)
	}
	if n := len(c.order); n != maxCompleted {
		t.Errorf("ids in the use order = %d, want %d", n, maxCompleted)
	}
}

// TestCollectorFrameSizeLimits feeds frames whose header claims the
// largest message length: blocks that split it into maxBlocks pieces
// are taken, smaller ones are rejected before anything is allocated.
func TestCollectorFrameSizeLimits(t *testing.T) {
	c := NewCollector()
	largest := frame{id: 7, length: maxMessageLen, index: 255, block: make([]byte, 512)}
	p, err := c.Add(forgeFrame(largest))
	if err != nil {
		t.Fatalf("frame of a %d-byte message in %d blocks: %v", maxMessageLen, maxBlocks, err)
	}
	if p.Need != maxBlocks {
		t.Errorf("need %d frames, want %d", p.Need, maxBlocks)
	}

	tooMany := frame{id: 8, length: maxMessageLen, index: 0, block: make([]byte, 511)}
	_, err = c.Add(forgeFrame(tooMany))
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("frame in %d blocks: error = %v, want ErrDamaged", maxBlocks+1, err)
	}
	if !strings.Contains(err.Error(), "129 blocks") {
		t.Errorf("error %q does not give the block count", err)
	}
	if n := len(c.Pending()); n != 1 {
		t.Errorf("pending messages = %d, want 1", n)
	}
}
