package ui

import (
	"image"
	"image/color"
	"image/draw"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mispbump/mispbump/internal/codes"
)

// animationFPS is the frame rate of animated codes. Phone and webcam
// readers decode about ten codes a second, so eight frames a second lets
// most frames be read once while a nine-frame message still loops in
// little more than a second.
const animationFPS = 8

// codeView draws one handshake message as a QR code that fills its area,
// dark on light in every theme. It renders at the exact pixel size the
// canvas gives it, so every module is a whole number of pixels and the
// code stays crisp at any window size.
type codeView struct {
	widget.BaseWidget
	ui *UI

	msg      []byte
	anim     *codes.Animation
	animated bool
	frame    int
	stop     chan struct{}

	raster   *canvas.Raster
	problem  *widget.Label
	tooSmall bool

	// cache holds the last static rendering, which costs a QR encoding.
	cacheSide int
	cacheImg  image.Image
}

func newCodeView(u *UI) *codeView {
	v := &codeView{ui: u}
	v.raster = canvas.NewRaster(v.generate)
	v.raster.ScaleMode = canvas.ImageScalePixels
	v.problem = widget.NewLabel("")
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Alignment = fyne.TextAlignCenter
	v.problem.Hide()
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *codeView) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.White)
	return widget.NewSimpleRenderer(container.NewStack(bg, v.raster, container.NewCenter(v.problem)))
}

// MinSize implements fyne.Widget: the layout decides the size.
func (v *codeView) MinSize() fyne.Size {
	v.ExtendBaseWidget(v)
	return fyne.NewSquareSize(minCodeSide)
}

// show sets the message to draw; nil clears the view.
func (v *codeView) show(msg []byte) {
	if string(msg) == string(v.msg) {
		return
	}
	v.stopAnimation()
	v.msg, v.anim, v.frame = msg, nil, 0
	v.cacheSide, v.cacheImg = 0, nil
	v.problem.Hide()
	if msg != nil && v.animated {
		v.startAnimation()
	}
	v.raster.Refresh()
}

// setAnimated switches between one static code and an animated sequence.
func (v *codeView) setAnimated(on bool) {
	if on == v.animated {
		return
	}
	v.animated = on
	v.stopAnimation()
	if on && v.msg != nil {
		v.startAnimation()
	}
	v.raster.Refresh()
}

func (v *codeView) startAnimation() {
	if v.anim == nil {
		anim, err := codes.NewAnimation(v.msg, codes.AnimationOptions{})
		if err != nil {
			v.showProblem("This code cannot be animated (" + err.Error() + "): switch back to a single code.")
			return
		}
		v.anim = anim
	}
	stop := make(chan struct{})
	v.stop = stop
	go func() {
		tick := time.NewTicker(time.Second / animationFPS)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				v.ui.do(func() {
					if v.stop != stop {
						return
					}
					v.frame = (v.frame + 1) % maxFrameIndex
					v.raster.Refresh()
				})
			}
		}
	}()
}

// maxFrameIndex bounds the frame counter. Frames from Frames() on carry
// parity, so the loop shows fresh frames for a long time before it
// repeats.
const maxFrameIndex = 1 << 12

func (v *codeView) stopAnimation() {
	if v.stop != nil {
		close(v.stop)
		v.stop = nil
	}
}

func (v *codeView) showProblem(text string) {
	v.problem.SetText(text)
	v.problem.Show()
}

// generate renders the code at the raster's pixel size, centred on white.
func (v *codeView) generate(w, h int) image.Image {
	out := image.NewGray(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	if v.msg == nil || w < 1 || h < 1 {
		return out
	}
	code, err := v.render(min(w, h))
	if tooSmall := err != nil; tooSmall != v.tooSmall {
		// generate runs while the canvas paints, so the label changes
		// later, through do.
		v.tooSmall = tooSmall
		go v.ui.do(func() {
			if tooSmall {
				v.showProblem("The window is too small for this code: enlarge it or use full screen.")
			} else {
				v.problem.Hide()
			}
		})
	}
	if err != nil {
		return out
	}
	b := code.Bounds()
	at := image.Pt((w-b.Dx())/2, (h-b.Dy())/2)
	draw.Draw(out, b.Add(at), code, b.Min, draw.Src)
	return out
}

func (v *codeView) render(side int) (image.Image, error) {
	if v.animated && v.anim != nil {
		return v.anim.FrameImage(v.frame, side)
	}
	if side == v.cacheSide && v.cacheImg != nil {
		return v.cacheImg, nil
	}
	img, err := codes.RenderStatic(v.msg, side)
	if err != nil {
		return nil, err
	}
	v.cacheSide, v.cacheImg = side, img
	return img, nil
}
