//go:build darwin && !ios && cgo

package camera

import (
	"context"
	"fmt"

	"github.com/pion/mediadevices/pkg/avfoundation"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/prop"
)

// System returns the camera driver of this platform: AVFoundation
// through github.com/pion/mediadevices.
//
// NOTE: this file was written against mediadevices v0.9.4 but never
// compiled or run: building it needs the macOS SDK.
func System() Driver { return avDriver{} }

type avDriver struct{}

// Devices lists the video devices AVFoundation reports.
func (avDriver) Devices() ([]Device, error) {
	devs, err := avfoundation.Devices(avfoundation.Video)
	if err != nil {
		return nil, fmt.Errorf("list cameras with AVFoundation: %w", err)
	}
	out := make([]Device, 0, len(devs))
	for _, d := range devs {
		out = append(out, Device{ID: d.UID, Name: d.Name})
	}
	return out, nil
}

// Open starts a capture session on the device with unique ID id.
func (avDriver) Open(id string, want Mode) (Stream, error) {
	devs, err := avfoundation.Devices(avfoundation.Video)
	if err != nil {
		return nil, fmt.Errorf("list cameras with AVFoundation: %w", err)
	}
	var dev *avfoundation.Device
	for i := range devs {
		if devs[i].UID == id {
			dev = &devs[i]
		}
	}
	if dev == nil {
		return nil, fmt.Errorf("open camera %q: %w", id, ErrDeviceNotFound)
	}

	session, err := avfoundation.NewSession(*dev)
	if err != nil {
		// AVFoundation reports a camera in use and a camera the
		// person has not allowed the same way here.
		return nil, fmt.Errorf("start a session on camera %q: %w (or %w): %v",
			dev.Name, ErrBusy, ErrPermission, err)
	}
	s, err := openSession(session, dev.Name, want)
	if err != nil {
		session.Close()
		return nil, err
	}
	return s, nil
}

func openSession(session *avfoundation.Session, name string, want Mode) (*avStream, error) {
	var offers []Mode
	for _, p := range session.Properties() {
		offers = append(offers, Mode{
			Format: Format(p.FrameFormat),
			Width:  p.Width,
			Height: p.Height,
			FPS:    float64(p.FrameRate),
		})
	}
	mode, ok := ChooseMode(offers, want)
	if !ok {
		return nil, fmt.Errorf("camera %q offers no pixel format mispbump converts; "+
			"use another camera or a photo", name)
	}

	rc, err := session.Open(prop.Media{Video: prop.Video{
		Width:       mode.Width,
		Height:      mode.Height,
		FrameFormat: frame.Format(mode.Format),
		FrameRate:   float32(mode.FPS),
	}})
	if err != nil {
		return nil, fmt.Errorf("start capturing from camera %q in %s: %w", name, mode, err)
	}
	return &avStream{session: session, rc: rc, mode: mode}, nil
}

// avStream is a running AVFoundation capture session.
type avStream struct {
	session *avfoundation.Session
	rc      *avfoundation.ReadCloser
	mode    Mode
}

func (s *avStream) Mode() Mode { return s.mode }

// ReadFrame returns the next frame. mediadevices copies every frame out
// of AVFoundation's buffer, so the bytes are the stream's own.
func (s *avStream) ReadFrame(ctx context.Context) ([]byte, error) {
	data, release, err := s.rc.ReadContext(ctx)
	if release != nil {
		defer release()
	}
	if err != nil {
		return nil, fmt.Errorf("read frame from AVFoundation: %w", err)
	}
	return data, nil
}

func (s *avStream) Close() error {
	s.rc.Close()
	return s.session.Close()
}
