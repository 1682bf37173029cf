package camera

import (
	"context"
	"fmt"
	"image"
	"sync/atomic"
)

// Stats counts what happened to the frames of a Camera.
type Stats struct {
	// Captured counts the frames the device delivered.
	Captured int64
	// Previewed counts frames sent to the preview and Decoded those
	// handed to Next.
	Previewed, Decoded int64
	// Dropped counts frames that neither the preview nor Next
	// requested, which were never converted.
	Dropped int64
	// Bad counts frames that could not be converted, such as truncated
	// MJPEG frames.
	Bad int64
}

// counters is the live form of Stats.
type counters struct {
	captured, previewed, decoded, dropped, bad atomic.Int64
}

// Stats returns the frame counts so far.
func (c *Camera) Stats() Stats {
	return Stats{
		Captured:  c.stats.captured.Load(),
		Previewed: c.stats.previewed.Load(),
		Decoded:   c.stats.decoded.Load(),
		Dropped:   c.stats.dropped.Load(),
		Bad:       c.stats.bad.Load(),
	}
}

// capture reads frames until Close or a device error, and serves each
// to the preview and to a waiting Next.
func (c *Camera) capture() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()

	var pending chan *image.Gray
	for {
		raw, err := c.stream.ReadFrame(ctx)
		if err != nil {
			c.err = c.readError(ctx, err)
			break
		}
		c.stats.captured.Add(1)
		pending = c.serve(raw, pending)
	}
	cancel()

	if err := c.stream.Close(); err != nil {
		c.closeErr = fmt.Errorf("close camera %s: %w", c.device, err)
		c.log.Error("camera close failed", "device", c.device.ID, "err", err)
	}
	close(c.preview)
	close(c.stopped)
}

// readError explains why ReadFrame failed.
func (c *Camera) readError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("camera %s: %w", c.device, ErrClosed)
	}
	c.log.Error("camera stopped delivering frames", "device", c.device.ID, "err", err)
	return fmt.Errorf("read frame from camera %s: %w", c.device, err)
}

// serve converts raw when the preview or a Next waits for a frame, and
// returns the Next reply channel still waiting, if any.
func (c *Camera) serve(raw []byte, pending chan *image.Gray) chan *image.Gray {
	if pending == nil {
		select {
		case pending = <-c.requests:
		default:
		}
	}
	wantPreview := len(c.preview) == 0
	if !wantPreview && pending == nil {
		c.stats.dropped.Add(1)
		return nil
	}

	img, err := decodeFrame(c.mode, ownBytes(c.mode.Format, raw))
	if err != nil {
		// A bad frame now and then is normal for MJPEG over a busy
		// USB bus: log the first few and a sample of the rest.
		if n := c.stats.bad.Add(1); n <= 3 || n%100 == 0 {
			c.log.Warn("camera frame dropped", "device", c.device.ID, "bad_frames", n, "err", err)
		}
		return pending
	}

	if wantPreview {
		if p := fitRGBA(img, *c.previewSize.Load()); p != nil {
			select {
			case c.preview <- p:
				c.stats.previewed.Add(1)
			default:
			}
		}
	}
	if pending != nil {
		side := c.decodeSides[c.decodeTurn%len(c.decodeSides)]
		c.decodeTurn++
		pending <- shrinkGray(luma(img), side)
		c.stats.decoded.Add(1)
	}
	return nil
}

// ownBytes returns raw, or a copy of it for formats whose converted
// image shares memory with the input, because the stream reuses raw for
// the next frame while the image may still be decoded.
func ownBytes(f Format, raw []byte) []byte {
	switch f {
	case FormatNV12, FormatI420:
		return append([]byte(nil), raw...)
	}
	return raw
}
