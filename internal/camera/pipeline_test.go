package camera_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/synthetic"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/scan"
)

// scanTimeout bounds one scan in these tests; a scan that works takes a
// few seconds of simulated filming.
const scanTimeout = 60 * time.Second

// acceptStep returns a scan.Run accept check that takes only messages of
// the given handshake step, like the Bump screen does.
func acceptStep(step exchange.Step) func([]byte) error {
	return func(msg []byte) error {
		h, err := exchange.Inspect(msg)
		if err != nil {
			return err
		}
		if h.Step != step {
			return fmt.Errorf("scanned a %s message, expected %s", h.Step, step)
		}
		return nil
	}
}

// scanScene opens the scene's device of d and scans until the message of
// step completes, and returns it with the progress reports seen.
func scanScene(t *testing.T, d camera.Driver, device string, step exchange.Step) ([]byte, []codes.Progress, camera.Stats) {
	t.Helper()
	cam, err := camera.Open(d, camera.Options{Device: device})
	if err != nil {
		t.Fatalf("Open(%s): %v", device, err)
	}
	defer cam.Close()

	ctx, cancel := context.WithTimeout(context.Background(), scanTimeout)
	defer cancel()
	var seen []codes.Progress
	msg, err := scan.Run(ctx, cam, codes.NewReader(codes.ReaderOptions{}), codes.NewCollector(),
		acceptStep(step), func(p codes.Progress) { seen = append(seen, p) })
	if err != nil {
		t.Fatalf("scan %s from %s: %v (stats %+v)", step, device, err, cam.Stats())
	}
	return msg, seen, cam.Stats()
}

func TestScanAnimatedHandshake(t *testing.T) {
	hs := newHandshake(t)
	var scenes []synthetic.Scene
	for i, msg := range hs.messages {
		s, err := synthetic.AnimatedScene(hs.steps[i].String(), msg)
		if err != nil {
			t.Fatal(err)
		}
		scenes = append(scenes, s)
	}
	d := synthetic.New(synthetic.Options{Seed: 7}, scenes...)
	devices, _ := d.Devices()

	for i, want := range hs.messages {
		t.Run(hs.steps[i].String(), func(t *testing.T) {
			got, seen, stats := scanScene(t, d, devices[i].ID, hs.steps[i])
			if !bytes.Equal(got, want) {
				t.Fatalf("scanned %d bytes that differ from the %d sent", len(got), len(want))
			}
			last := seen[len(seen)-1]
			if !last.Complete || last.Have != last.Need {
				t.Errorf("last progress %v is not complete", last)
			}
			if last.Need > 1 && len(seen) < last.Need {
				t.Errorf("saw %d progress reports for %d frames, want one per new frame", len(seen), last.Need)
			}
			t.Logf("%d bytes, %d frames needed, %d progress reports, stats %+v",
				len(want), last.Need, len(seen), stats)
		})
	}
}

func TestScanStaticHandshake(t *testing.T) {
	hs := newHandshake(t)
	var scenes []synthetic.Scene
	for i, msg := range hs.messages {
		s, err := synthetic.StaticScene(hs.steps[i].String(), msg)
		if err != nil {
			t.Fatal(err)
		}
		scenes = append(scenes, s)
	}
	// A person holds a large static code closer to the camera.
	d := synthetic.New(synthetic.Options{Seed: 11, CodeSide: 680}, scenes...)
	devices, _ := d.Devices()

	for i, want := range hs.messages {
		t.Run(hs.steps[i].String(), func(t *testing.T) {
			got, seen, stats := scanScene(t, d, devices[i].ID, hs.steps[i])
			if !bytes.Equal(got, want) {
				t.Fatalf("scanned %d bytes that differ from the %d sent", len(got), len(want))
			}
			if len(seen) != 1 || seen[0].Kind != codes.KindStatic {
				t.Errorf("progress %v, want one static code", seen)
			}
			t.Logf("%d bytes, stats %+v", len(want), stats)
		})
	}
}
