package camview

import (
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/mispbump/mispbump/internal/camera"
)

// Start lists the cameras, opens the one chosen last (or the first) and
// shows its preview. When no camera can be opened it shows why and
// returns the error, which wraps camera.ErrNoCamera, camera.ErrBusy,
// camera.ErrPermission or camera.ErrNoCameraAPI where one applies.
// Start stops a camera that is already open first.
func (v *Viewer) Start() error {
	v.Stop()
	devices, err := v.driver.Devices()
	if err == nil && len(devices) == 0 {
		err = camera.ErrNoCamera
	}
	if err != nil {
		v.fail(err)
		return err
	}

	last := ""
	if v.prefs != nil {
		last = v.prefs.String(PrefDevice)
	}
	dev, _ := camera.PickDevice(devices, last)
	v.showPicker(devices, dev)
	return v.open(dev)
}

// Stop closes the camera, which ends a Scan running on it, and returns
// once the preview has stopped. The last frame stays on screen.
func (v *Viewer) Stop() {
	v.mu.Lock()
	cam := v.cam
	v.cam = nil
	v.state.Device = camera.Device{}
	v.mu.Unlock()
	if cam != nil {
		if err := cam.Close(); err != nil {
			v.log.Warn("camera close failed", "device", cam.Device().ID, "err", err)
		}
	}
	v.showing.Wait()
}

// Select switches to the camera with the given ID and remembers it.
func (v *Viewer) Select(id string) error {
	v.mu.Lock()
	devices := v.devices
	v.mu.Unlock()
	for _, d := range devices {
		if d.ID == id {
			v.Stop()
			return v.open(d)
		}
	}
	err := fmt.Errorf("select camera %q: %w", id, camera.ErrDeviceNotFound)
	v.fail(err)
	return err
}

// open opens dev, remembers it and starts the preview.
func (v *Viewer) open(dev camera.Device) error {
	opts := v.opts
	opts.Device = dev.ID
	v.mu.Lock()
	if v.pixels.X > 0 && v.pixels.Y > 0 {
		opts.PreviewSize = v.pixels
	}
	v.mu.Unlock()

	cam, err := camera.Open(v.driver, opts)
	if err != nil {
		v.fail(err)
		return err
	}
	if v.prefs != nil {
		v.prefs.SetString(PrefDevice, dev.ID)
	}

	v.mu.Lock()
	v.cam = cam
	v.state = State{Device: dev}
	v.frames = 0
	v.mu.Unlock()
	v.setStatus(dev.Name, nil)
	v.showing.Add(1)
	go v.showFrames(cam)
	return nil
}

// fail shows why no camera is open.
func (v *Viewer) fail(err error) {
	v.log.Info("no camera to show", "err", err)
	v.setStatus(statusText(err), err)
}

// showPicker offers the devices in the picker when there are several,
// with chosen selected.
func (v *Viewer) showPicker(devices []camera.Device, chosen camera.Device) {
	v.mu.Lock()
	v.devices = devices
	v.mu.Unlock()

	names := make([]string, len(devices))
	for i, d := range devices {
		names[i] = d.String()
	}
	fyne.Do(func() {
		v.picker.OnChanged = nil
		v.picker.SetOptions(names)
		v.picker.SetSelected(chosen.String())
		v.picker.OnChanged = func(string) {
			i := v.picker.SelectedIndex()
			if i >= 0 && i < len(devices) {
				go v.Select(devices[i].ID)
			}
		}
		if len(devices) > 1 {
			v.picker.Show()
		} else {
			v.picker.Hide()
		}
	})
}

// showFrames puts each preview frame of cam on screen until cam closes.
// Each frame is a new image, so the one Fyne draws is never written.
func (v *Viewer) showFrames(cam *camera.Camera) {
	defer v.showing.Done()
	for frame := range cam.Preview() {
		v.mu.Lock()
		current := v.cam == cam
		if current {
			v.frames++
		}
		v.mu.Unlock()
		if !current {
			continue
		}
		fyne.Do(func() {
			v.image.Image = frame
			v.image.Refresh()
		})
	}
	if err := cam.Err(); err != nil && !isClosed(err) {
		v.fail(err)
	}
}
