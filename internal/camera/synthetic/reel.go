package synthetic

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand"

	"github.com/mispbump/mispbump/internal/camera"
)

// minPoses is the least number of hand positions a reel films. A static
// code gets them all, so a position the reader cannot cope with does not
// hide the code for good, as a hand-held screen moves on too.
const minPoses = 8

// reel holds the pictures of one scene, rendered once: for each code
// shown, one picture per pose and exposure, and the blend of each code
// with the one before it. Pictures are Y planes, or MJPEG frames for
// that mode.
type reel struct {
	// takes[i] are the pictures of code i, at every pose and exposure.
	takes [][][]byte
	// blends[i] is code i half over code i-1, at a good exposure; nil
	// without Damage.Blend or for a static scene.
	blends [][]byte
}

// renderReel films every code of scene at the size and with the damage
// of opts, whose Damage must be set.
func renderReel(scene Scene, opts Options, seed int64) (*reel, error) {
	if len(scene.Codes) == 0 {
		return nil, fmt.Errorf("scene %q has no codes to show", scene.Name)
	}
	damage := *opts.Damage
	rng := rand.New(rand.NewSource(seed))
	frame := image.Pt(opts.Mode.Width, opts.Mode.Height)
	n := newNoise(damage.Noise, rng)
	base := pose(frame, float64(opts.codeSide()), damage)
	exps := exposures(damage.Exposure)

	poses := (minPoses + len(scene.Codes) - 1) / len(scene.Codes)
	r := &reel{takes: make([][][]byte, len(scene.Codes))}
	pics := make([]*image.Gray, len(scene.Codes))
	for i, code := range scene.Codes {
		screen := onScreen(code)
		for p := range poses {
			pic := film(screen, frame, shaken(base, damage.Shake, rng), damage.Blur)
			if p == 0 {
				pics[i] = pic
			}
			for _, e := range exps {
				b, err := encode(expose(pic, e, n), opts.Mode.Format)
				if err != nil {
					return nil, err
				}
				r.takes[i] = append(r.takes[i], b)
			}
		}
	}

	if !damage.Blend || len(pics) < 2 {
		return r, nil
	}
	r.blends = make([][]byte, len(pics))
	for i := range pics {
		prev := pics[(i+len(pics)-1)%len(pics)]
		b, err := encode(expose(blend(prev, pics[i]), exps[0], n), opts.Mode.Format)
		if err != nil {
			return nil, err
		}
		r.blends[i] = b
	}
	return r, nil
}

// encode stores a filmed picture for its mode: the Y plane itself, which
// ReadFrame packs into YUYV, or an MJPEG frame, which is too slow to
// encode per frame.
func encode(pic *image.Gray, f camera.Format) ([]byte, error) {
	switch f {
	case camera.FormatYUYV:
		return pic.Pix, nil
	case camera.FormatMJPEG:
		ycc := image.NewYCbCr(pic.Rect, image.YCbCrSubsampleRatio422)
		copy(ycc.Y, pic.Pix)
		for i := range ycc.Cb {
			ycc.Cb[i], ycc.Cr[i] = 128, 128
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, ycc, &jpeg.Options{Quality: 85}); err != nil {
			return nil, fmt.Errorf("encode synthetic MJPEG frame: %w", err)
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("synthetic camera cannot deliver %s frames, use %s or %s",
		f, camera.FormatYUYV, camera.FormatMJPEG)
}

// packYUYV writes the Y plane y as YUYV with neutral colour into buf.
func packYUYV(buf, y []byte) []byte {
	buf = buf[:0]
	for i := 0; i+1 < len(y); i += 2 {
		buf = append(buf, y[i], 128, y[i+1], 128)
	}
	return buf
}
