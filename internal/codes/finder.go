package codes

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// findPatterns does what gozxing's FinderPatternFinder.Find does, with
// the same state machine and the same results, but walks each row run by
// run with BitArray.GetNextSet and GetNextUnset instead of testing every
// pixel. On a 1920×1080 frame the per-pixel scan was the largest cost
// after binarizing.
func findPatterns(image *gozxing.BitMatrix, tryHarder bool) (*detector.FinderPatternInfo, *detector.FinderPatternFinder, error) {
	f := detector.NewFinderPatternFinder(image, nil)
	maxI, maxJ := image.GetHeight(), image.GetWidth()

	iSkip := (3 * maxI) / (4 * detector.FinderPatternFinder_MAX_MODULES)
	if iSkip < detector.FinderPatternFinder_MIN_SKIP || tryHarder {
		iSkip = detector.FinderPatternFinder_MIN_SKIP
	}

	s := &rowScan{finder: f, maxJ: maxJ, counts: make([]int, 5)}
	row := gozxing.NewBitArray(maxJ)
	for i := iSkip - 1; i < maxI && !s.done; i += iSkip {
		row = image.GetRow(i, row)
		s.scan(row, i)
		if s.jump {
			i = s.skipTo
		}
		if s.newSkip > 0 {
			iSkip = s.newSkip
		}
	}

	best, err := f.SelectBestPatterns()
	if err != nil {
		return nil, f, err
	}
	bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(best[0], best[1], best[2])
	info := detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern),
		tr.(*detector.FinderPattern))
	return info, f, nil
}

// rowScan is the state of the 1:1:3:1:1 search across one row.
type rowScan struct {
	finder *detector.FinderPatternFinder
	maxJ   int
	counts []int
	state  int
	// done ends the search after this row, skipTo jumps to a later row
	// and newSkip changes the row step, as gozxing's Find does once it
	// confirms centres.
	done    bool
	jump    bool
	skipTo  int
	newSkip int
	skipped bool
}

// scan feeds the runs of row i to the state machine. A black run adds to
// the current black count, moving on from a white count first. The first
// pixel of a white run closes a black count and may complete a pattern.
// The rest of the run then counts like the pixels that follow it.
func (s *rowScan) scan(row *gozxing.BitArray, i int) {
	s.jump, s.newSkip = false, 0
	clear(s.counts)
	s.state = 0

	for j := 0; j < s.maxJ; {
		black := row.Get(j)
		end := row.GetNextUnset(j)
		if !black {
			end = row.GetNextSet(j)
		}
		end = min(end, s.maxJ)
		length := end - j

		if black {
			if s.state&1 == 1 {
				s.state++
			}
			s.counts[s.state] += length
			j = end
			continue
		}

		stop := s.whitePixel(i, j)
		if stop {
			return
		}
		if length > 1 {
			s.whiteRest(length - 1)
		}
		j = end
	}

	if detector.FinderPatternFinder_foundPatternCross(s.counts) &&
		s.finder.HandlePossibleCenter(s.counts, i, s.maxJ) {
		s.newSkip = s.counts[0]
		if s.skipped {
			s.done = s.finder.HaveMultiplyConfirmedCenters()
		}
	}
}

// whitePixel applies gozxing's rule for one white pixel at (j, i) and
// reports whether the rest of the row is skipped.
func (s *rowScan) whitePixel(i, j int) bool {
	switch {
	case s.state&1 == 1:
		s.counts[s.state]++
	case s.state < 4:
		s.state++
		s.counts[s.state]++
	case !detector.FinderPatternFinder_foundPatternCross(s.counts):
		detector.FinderPatternFinder_ShiftCounts2(s.counts)
		s.state = 3
	case !s.finder.HandlePossibleCenter(s.counts, i, j):
		detector.FinderPatternFinder_ShiftCounts2(s.counts)
		s.state = 3
	default:
		s.newSkip = 2
		if s.skipped {
			s.done = s.finder.HaveMultiplyConfirmedCenters()
		} else {
			// FindRowSkip marks the finder as having skipped whenever
			// two centres are confirmed, whatever it returns.
			s.skipped = confirmedCenters(s.finder) >= 2
			if rowSkip := s.finder.FindRowSkip(); rowSkip > s.counts[2] {
				s.skipTo = i + rowSkip - s.counts[2] - 2
				s.jump = true
				return true
			}
		}
		s.state = 0
		clear(s.counts)
	}
	return false
}

// confirmedCenters counts the candidates seen often enough to count as
// confirmed, by gozxing's quorum of two.
func confirmedCenters(f *detector.FinderPatternFinder) int {
	centers := f.GetPossibleCenters()
	if len(centers) <= 1 {
		return 0
	}
	n := 0
	for _, c := range centers {
		if c.GetCount() >= detector.FinderPatternFinder_CENTER_QUORUM {
			n++
		}
	}
	return n
}

// whiteRest counts n more white pixels after the first of a run.
func (s *rowScan) whiteRest(n int) {
	if s.state&1 == 0 {
		// A pattern was just confirmed and the counts cleared: the next
		// white pixel opens the first white count.
		s.state++
	}
	s.counts[s.state] += n
}
