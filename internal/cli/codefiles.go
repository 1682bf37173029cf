package cli

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/mispbump/mispbump/internal/atomicfile"
	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
)

// codeSide is the side in pixels of the PNG files, about what the app
// shows on a laptop screen.
const codeSide = 1024

// writeCode writes a message for the partner as NN-step.png (the static
// code), NN-step.txt (the text form) and, with animated, the frames of
// one loop plus a few parity frames as NN-step-frame-XXX.png. Every file
// is replaced atomically, so the partner never reads half a file.
func writeCode(dir string, step exchange.Step, msg []byte, animated bool) ([]string, error) {
	base := fmt.Sprintf("%02d-%s", int(step), step)
	var names []string
	put := func(name string, data []byte) error {
		if err := atomicfile.Write(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("write the %s code: %w", step, err)
		}
		names = append(names, name)
		return nil
	}

	img, err := codes.RenderStatic(msg, codeSide)
	if err != nil {
		return nil, fmt.Errorf("draw the %s code: %w", step, err)
	}
	if err := put(base+".png", encodePNG(img)); err != nil {
		return nil, err
	}
	if err := put(base+".txt", []byte(codes.EncodeText(msg)+"\n")); err != nil {
		return nil, err
	}
	if !animated {
		return names, nil
	}
	anim, err := codes.NewAnimation(msg, codes.AnimationOptions{})
	if err != nil {
		return nil, fmt.Errorf("split the %s code into frames: %w", step, err)
	}
	total := anim.Frames() + (anim.Frames()+3)/4
	for i := 0; i < total; i++ {
		frame, err := anim.FrameImage(i, codeSide/2)
		if err != nil {
			return nil, fmt.Errorf("draw frame %d of the %s code: %w", i, step, err)
		}
		if err := put(fmt.Sprintf("%s-frame-%03d.png", base, i+1), encodePNG(frame)); err != nil {
			return nil, err
		}
	}
	return names, nil
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	// Encoding an in-memory image cannot fail.
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func joinNames(names []string) string {
	if len(names) > 4 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}

// drawTerminal prints the static code with Unicode half blocks, two
// modules per character cell, black on white whatever the terminal's
// colours, so a phone can scan it from an SSH session.
func drawTerminal(w io.Writer, msg []byte) {
	img, err := codes.RenderStatic(msg, 4096)
	if err != nil {
		return
	}
	modules := moduleGrid(img)
	if len(modules) == 0 {
		return
	}
	if width := terminalWidth(w); width > 0 && len(modules) > width {
		fmt.Fprintf(w, "This code is %d columns wide but the terminal has %d: widen the terminal or make the font smaller, "+
			"or use the PNG files instead.\n", len(modules), width)
	}
	const on, off = "\x1b[30;47m", "\x1b[0m"
	for y := 0; y < len(modules); y += 2 {
		var line strings.Builder
		line.WriteString(on)
		for x := range modules[y] {
			top := modules[y][x]
			bottom := y+1 < len(modules) && modules[y+1][x]
			switch {
			case top && bottom:
				line.WriteString("█")
			case top:
				line.WriteString("▀")
			case bottom:
				line.WriteString("▄")
			default:
				line.WriteString(" ")
			}
		}
		line.WriteString(off)
		fmt.Fprintln(w, line.String())
	}
}

// moduleGrid recovers the modules of a code drawn by RenderStatic, which
// uses a whole number of pixels per module and a quiet zone of
// codes.QuietZone modules: the first dark pixel is the corner of the top
// left finder pattern.
func moduleGrid(img image.Image) [][]bool {
	b := img.Bounds()
	dark := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r+g+bl < 3*0x8000
	}
	first := -1
	for i := 0; i < b.Dx() && i < b.Dy(); i++ {
		if dark(b.Min.X+i, b.Min.Y+i) {
			first = i
			break
		}
	}
	if first <= 0 || first%codes.QuietZone != 0 {
		return nil
	}
	scale := first / codes.QuietZone
	n := b.Dx() / scale
	grid := make([][]bool, n)
	for y := range grid {
		grid[y] = make([]bool, n)
		for x := range grid[y] {
			grid[y][x] = dark(b.Min.X+x*scale+scale/2, b.Min.Y+y*scale+scale/2)
		}
	}
	return grid
}

// terminalWidth returns the width of w in columns when it is a terminal,
// else the COLUMNS variable, else 0.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			return width
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}
