package codes

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// corners3 is the three finder pattern centres of a candidate symbol.
type corners3 struct {
	bottomLeft, topLeft, topRight gozxing.ResultPoint
	moduleSize                    float64
}

func cornersOf(info *detector.FinderPatternInfo) corners3 {
	bl, tl, tr := info.GetBottomLeft(), info.GetTopLeft(), info.GetTopRight()
	ms := (bl.GetEstimatedModuleSize() + tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize()) / 3
	return corners3{bottomLeft: bl, topLeft: tl, topRight: tr, moduleSize: ms}
}

// dimensions returns the symbol sizes (17+4v modules) to try for the
// candidate: the nearest to what the finder pattern distance and module
// size give, then its neighbours, because at small or non-integer module
// sizes the estimate is often one version off.
func (c corners3) dimensions() []int {
	if c.moduleSize <= 0 {
		return nil
	}
	across := (gozxing.ResultPoint_Distance(c.topLeft, c.topRight) +
		gozxing.ResultPoint_Distance(c.topLeft, c.bottomLeft)) / 2
	raw := across/c.moduleSize + 7
	v := int(math.Round((raw - 17) / 4))

	return neighbourDimensions(17 + 4*v)
}

// neighbourDimensions returns dim and the dimensions one and two
// versions above and below it, as far as they exist. Strong perspective
// makes the module size at the three finder patterns differ, which puts
// the estimate two versions off.
func neighbourDimensions(dim int) []int {
	var dims []int
	for _, d := range []int{dim, dim + 4, dim - 4, dim + 8, dim - 8} {
		if d >= 21 && d <= 177 {
			dims = append(dims, d)
		}
	}
	return dims
}

// sampleCandidates passes module grids for one candidate symbol and
// dimension to each until it returns true. When withPlain is set, the
// first grid comes from the one perspective transform that the usual
// detector builds. For symbols with inner alignment patterns, the next
// grid is corrected piece by piece with every alignment pattern found,
// which reads large symbols whose single transform drifts.
func sampleCandidates(matrix *gozxing.BitMatrix, c corners3, dim int, withPlain bool, each func(*gozxing.BitMatrix) bool) {
	version, err := decoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return
	}

	var ap *detector.AlignmentPattern
	if len(version.GetAlignmentPatternCenters()) > 0 {
		ap = findBottomRightAlignment(matrix, c, dim)
	}
	transform := detector.Detector_createTransform(c.topLeft, c.topRight, c.bottomLeft, ap, dim)
	if withPlain {
		if bits, err := detector.Detector_sampleGrid(matrix, transform, dim); err == nil && each(bits) {
			return
		}
	}

	if len(version.GetAlignmentPatternCenters()) >= 3 {
		if bits := sampleWithAlignment(matrix, transform, version, c.moduleSize); bits != nil {
			each(bits)
		}
	}
}

// findBottomRightAlignment looks for the alignment pattern nearest the
// bottom right corner where the usual detector does, widening the search
// as it goes.
func findBottomRightAlignment(matrix *gozxing.BitMatrix, c corners3, dim int) *detector.AlignmentPattern {
	tl, tr, bl := c.topLeft, c.topRight, c.bottomLeft
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	toTopLeft := 1 - 3/float64(dim-7)
	x := tl.GetX() + toTopLeft*(brX-tl.GetX())
	y := tl.GetY() + toTopLeft*(brY-tl.GetY())

	for radius := 4.0; radius <= 16; radius *= 2 {
		if ap := findAlignmentNear(matrix, x, y, radius*c.moduleSize, c.moduleSize); ap != nil {
			return ap
		}
	}
	return nil
}

// findAlignmentNear looks for an alignment pattern within allowance
// pixels of (x, y).
func findAlignmentNear(matrix *gozxing.BitMatrix, x, y, allowance, moduleSize float64) *detector.AlignmentPattern {
	w, h := matrix.GetWidth(), matrix.GetHeight()
	left := max(0, int(x-allowance))
	right := min(w-1, int(x+allowance))
	top := max(0, int(y-allowance))
	bottom := min(h-1, int(y+allowance))
	if float64(right-left) < moduleSize*3 || float64(bottom-top) < moduleSize*3 {
		return nil
	}
	ap, err := detector.NewAlignmentPatternFinder(matrix, left, top, right-left, bottom-top, moduleSize, nil).Find()
	if err != nil {
		return nil
	}
	return ap
}

// sampleWithAlignment samples the grid with one perspective transform per
// cell between neighbouring alignment pattern centres, each cell pinned
// to the alignment patterns found at its corners. Patterns not found,
// and the three corners taken by finder patterns, keep the position the
// global transform predicts, shifted like their found neighbours.
func sampleWithAlignment(matrix *gozxing.BitMatrix, global *common.PerspectiveTransform,
	version *decoder.Version, moduleSize float64) *gozxing.BitMatrix {

	centers := version.GetAlignmentPatternCenters()
	n := len(centers)
	nodes := make([][2]float64, n*n)
	offsets := make([][2]float64, n*n)
	found := make([]bool, n*n)

	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			p := []float64{float64(centers[i]) + 0.5, float64(centers[j]) + 0.5}
			global.TransformPoints(p)
			nodes[j*n+i] = shiftLikeNeighbours(offsets, found, n, i, j, p)

			finderCorner := (i == 0 && j == 0) || (i == n-1 && j == 0) || (i == 0 && j == n-1)
			if finderCorner {
				continue
			}
			q := nodes[j*n+i]
			if ap := findAlignmentNear(matrix, q[0], q[1], 3*moduleSize, moduleSize); ap != nil {
				nodes[j*n+i] = [2]float64{ap.GetX(), ap.GetY()}
				offsets[j*n+i] = [2]float64{ap.GetX() - p[0], ap.GetY() - p[1]}
				found[j*n+i] = true
			}
		}
	}

	dim := version.GetDimensionForVersion()
	bits, _ := gozxing.NewSquareBitMatrix(dim)
	w, h := matrix.GetWidth(), matrix.GetHeight()
	for cj := 0; cj < n-1; cj++ {
		for ci := 0; ci < n-1; ci++ {
			t := cellTransform(centers, nodes, n, ci, cj)
			x0, x1 := cellSpan(centers, ci, dim)
			y0, y1 := cellSpan(centers, cj, dim)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					p := []float64{float64(x) + 0.5, float64(y) + 0.5}
					t.TransformPoints(p)
					px, py := int(p[0]), int(p[1])
					if px < 0 || py < 0 || px >= w || py >= h {
						return nil
					}
					if matrix.Get(px, py) {
						bits.Set(x, y)
					}
				}
			}
		}
	}
	return bits
}

// shiftLikeNeighbours moves the predicted position p of node (i, j) by
// the mean error of the nodes found left of and above it, because lens
// and screen distortions change slowly across a symbol.
func shiftLikeNeighbours(offsets [][2]float64, found []bool, n, i, j int, p []float64) [2]float64 {
	dx, dy, count := 0.0, 0.0, 0
	for _, nb := range [][2]int{{i - 1, j}, {i, j - 1}, {i - 1, j - 1}, {i + 1, j - 1}} {
		ni, nj := nb[0], nb[1]
		if ni < 0 || nj < 0 || ni >= n || !found[nj*n+ni] {
			continue
		}
		dx += offsets[nj*n+ni][0]
		dy += offsets[nj*n+ni][1]
		count++
	}
	if count == 0 {
		return [2]float64{p[0], p[1]}
	}
	return [2]float64{p[0] + dx/float64(count), p[1] + dy/float64(count)}
}

// cellTransform maps module coordinates in the cell (ci, cj) onto the
// image through its four corner nodes.
func cellTransform(centers []int, nodes [][2]float64, n, ci, cj int) *common.PerspectiveTransform {
	x0, x1 := float64(centers[ci])+0.5, float64(centers[ci+1])+0.5
	y0, y1 := float64(centers[cj])+0.5, float64(centers[cj+1])+0.5
	a, b := nodes[cj*n+ci], nodes[cj*n+ci+1]
	c, d := nodes[(cj+1)*n+ci+1], nodes[(cj+1)*n+ci]
	return common.PerspectiveTransform_QuadrilateralToQuadrilateral(
		x0, y0, x1, y0, x1, y1, x0, y1,
		a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1])
}

// cellSpan returns the modules [from, to) that cell index i covers along
// one axis; the first and last cells reach the symbol's edges.
func cellSpan(centers []int, i, dim int) (int, int) {
	from, to := centers[i], centers[i+1]
	if i == 0 {
		from = 0
	}
	if i == len(centers)-2 {
		to = dim
	}
	return from, to
}
