package codes

// Info describes a code without its content, for listings such as
// `mispbump decode` that must not print a message.
type Info struct {
	Kind      Kind
	MessageID MessageID
	// MessageSize is the message length in bytes.
	MessageSize int
	// Frame is the frame index and Frames the number of frames the
	// message needs; both are 0 for a static code.
	Frame, Frames int
	// TextLength is the length of the code's text form.
	TextLength int
}

// Parity reports whether the frame carries parity rather than one of the
// message's own blocks.
func (i Info) Parity() bool {
	return i.Kind == KindFrame && i.Frame >= i.Frames
}

// Inspect checks the text of one code like Collector.Add and describes
// it.
func Inspect(text string) (Info, error) {
	k, content, err := parseText(text)
	if err != nil {
		return Info{}, err
	}
	info := Info{TextLength: len(text)}
	if k == kindMessage {
		info.Kind = KindStatic
		info.MessageID = IDOf(content)
		info.MessageSize = len(content)
		return info, nil
	}

	f, err := parseFrame(content)
	if err != nil {
		return Info{}, err
	}
	info.Kind = KindFrame
	info.MessageID = f.id
	info.MessageSize = f.length
	info.Frame = f.index
	info.Frames = f.blocks()
	return info, nil
}
