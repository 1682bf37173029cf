package codes

import (
	"image"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Symbol is one QR code found in an image.
type Symbol struct {
	// Text is the decoded content. For a mispbump code it starts with
	// TextPrefix; Scan returns other QR codes too.
	Text string
	// Bounds encloses the symbol without its quiet zone, in the
	// coordinates of the scanned image.
	Bounds image.Rectangle
	// Version is the QR version (1 to 40) and Level the error-correction
	// level, as read from the symbol.
	Version int
	Level   string
	// Step names the ladder step that found the symbol.
	Step string
}

// ReaderOptions configures NewReader. The zero value uses the defaults.
type ReaderOptions struct {
	// MaxCodes is the most codes Scan returns from one image. Zero means
	// 4.
	MaxCodes int
	// DownscaleAbove is the longest side in pixels above which Scan
	// first tries a copy of the image shrunk to half size. Zero means
	// 2048; a negative value turns the first try at half size off.
	DownscaleAbove int
	// Logger receives debug records of the steps tried; nil means none.
	Logger *slog.Logger
}

// Reader finds QR codes in images: photos, screenshots and camera
// frames. It is safe for concurrent use.
type Reader struct {
	maxCodes       int
	downscaleAbove int
	log            *slog.Logger
}

// NewReader returns a Reader.
func NewReader(opts ReaderOptions) *Reader {
	r := &Reader{maxCodes: opts.MaxCodes, downscaleAbove: opts.DownscaleAbove, log: opts.Logger}
	if r.maxCodes <= 0 {
		r.maxCodes = 4
	}
	if r.downscaleAbove == 0 {
		r.downscaleAbove = 2048
	}
	return r
}

// Scan returns every QR code found in img, at most MaxCodes, or none.
// It walks a ladder of steps, from the cheap ones that read most images
// to slower ones for hard images. The first step that finds a code also
// searches the rest of the image for more, and Scan stops after it.
//
// Frames of more than 4096×4096 pixels are shrunk to that pixel count
// before the ladder, which bounds the time and memory of a scan. In
// such frames, codes whose modules are smaller than about 3 pixels
// after shrinking may be missed.
func (r *Reader) Scan(img image.Image) []Symbol {
	start := time.Now()
	g := toGray(img)
	if g.w == 0 || g.h == 0 {
		return nil
	}
	// Shrink huge frames once, so that no step of the ladder works on
	// more than maxScanPixels, whatever the source of the image.
	g, fit := g.fitted(maxScanPixels)
	if fit != 1 {
		r.debug("frame shrunk before the ladder", "from", img.Bounds().Size(), "to", image.Pt(g.w, g.h))
	}

	origin := img.Bounds().Min
	var found []Symbol
	for _, s := range r.ladder(g) {
		symbols := r.runStep(s, g, found)
		r.debug("ladder step done", "step", s.name, "codes", len(symbols), "elapsed", time.Since(start))
		for _, sym := range symbols {
			if !containsSymbol(found, sym.Text) && len(found) < r.maxCodes {
				found = append(found, sym)
			}
		}
		if len(found) == 0 {
			continue
		}
		// Stop at the first step that reads a code. A step on a shrunk
		// copy whose codes have small modules there hands over to the
		// next step at full size, because codes beside them with the same
		// or smaller modules may have blurred away in the copy.
		if s.scale >= 1 || len(found) == r.maxCodes || smallestModule(found)*s.scale >= 3 {
			break
		}
	}
	for i := range found {
		found[i].Bounds = scaleRect(found[i].Bounds, 1/fit).Add(origin)
	}
	r.debug("scan done", "codes", len(found), "elapsed", time.Since(start))
	return found
}

// moduleSize estimates the pixels per module of a symbol from its bounds.
func (s Symbol) moduleSize() float64 {
	if s.Version < 1 {
		return 0
	}
	return float64(s.Bounds.Dx()) / float64(17+4*s.Version)
}

func smallestModule(symbols []Symbol) float64 {
	smallest := math.Inf(1)
	for _, s := range symbols {
		smallest = math.Min(smallest, s.moduleSize())
	}
	return smallest
}

func containsSymbol(symbols []Symbol, text string) bool {
	for _, s := range symbols {
		if s.Text == text {
			return true
		}
	}
	return false
}

func (r *Reader) debug(msg string, args ...any) {
	if r.log != nil {
		r.log.Debug(msg, args...)
	}
}

// result is one decoded symbol in the coordinates of the image a step
// searched.
type result struct {
	text    string
	version int
	level   string
	// corners of the symbol without quiet zone: top left, top right,
	// bottom right, bottom left; nil when the step cannot tell.
	corners    [][2]float64
	moduleSize float64
}

// decodeMatrix finds and decodes every symbol in a black matrix. After
// each symbol it erases the symbol from the matrix and searches again,
// because the finder stops at the first three patterns it confirms, so
// several codes side by side are all read.
func decodeMatrix(matrix *gozxing.BitMatrix, maxCodes int) []result {
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	dec := decoder.NewDecoder()

	var out []result
	usedMulti := false
	// NOTE: searches after the first code skip rows as gozxing does
	// without TRY_HARDER (every eighth row of a 1080-row frame), which
	// takes a third of the time, so a second code with finder patterns
	// only a few rows tall can be missed.
	for len(out) < maxCodes {
		info, finder, err := findPatterns(matrix, len(out) == 0)
		var res result
		ok := false
		if err == nil {
			res, ok = decodeCandidate(dec, matrix, info, hints)
		}
		if !ok {
			// The finder stops scanning once it confirms three patterns,
			// and those may belong to an unreadable symbol or mix two
			// symbols, so try every triple the multi finder proposes, once.
			if usedMulti || len(finder.GetPossibleCenters()) < 3 {
				break
			}
			usedMulti = true
			out = append(out, decodeMulti(dec, matrix, hints, maxCodes-len(out), out)...)
			break
		}
		if containsText(out, res.text) {
			break
		}
		out = append(out, res)
		eraseSymbol(matrix, res)
	}
	return out
}

// decodeMulti decodes the candidates of the multi finder that are not in
// known yet.
func decodeMulti(dec *decoder.Decoder, matrix *gozxing.BitMatrix,
	hints map[gozxing.DecodeHintType]interface{}, limit int, known []result) []result {

	infos, err := multidetector.NewMultiFinderPatternFinder(matrix, nil).FindMulti(hints)
	if err != nil {
		return nil
	}
	var out []result
	for _, info := range infos {
		res, ok := decodeCandidate(dec, matrix, info, hints)
		if !ok || containsText(known, res.text) || containsText(out, res.text) {
			continue
		}
		out = append(out, res)
		if len(out) == limit {
			break
		}
	}
	return out
}

// decodeCandidate samples and decodes the symbol whose finder patterns
// are info. It first lets gozxing's detector build its grid. When that
// grid does not decode, it tries the neighbouring dimensions and the
// grid corrected by every alignment pattern.
func decodeCandidate(dec *decoder.Decoder, matrix *gozxing.BitMatrix, info *detector.FinderPatternInfo,
	hints map[gozxing.DecodeHintType]interface{}) (result, bool) {

	c := cornersOf(info)
	var res result
	ok := false
	try := func(bits *gozxing.BitMatrix) bool {
		decoded, err := dec.Decode(bits, hints)
		if err != nil {
			return false
		}
		dim := bits.GetWidth()
		points := []gozxing.ResultPoint{c.bottomLeft, c.topLeft, c.topRight}
		if meta, isMeta := decoded.GetOther().(*decoder.QRCodeDecoderMetaData); isMeta {
			meta.ApplyMirroredCorrection(points)
		}
		res = result{text: decoded.GetText(), version: (dim - 17) / 4, level: decoded.GetECLevel()}
		res.corners, res.moduleSize = symbolCorners(points, dim)
		ok = true
		return true
	}

	dims := c.dimensions()
	if det, err := detector.NewDetector(matrix).ProcessFinderPatternInfo(info); err == nil {
		if try(det.GetBits()) {
			return res, true
		}
		// The detector measures the module size along the line between
		// finder patterns, which beats the finder's estimate on rotated
		// symbols.
		dims = neighbourDimensions(det.GetBits().GetWidth())
	}

	for i, dim := range dims {
		sampleCandidates(matrix, c, dim, i > 0, try)
		if ok {
			return res, true
		}
	}
	return result{}, false
}

// symbolCorners extends the three finder pattern centres (bottom left,
// top left, top right) to the corners of the symbol: each centre lies 3.5
// modules inside its corner.
func symbolCorners(points []gozxing.ResultPoint, dim int) ([][2]float64, float64) {
	bl := [2]float64{points[0].GetX(), points[0].GetY()}
	tl := [2]float64{points[1].GetX(), points[1].GetY()}
	tr := [2]float64{points[2].GetX(), points[2].GetY()}
	br := [2]float64{tr[0] + bl[0] - tl[0], tr[1] + bl[1] - tl[1]}

	span := float64(dim - 7)
	moduleSize := (math.Hypot(tr[0]-tl[0], tr[1]-tl[1]) + math.Hypot(bl[0]-tl[0], bl[1]-tl[1])) / (2 * span)

	// Move each centre outwards along both symbol axes by 3.5 modules.
	ux := [2]float64{(tr[0] - tl[0]) / span, (tr[1] - tl[1]) / span}
	uy := [2]float64{(bl[0] - tl[0]) / span, (bl[1] - tl[1]) / span}
	grow := func(p [2]float64, sx, sy float64) [2]float64 {
		return [2]float64{p[0] + 3.5*(sx*ux[0]+sy*uy[0]), p[1] + 3.5*(sx*ux[1]+sy*uy[1])}
	}
	return [][2]float64{grow(tl, -1, -1), grow(tr, 1, -1), grow(br, 1, 1), grow(bl, -1, 1)}, moduleSize
}

func containsText(results []result, text string) bool {
	for _, r := range results {
		if r.text == text {
			return true
		}
	}
	return false
}

// eraseSymbol clears the symbol and its quiet zone from the matrix so the
// next search finds only the other codes.
func eraseSymbol(matrix *gozxing.BitMatrix, res result) {
	if res.corners == nil {
		return
	}
	quad := expandQuad(res.corners, (QuietZone/2+1)*res.moduleSize)
	_, minY, _, maxY := quadBounds(quad)
	minY, maxY = max(minY, 0), min(maxY, matrix.GetHeight()-1)
	for y := minY; y <= maxY; y++ {
		from, to, ok := quadSpan(quad, float64(y)+0.5)
		if !ok {
			continue
		}
		from, to = max(from, 0), min(to, matrix.GetWidth()-1)
		for x := from; x <= to; x++ {
			matrix.Unset(x, y)
		}
	}
}

// eraseRect clears the rectangle r, grown by margin pixels and then
// scaled by scale, from the matrix.
func eraseRect(matrix *gozxing.BitMatrix, r image.Rectangle, margin, scale float64) {
	x0 := max(0, int((float64(r.Min.X)-margin)*scale))
	y0 := max(0, int((float64(r.Min.Y)-margin)*scale))
	x1 := min(matrix.GetWidth(), int(math.Ceil((float64(r.Max.X)+margin)*scale)))
	y1 := min(matrix.GetHeight(), int(math.Ceil((float64(r.Max.Y)+margin)*scale)))
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			matrix.Unset(x, y)
		}
	}
}

// pureDecode reads an image that holds nothing but one upright code and
// its quiet zone, such as a tight crop of a rendered code.
func pureDecode(source gozxing.LuminanceSource, matrix *gozxing.BitMatrix) []result {
	bitmap, err := gozxing.NewBinaryBitmap(&fixedBinarizer{source: source, matrix: matrix})
	if err != nil {
		return nil
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := qrcode.NewQRCodeReader().Decode(bitmap, hints)
	if err != nil {
		return nil
	}

	level, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	out := result{text: res.GetText(), level: level, version: versionFromCodewords(len(res.GetRawBytes()), level)}
	if rect := matrix.GetEnclosingRectangle(); rect != nil {
		x, y, w, h := float64(rect[0]), float64(rect[1]), float64(rect[2]), float64(rect[3])
		out.corners = [][2]float64{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}
	}
	return []result{out}
}

// versionFromCodewords returns the version whose data codewords at the
// given level number n, or 0.
func versionFromCodewords(n int, level string) int {
	l, err := decoder.ErrorCorrectionLevel_ValueOf(strings.ToUpper(level))
	if err != nil {
		return 0
	}
	for v := 1; v <= 40; v++ {
		version, _ := decoder.Version_GetVersionForNumber(v)
		if version.GetTotalCodewords()-version.GetECBlocksForLevel(l).GetTotalECCodewords() == n {
			return v
		}
	}
	return 0
}
