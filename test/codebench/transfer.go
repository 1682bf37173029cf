package main

import (
	"fmt"
	"io"
	"math/rand"
	"sort"

	"github.com/mispbump/mispbump/internal/codes"
)

// printTransfer simulates scanning animated codes: the frames of a loop
// pass by in order from a random starting point, each lost with a given
// probability, and the collector gets the rest. It reports how many
// frames were shown until the message was complete, against the
// lossless count.
func printTransfer(w io.Writer, seed int64, quick bool) {
	trials := 400
	if quick {
		trials = 50
	}
	rng := rand.New(rand.NewSource(seed))

	fmt.Fprintln(w, "Animated transfer, frames shown until complete (mean, 95th percentile):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| message | frames K | lossless | 20% lost: mean | p95 | mean / lossless |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, n := range messageSizes {
		msg := make([]byte, n)
		rng.Read(msg)
		anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
		if err != nil {
			fmt.Fprintf(w, "| %d B | error: %v |\n", n, err)
			continue
		}
		lossless := mean(simulate(anim, 0, trials, rng))
		lossy := simulate(anim, 0.2, trials, rng)
		fmt.Fprintf(w, "| %d B | %d | %.2f | %.2f | %d | %.2f |\n",
			n, anim.Frames(), lossless, mean(lossy), percentile(lossy, 0.95), mean(lossy)/lossless)
	}
	fmt.Fprintln(w)
}

// simulate returns, per trial, the frames shown until the collector
// completed the message.
func simulate(anim *codes.Animation, loss float64, trials int, rng *rand.Rand) []int {
	loop := 2 * anim.Frames() // a displayed loop: the blocks, then as many parity frames
	out := make([]int, trials)
	for t := range out {
		c := codes.NewCollector()
		start := rng.Intn(loop)
		for shown := 1; ; shown++ {
			if rng.Float64() < loss {
				continue
			}
			p, err := c.Add(anim.FrameText((start + shown - 1) % loop))
			if err != nil {
				panic(err) // frames made here are never damaged
			}
			if p.Complete {
				out[t] = shown
				break
			}
		}
	}
	return out
}

func mean(v []int) float64 {
	sum := 0
	for _, x := range v {
		sum += x
	}
	return float64(sum) / float64(len(v))
}

func percentile(v []int, p float64) int {
	s := append([]int(nil), v...)
	sort.Ints(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}
