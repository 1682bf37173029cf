package camera_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mispbump/mispbump/internal/camera"
	"github.com/mispbump/mispbump/internal/camera/synthetic"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/scan"
)

// streamSeconds is how long each stream benchmark films. The stream runs
// in real time, so b.N does not apply; run with -benchtime 1x.
const streamSeconds = 8

// BenchmarkStream scans a 1280×720 synthetic camera for streamSeconds
// while a preview reader takes every preview frame, as the Bump screen
// does, and reports:
//
//   - preview_fps: preview frames delivered a second
//   - decodes/s: frames handed to the reader a second
//   - messages/s: animated hellos completed a second, scanning again
//     from scratch after each
//   - cpu_cores: process CPU time over wall time, the synthetic source
//     included (see BenchmarkSourceOnly for its share)
func BenchmarkStream(b *testing.B) {
	hs := newHandshake(b)
	hello, err := synthetic.AnimatedScene("hello", hs.messages[0])
	if err != nil {
		b.Fatal(err)
	}
	noDrops := synthetic.DefaultDamage
	noDrops.Drop = 0
	cases := []struct {
		name   string
		mode   camera.Mode
		scene  synthetic.Scene
		share  float64
		damage *synthetic.Damage
	}{
		{"yuyv/animated", camera.Mode{Format: camera.FormatYUYV}, hello, 0, nil},
		// Without lost frames the camera delivers all 30 frames a
		// second, the most the preview can show.
		{"yuyv/animated/no-drops", camera.Mode{Format: camera.FormatYUYV}, hello, 0, &noDrops},
		{"mjpeg/animated", camera.Mode{Format: camera.FormatMJPEG}, hello, 0, nil},
		{"yuyv/no-code", camera.Mode{Format: camera.FormatYUYV}, blankScene("blank"), 0, nil},
		// Two cores is the whole machine: the pacer never holds back.
		{"yuyv/no-code/unpaced", camera.Mode{Format: camera.FormatYUYV}, blankScene("blank"), 2, nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			d := synthetic.New(synthetic.Options{Mode: c.mode, Seed: 5, Damage: c.damage}, c.scene)
			// Render the scene before measuring.
			if s, err := d.Open("synthetic:0", camera.Mode{}); err == nil {
				s.Close()
			}
			runStream(b, d, c.share)
		})
	}
}

func runStream(b *testing.B, d camera.Driver, share float64) {
	cam, err := camera.Open(d, camera.Options{CPUShare: share})
	if err != nil {
		b.Fatal(err)
	}
	defer cam.Close()

	previews := make(chan int)
	go func() {
		n := 0
		for range cam.Preview() {
			n++
		}
		previews <- n
	}()

	ctx, cancel := context.WithTimeout(context.Background(), streamSeconds*time.Second)
	defer cancel()
	cpu0, _ := camera.ProcessCPUTime()
	start := time.Now()
	b.ResetTimer()

	messages := 0
	reader := codes.NewReader(codes.ReaderOptions{})
	for ctx.Err() == nil {
		_, err := scan.Run(ctx, cam, reader, codes.NewCollector(), func([]byte) error { return nil }, nil)
		if err == nil {
			messages++
		} else if !errors.Is(err, context.DeadlineExceeded) {
			b.Fatal(err)
		}
	}

	wall := time.Since(start)
	cpu1, _ := camera.ProcessCPUTime()
	stats := cam.Stats()
	cam.Close()
	n := <-previews

	secs := wall.Seconds()
	b.ReportMetric(float64(n)/secs, "preview_fps")
	b.ReportMetric(float64(stats.Decoded)/secs, "decodes/s")
	b.ReportMetric(float64(stats.Captured)/secs, "captured_fps")
	b.ReportMetric(float64(messages)/secs, "messages/s")
	b.ReportMetric((cpu1-cpu0).Seconds()/secs, "cpu_cores")
}

// BenchmarkSourceOnly reads the synthetic 1280×720 YUYV camera without
// converting or decoding, to show how much of BenchmarkStream's CPU use
// is the simulation itself.
func BenchmarkSourceOnly(b *testing.B) {
	d := synthetic.New(synthetic.Options{Seed: 5}, blankScene("blank"))
	s, err := d.Open("synthetic:0", camera.Mode{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()

	ctx, cancel := context.WithTimeout(context.Background(), streamSeconds*time.Second)
	defer cancel()
	cpu0, _ := camera.ProcessCPUTime()
	start := time.Now()
	frames := 0
	for {
		if _, err := s.ReadFrame(ctx); err != nil {
			break
		}
		frames++
	}
	secs := time.Since(start).Seconds()
	cpu1, _ := camera.ProcessCPUTime()
	b.ReportMetric(float64(frames)/secs, "captured_fps")
	b.ReportMetric((cpu1-cpu0).Seconds()/secs, "cpu_cores")
}
