package main

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/codes/distort"
)

// outcome is what one reader made of one sample.
type outcome struct {
	texts []string
	ms    float64
	step  string // ours only: the ladder step that succeeded
}

// reader runs over the whole corpus and returns one outcome per sample,
// or an error that says why it cannot run (a missing tool).
type reader struct {
	name string
	run  func(samples []sample) ([]outcome, error)
}

func loadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return img, nil
}

func runOurs(samples []sample) ([]outcome, error) {
	r := codes.NewReader(codes.ReaderOptions{})
	out := make([]outcome, len(samples))
	for i, s := range samples {
		img, err := loadImage(s.path)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		symbols := r.Scan(img)
		out[i].ms = float64(time.Since(start).Microseconds()) / 1000
		for _, sym := range symbols {
			out[i].texts = append(out[i].texts, sym.Text)
			out[i].step = sym.Step
		}
	}
	return out, nil
}

// runPlain uses gozxing the way its README shows: one image, one reader,
// no hints.
func runPlain(samples []sample) ([]outcome, error) {
	out := make([]outcome, len(samples))
	for i, s := range samples {
		img, err := loadImage(s.path)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err == nil {
			if res, err := qrcode.NewQRCodeReader().Decode(bmp, nil); err == nil {
				out[i].texts = []string{res.GetText()}
			}
		}
		out[i].ms = float64(time.Since(start).Microseconds()) / 1000
	}
	return out, nil
}

//go:embed zxingcpp.py
var zxingScript string

// runZXingCpp times zxing-cpp in process through its Python module, on
// grayscale copies of the images.
func runZXingCpp(samples []sample) ([]outcome, error) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import zxingcpp, numpy").Run(); err != nil {
		return nil, fmt.Errorf("python3 with the zxingcpp and numpy modules is missing "+
			"(Debian packages python3-zxing-cpp and python3-numpy): %w", err)
	}

	var input strings.Builder
	for _, s := range samples {
		pgm, err := writePGM(s.path)
		if err != nil {
			return nil, err
		}
		input.WriteString(pgm + "\n")
	}

	cmd := exec.Command(python, "-c", zxingScript)
	cmd.Stdin = strings.NewReader(input.String())
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("run zxing-cpp script: %w", err)
	}

	out := make([]outcome, 0, len(samples))
	scanner := bufio.NewScanner(strings.NewReader(string(stdout)))
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		var line struct {
			Texts []string `json:"texts"`
			MS    float64  `json:"ms"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			return nil, fmt.Errorf("parse zxing-cpp output: %w", err)
		}
		out = append(out, outcome{texts: line.Texts, ms: line.MS})
	}
	if len(out) != len(samples) {
		return nil, fmt.Errorf("zxing-cpp answered %d of %d images", len(out), len(samples))
	}
	return out, nil
}

// writePGM stores a grayscale copy of an image beside it.
func writePGM(path string) (string, error) {
	img, err := loadImage(path)
	if err != nil {
		return "", err
	}
	g := distort.Gray(img)
	pgm := strings.TrimSuffix(path, filepath.Ext(path)) + ".pgm"
	header := fmt.Sprintf("P5\n%d %d\n255\n", g.Rect.Dx(), g.Rect.Dy())
	data := []byte(header)
	for y := 0; y < g.Rect.Dy(); y++ {
		data = append(data, g.Pix[y*g.Stride:y*g.Stride+g.Rect.Dx()]...)
	}
	return pgm, os.WriteFile(pgm, data, 0o644)
}

// runZBar runs zbarimg once per image; its times include starting the
// process and loading the file.
func runZBar(samples []sample) ([]outcome, error) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		return nil, fmt.Errorf("zbarimg is missing (Debian package zbar-tools): %w", err)
	}
	out := make([]outcome, len(samples))
	for i, s := range samples {
		start := time.Now()
		cmd := exec.Command("zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", s.path)
		stdout, err := cmd.Output()
		out[i].ms = float64(time.Since(start).Microseconds()) / 1000
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) {
			return nil, fmt.Errorf("zbarimg %s: %w", s.path, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(stdout)), "\n") {
			if line != "" {
				out[i].texts = append(out[i].texts, line)
			}
		}
	}
	return out, nil
}
