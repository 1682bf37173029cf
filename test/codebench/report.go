package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
)

// decoded reports whether the outcome holds every text the sample needs.
func decoded(s sample, o outcome) bool {
	for _, want := range s.want {
		if !slices.Contains(o.texts, want) {
			return false
		}
	}
	return true
}

func median(values []float64) float64 {
	if len(values) == 0 {
		return 0
	}
	v := slices.Clone(values)
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// row summarises one reader on a subset of samples.
func row(samples []sample, outcomes []outcome, keep func(sample) bool) (ok, total int, ms float64) {
	var times []float64
	for i, s := range samples {
		if !keep(s) {
			continue
		}
		total++
		if decoded(s, outcomes[i]) {
			ok++
		}
		times = append(times, outcomes[i].ms)
	}
	return ok, total, median(times)
}

func printReport(w io.Writer, samples []sample, names []string, results map[string][]outcome) {
	groups := []string{"clean", "degraded", "1080p"}

	fmt.Fprintf(w, "| set | images |")
	for _, n := range names {
		fmt.Fprintf(w, " %s: decoded | median ms |", n)
	}
	fmt.Fprintf(w, "\n|---|---|")
	for range names {
		fmt.Fprintf(w, "---|---|")
	}
	fmt.Fprintln(w)

	printRow := func(label string, keep func(sample) bool) {
		_, total, _ := row(samples, results[names[0]], keep)
		fmt.Fprintf(w, "| %s | %d |", label, total)
		for _, n := range names {
			ok, total, ms := row(samples, results[n], keep)
			fmt.Fprintf(w, " %.1f%% | %.1f |", 100*float64(ok)/float64(max(total, 1)), ms)
		}
		fmt.Fprintln(w)
	}

	for _, g := range groups {
		printRow("**"+g+"**", func(s sample) bool { return s.group == g })
		var cases []string
		for _, s := range samples {
			if s.group == g && !slices.Contains(cases, s.case_) {
				cases = append(cases, s.case_)
			}
		}
		for _, c := range cases {
			printRow(g+": "+c, func(s sample) bool { return s.group == g && s.case_ == c })
		}
	}
	fmt.Fprintln(w)

	printSpeed(w, samples, results)
	printSteps(w, samples, results["mispbump"])
	printFailures(w, samples, results["mispbump"])
}

// printSpeed compares the median time per 1920×1080 frame with zxing-cpp.
func printSpeed(w io.Writer, samples []sample, results map[string][]outcome) {
	ours, ref := results["mispbump"], results["zxing-cpp"]
	if ours == nil || ref == nil {
		return
	}
	is1080 := func(s sample) bool { return s.group == "1080p" }
	_, _, oursMS := row(samples, ours, is1080)
	_, _, refMS := row(samples, ref, is1080)
	if refMS > 0 {
		fmt.Fprintf(w, "Median time per 1920×1080 frame: mispbump %.1f ms, zxing-cpp %.1f ms, ratio %.2f.\n\n",
			oursMS, refMS, oursMS/refMS)
	}
}

// printSteps counts which ladder step read each decoded image.
func printSteps(w io.Writer, samples []sample, ours []outcome) {
	if ours == nil {
		return
	}
	counts := map[string]int{}
	for i, o := range ours {
		if decoded(samples[i], o) {
			counts[o.step]++
		}
	}
	var steps []string
	for s := range counts {
		steps = append(steps, s)
	}
	sort.Slice(steps, func(i, j int) bool { return counts[steps[i]] > counts[steps[j]] })
	fmt.Fprintf(w, "mispbump ladder steps that decoded:")
	for _, s := range steps {
		fmt.Fprintf(w, " %s %d;", s, counts[s])
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
}

func printFailures(w io.Writer, samples []sample, ours []outcome) {
	if ours == nil {
		return
	}
	n := 0
	for i, o := range ours {
		if !decoded(samples[i], o) {
			if n == 0 {
				fmt.Fprintln(w, "mispbump misses:")
			}
			n++
			s := samples[i]
			fmt.Fprintf(w, "- %s %s: %s (%s)\n", s.group, s.case_, s.codes, filepath.Base(s.path))
		}
	}
	if n > 0 {
		fmt.Fprintln(w)
	}
}
