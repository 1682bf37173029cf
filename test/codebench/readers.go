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

// reader reads one sample at a time, so that the main loop can give each
// image to every reader in turn and a change in machine load hits all
// readers alike.
type reader struct {
	name string
	// start prepares the reader and returns the function that reads one
	// sample and the one that releases what start took. Its error
	// explains why the reader cannot run, such as a missing tool.
	start func() (read func(sample) (outcome, error), stop func(), err error)
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

func noStop() {}

func startOurs() (func(sample) (outcome, error), func(), error) {
	r := codes.NewReader(codes.ReaderOptions{})
	read := func(s sample) (outcome, error) {
		img, err := loadImage(s.path)
		if err != nil {
			return outcome{}, err
		}
		var o outcome
		start := time.Now()
		symbols := r.Scan(img)
		o.ms = float64(time.Since(start).Microseconds()) / 1000
		for _, sym := range symbols {
			o.texts = append(o.texts, sym.Text)
			o.step = sym.Step
		}
		return o, nil
	}
	return read, noStop, nil
}

// startPlain uses gozxing the way its README shows: one image, one
// reader, no hints.
func startPlain() (func(sample) (outcome, error), func(), error) {
	read := func(s sample) (outcome, error) {
		img, err := loadImage(s.path)
		if err != nil {
			return outcome{}, err
		}
		var o outcome
		start := time.Now()
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err == nil {
			if res, err := qrcode.NewQRCodeReader().Decode(bmp, nil); err == nil {
				o.texts = []string{res.GetText()}
			}
		}
		o.ms = float64(time.Since(start).Microseconds()) / 1000
		return o, nil
	}
	return read, noStop, nil
}

//go:embed zxingcpp.py
var zxingScript string

// startZXingCpp runs zxing-cpp in one Python process through its module
// and times read_barcodes alone, on grayscale copies of the images.
func startZXingCpp() (func(sample) (outcome, error), func(), error) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import zxingcpp, numpy").Run(); err != nil {
		return nil, nil, fmt.Errorf("python3 with the zxingcpp and numpy modules is missing "+
			"(Debian packages python3-zxing-cpp and python3-numpy): %w", err)
	}

	cmd := exec.Command(python, "-c", zxingScript)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start zxing-cpp script: %w", err)
	}
	lines := bufio.NewScanner(stdout)
	lines.Buffer(nil, 1<<20)

	read := func(s sample) (outcome, error) {
		pgm, err := writePGM(s.path)
		if err != nil {
			return outcome{}, err
		}
		if _, err := fmt.Fprintln(stdin, pgm); err != nil {
			return outcome{}, fmt.Errorf("send image to zxing-cpp: %w", err)
		}
		if !lines.Scan() {
			return outcome{}, fmt.Errorf("zxing-cpp script stopped: %v", lines.Err())
		}
		var line struct {
			Texts []string `json:"texts"`
			MS    float64  `json:"ms"`
		}
		if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
			return outcome{}, fmt.Errorf("parse zxing-cpp output: %w", err)
		}
		return outcome{texts: line.Texts, ms: line.MS}, nil
	}
	stop := func() {
		stdin.Close()
		cmd.Wait()
	}
	return read, stop, nil
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

// startZBar runs zbarimg once per image; its times include starting the
// process and loading the file.
func startZBar() (func(sample) (outcome, error), func(), error) {
	if _, err := exec.LookPath("zbarimg"); err != nil {
		return nil, nil, fmt.Errorf("zbarimg is missing (Debian package zbar-tools): %w", err)
	}
	read := func(s sample) (outcome, error) {
		var o outcome
		start := time.Now()
		cmd := exec.Command("zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", s.path)
		stdout, err := cmd.Output()
		o.ms = float64(time.Since(start).Microseconds()) / 1000
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 4) {
			return outcome{}, fmt.Errorf("zbarimg %s: %w", s.path, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(stdout)), "\n") {
			if line != "" {
				o.texts = append(o.texts, line)
			}
		}
		return o, nil
	}
	return read, noStop, nil
}
