// Command codebench measures how well mispbump reads its QR codes.
//
// It writes a corpus of code images that depends only on -seed. Every
// handshake message size appears as a static code and as an animated
// frame, clean at 2 to 8 pixels per module and at non-integer scales.
// The same codes appear degraded (blur, noise, JPEG, perspective,
// rotation, low contrast, uneven light, moiré, inversion, 4× oversize),
// and 1920×1080 frames show a window with codes in it. It then reads the same files with mispbump's
// reader, with gozxing used plainly, with zxing-cpp and with ZBar, and
// prints decode rates and median times as Markdown. A reference tool
// that is missing is reported and skipped.
//
// It also simulates animated transfers with and without lost frames.
//
//	go run ./test/codebench            # full corpus, a few minutes
//	go run ./test/codebench -quick     # small corpus, seconds
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "use a small corpus that runs in seconds")
	seed := flag.Int64("seed", 1, "seed of the corpus and the transfer simulation")
	dir := flag.String("dir", "", "directory for the corpus images; empty means a new temporary directory")
	keep := flag.Bool("keep", false, "keep the corpus directory after the run")
	flag.Parse()

	if err := run(*quick, *seed, *dir, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "codebench:", err)
		os.Exit(1)
	}
}

func run(quick bool, seed int64, dir string, keep bool) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "codebench-")
		if err != nil {
			return fmt.Errorf("create corpus directory: %w", err)
		}
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create corpus directory: %w", err)
	}
	if !keep {
		defer os.RemoveAll(dir)
	}

	cfg := fullConfig(seed)
	if quick {
		cfg = quickConfig(seed)
	}

	start := time.Now()
	w := &writer{dir: dir}
	if err := generate(w, cfg); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "codebench: wrote %d images to %s in %v\n", len(w.samples), dir, time.Since(start).Round(time.Millisecond))

	names, results := readAll(w.samples)
	fmt.Printf("Corpus: %d images, seed %d, quick %v; %s/%s, %d CPUs, %s.\n\n",
		len(w.samples), seed, quick, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	printReport(os.Stdout, w.samples, names, results)
	printTransfer(os.Stdout, seed, quick)
	return nil
}

// readAll gives every sample to every reader in turn and returns the
// names of the readers that ran and their outcomes.
func readAll(samples []sample) ([]string, map[string][]outcome) {
	readers := []reader{
		{"mispbump", startOurs},
		{"gozxing plain", startPlain},
		{"zxing-cpp", startZXingCpp},
		{"ZBar", startZBar},
	}

	type running struct {
		name string
		read func(sample) (outcome, error)
		stop func()
	}
	var active []running
	for _, r := range readers {
		read, stop, err := r.start()
		if err != nil {
			fmt.Fprintf(os.Stderr, "codebench: skipping %s: %v\n", r.name, err)
			continue
		}
		active = append(active, running{r.name, read, stop})
	}

	results := make(map[string][]outcome)
	failed := make(map[string]bool)
	start := time.Now()
	for _, s := range samples {
		for _, r := range active {
			if failed[r.name] {
				continue
			}
			o, err := r.read(s)
			if err != nil {
				fmt.Fprintf(os.Stderr, "codebench: dropping %s: %v\n", r.name, err)
				failed[r.name] = true
				continue
			}
			results[r.name] = append(results[r.name], o)
		}
	}
	fmt.Fprintf(os.Stderr, "codebench: read the corpus in %v\n", time.Since(start).Round(time.Millisecond))

	var names []string
	for _, r := range active {
		r.stop()
		if !failed[r.name] {
			names = append(names, r.name)
		}
	}
	return names, results
}
