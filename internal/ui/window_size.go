package ui

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
)

// DefaultWindowSize fits a code of about 560 pixels beside the controls
// on a laptop screen.
var DefaultWindowSize = fyne.NewSize(960, 640)

// windowSizeEnv names the environment variable that sets the initial
// window size, such as "360x740", for screenshots and the end-to-end
// tests that place two windows side by side.
const windowSizeEnv = "MISPBUMP_WINDOW_SIZE"

// windowSize returns the initial window size: size when set, else the
// environment variable, else DefaultWindowSize. An invalid variable gives
// DefaultWindowSize and the error, for the log.
func windowSize(size fyne.Size) (fyne.Size, error) {
	if !size.IsZero() {
		return size, nil
	}
	env := os.Getenv(windowSizeEnv)
	if env == "" {
		return DefaultWindowSize, nil
	}
	parsed, err := ParseWindowSize(env)
	if err != nil {
		return DefaultWindowSize, fmt.Errorf("%s: %w", windowSizeEnv, err)
	}
	return parsed, nil
}

// ParseWindowSize reads a size written as WIDTHxHEIGHT in device-independent
// pixels, such as "360x740".
func ParseWindowSize(s string) (fyne.Size, error) {
	w, h, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !ok {
		return fyne.Size{}, fmt.Errorf("invalid window size %q: use WIDTHxHEIGHT, such as 360x740", s)
	}
	width, errW := strconv.Atoi(w)
	height, errH := strconv.Atoi(h)
	if errW != nil || errH != nil || width < 200 || height < 200 || width > 10000 || height > 10000 {
		return fyne.Size{}, fmt.Errorf("invalid window size %q: use WIDTHxHEIGHT with each side from 200 to 10000, such as 360x740", s)
	}
	return fyne.NewSize(float32(width), float32(height)), nil
}
