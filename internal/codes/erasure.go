package codes

import "fmt"

// maxBlocks bounds the source blocks of one message. The Cauchy rows use
// the field elements K..255, so keeping K at or below 128 leaves at least
// 128 distinct parity frames.
const maxBlocks = 128

// maxFrameIndex is the largest frame index: source frames take 0..K-1 and
// parity frames K..255.
const maxFrameIndex = 255

// frameCoefficients returns the row of the generator matrix for frame
// index f of a K-block message: a unit vector for a source frame, and a
// Cauchy row 1/(x+j) with x = f for a parity frame. Every K rows of the
// matrix [I; C] are independent because every square submatrix of a
// Cauchy matrix is invertible, so any K distinct frames rebuild the
// message.
func frameCoefficients(f, k int) []byte {
	row := make([]byte, k)
	if f < k {
		row[f] = 1
		return row
	}
	for j := range row {
		row[j] = gfInv(byte(f) ^ byte(j))
	}
	return row
}

// encodeBlock returns the block of frame index f.
func encodeBlock(blocks [][]byte, f int) []byte {
	if f < len(blocks) {
		return blocks[f]
	}
	out := make([]byte, len(blocks[0]))
	for j, c := range frameCoefficients(f, len(blocks)) {
		gfAddScaled(out, blocks[j], c)
	}
	return out
}

// erasureDecoder rebuilds K source blocks from any K independent frames by
// incremental Gauss-Jordan elimination over GF(256).
type erasureDecoder struct {
	k, blockLen int
	// rows[p] is the reduced row whose pivot is column p, or nil.
	rows   [][]byte
	blocks [][]byte
	rank   int
	seen   map[int]bool
}

func newErasureDecoder(k, blockLen int) *erasureDecoder {
	return &erasureDecoder{
		k:        k,
		blockLen: blockLen,
		rows:     make([][]byte, k),
		blocks:   make([][]byte, k),
		seen:     make(map[int]bool),
	}
}

// add feeds the block of frame index f and reports whether it raised the
// rank. A repeated or dependent frame changes nothing.
func (d *erasureDecoder) add(f int, block []byte) (bool, error) {
	if len(block) != d.blockLen {
		return false, fmt.Errorf("frame %d has a block of %d bytes, want %d", f, len(block), d.blockLen)
	}
	if d.seen[f] || d.rank == d.k {
		return false, nil
	}
	d.seen[f] = true

	row := frameCoefficients(f, d.k)
	data := append([]byte(nil), block...)

	// Remove the known pivots from the new row.
	for p := 0; p < d.k; p++ {
		if c := row[p]; c != 0 && d.rows[p] != nil {
			gfAddScaled(row, d.rows[p], c)
			gfAddScaled(data, d.blocks[p], c)
		}
	}

	pivot := -1
	for p, c := range row {
		if c != 0 {
			pivot = p
			break
		}
	}
	if pivot < 0 {
		return false, nil
	}

	inv := gfInv(row[pivot])
	gfScale(row, inv)
	gfScale(data, inv)

	// Keep the other rows reduced so a full rank means solved blocks.
	for p := 0; p < d.k; p++ {
		if r := d.rows[p]; r != nil && r[pivot] != 0 {
			c := r[pivot]
			gfAddScaled(r, row, c)
			gfAddScaled(d.blocks[p], data, c)
		}
	}
	d.rows[pivot] = row
	d.blocks[pivot] = data
	d.rank++
	return true, nil
}

// complete reports whether every source block is known.
func (d *erasureDecoder) complete() bool {
	return d.rank == d.k
}

// message joins the solved blocks and cuts the zero padding.
func (d *erasureDecoder) message(length int) []byte {
	out := make([]byte, 0, d.k*d.blockLen)
	for _, b := range d.blocks {
		out = append(out, b...)
	}
	return out[:length]
}
