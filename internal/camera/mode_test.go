package camera

import "testing"

func TestChooseMode(t *testing.T) {
	yuyv := func(w, h int, fps float64) Mode { return Mode{FormatYUYV, w, h, fps} }
	mjpeg := func(w, h int, fps float64) Mode { return Mode{FormatMJPEG, w, h, fps} }
	tests := []struct {
		name   string
		offers []Mode
		want   Mode
		got    Mode
	}{
		{
			name:   "exact match",
			offers: []Mode{yuyv(640, 480, 30), yuyv(1280, 720, 30), yuyv(1920, 1080, 30)},
			got:    yuyv(1280, 720, 30),
		},
		{
			// USB 2 webcams send 720p YUYV at 10 fps at most.
			name:   "MJPEG when YUYV is slow",
			offers: []Mode{yuyv(1280, 720, 10), mjpeg(1280, 720, 30)},
			got:    mjpeg(1280, 720, 30),
		},
		{
			name:   "YUYV over MJPEG at the same rate",
			offers: []Mode{mjpeg(1280, 720, 30), yuyv(1280, 720, 30)},
			got:    yuyv(1280, 720, 30),
		},
		{
			name:   "VGA YUYV over 720p MJPEG",
			offers: []Mode{mjpeg(1280, 720, 30), yuyv(640, 480, 30)},
			got:    yuyv(640, 480, 30),
		},
		{
			name:   "720p MJPEG over tiny YUYV",
			offers: []Mode{mjpeg(1280, 720, 30), yuyv(320, 240, 30)},
			got:    mjpeg(1280, 720, 30),
		},
		{
			name:   "smooth smaller size over a stuttering exact one",
			offers: []Mode{yuyv(1280, 720, 10), yuyv(640, 480, 30)},
			got:    yuyv(640, 480, 30),
		},
		{
			name:   "larger over smaller at the same distance",
			offers: []Mode{yuyv(640, 360, 30), yuyv(2560, 1440, 30)},
			got:    yuyv(2560, 1440, 30),
		},
		{
			name:   "higher rate breaks ties",
			offers: []Mode{yuyv(1280, 720, 15), yuyv(1280, 720, 30), yuyv(1280, 720, 24)},
			got:    yuyv(1280, 720, 30),
		},
		{
			name:   "unknown rate counts as smooth",
			offers: []Mode{yuyv(1280, 720, 0), yuyv(640, 480, 30)},
			got:    yuyv(1280, 720, 0),
		},
		{
			name:   "unconvertible formats skipped",
			offers: []Mode{{"H264", 1280, 720, 30}, mjpeg(640, 480, 30)},
			got:    mjpeg(640, 480, 30),
		},
		{
			name:   "explicit request",
			offers: []Mode{yuyv(640, 480, 30), yuyv(1280, 720, 30)},
			want:   Mode{Width: 640, Height: 480, FPS: 30},
			got:    yuyv(640, 480, 30),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ChooseMode(tt.offers, tt.want)
			if !ok {
				t.Fatal("no mode chosen")
			}
			if got != tt.got {
				t.Errorf("ChooseMode = %v, want %v", got, tt.got)
			}
		})
	}
}

func TestChooseModeNothingUsable(t *testing.T) {
	if m, ok := ChooseMode([]Mode{{"H264", 1280, 720, 30}, {FormatYUYV, 0, 0, 30}}, Mode{}); ok {
		t.Errorf("ChooseMode chose %v from unusable offers", m)
	}
	if _, ok := ChooseMode(nil, Mode{}); ok {
		t.Error("ChooseMode chose a mode from no offers")
	}
}

func TestPickDevice(t *testing.T) {
	devices := []Device{{"/dev/video0", "Integrated Camera"}, {"/dev/video2", "USB Camera"}}
	tests := []struct {
		last string
		want string
	}{
		{"/dev/video2", "/dev/video2"},
		{"/dev/video4", "/dev/video0"}, // unplugged since
		{"", "/dev/video0"},
	}
	for _, tt := range tests {
		got, ok := PickDevice(devices, tt.last)
		if !ok || got.ID != tt.want {
			t.Errorf("PickDevice(last %q) = %v, %v; want %s", tt.last, got, ok, tt.want)
		}
	}
	if _, ok := PickDevice(nil, "/dev/video0"); ok {
		t.Error("PickDevice found a device in an empty list")
	}
}

func TestDeviceString(t *testing.T) {
	if s := (Device{"/dev/video0", "USB Camera"}).String(); s != "USB Camera (/dev/video0)" {
		t.Errorf("String = %q", s)
	}
	if s := (Device{ID: "/dev/video0"}).String(); s != "/dev/video0" {
		t.Errorf("String without name = %q", s)
	}
}
