package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/exchange"
	"github.com/mispbump/mispbump/internal/history"
	"github.com/mispbump/mispbump/internal/scan"
)

// inbox reads the partner's files from a directory and assembles the
// messages they carry. Each file is read once, again only if it changes.
type inbox struct {
	dir       string
	log       *slog.Logger
	reader    *codes.Reader
	collector *codes.Collector
	seen      map[string]stamp
	// reported holds messages already rejected, so an old message is
	// explained once, not at every poll.
	reported map[codes.MessageID]bool
	dirErr   string
}

type stamp struct {
	size    int64
	modTime time.Time
}

// maxInboxFile bounds the files the inbox reads: a photo of a code from a
// phone is a few megabytes, a text form a few kilobytes.
const maxInboxFile = 32 << 20

// candidate is a complete message and the file that completed it.
type candidate struct {
	file    string
	message []byte
}

func newInbox(dir string, log *slog.Logger) *inbox {
	return &inbox{
		dir: dir, log: log,
		reader:    codes.NewReader(codes.ReaderOptions{}),
		collector: codes.NewCollector(),
		seen:      map[string]stamp{},
		reported:  map[codes.MessageID]bool{},
	}
}

// poll reads new or changed files and returns the messages they
// completed, oldest file first.
func (in *inbox) poll(out io.Writer) []candidate {
	entries, err := os.ReadDir(in.dir)
	if err != nil {
		if msg := err.Error(); msg != in.dirErr {
			fmt.Fprintf(out, "Cannot read %s yet: %v\n", in.dir, err)
			in.dirErr = msg
		}
		return nil
	}
	in.dirErr = ""
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	var found []candidate
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !readableName(name) {
			continue
		}
		info, err := os.Stat(filepath.Join(in.dir, name))
		if err != nil {
			continue
		}
		// Only regular files: reading a named pipe or a device would
		// block the poll loop, and with it --timeout and Ctrl-C.
		if !info.Mode().IsRegular() {
			if _, ok := in.seen[name]; !ok {
				fmt.Fprintf(out, "Skipped %s: not a regular file\n", name)
				in.seen[name] = stamp{}
			}
			continue
		}
		if info.Size() > maxInboxFile {
			if old := in.seen[name]; old.size != info.Size() {
				fmt.Fprintf(out, "Skipped %s: %d bytes is larger than a code can be (at most %d)\n", name, info.Size(), maxInboxFile)
				in.seen[name] = stamp{size: info.Size(), modTime: info.ModTime()}
			}
			continue
		}
		st := stamp{size: info.Size(), modTime: info.ModTime()}
		if old, ok := in.seen[name]; ok && old == st {
			continue
		}
		in.seen[name] = st
		path := filepath.Join(in.dir, name)
		messages, err := in.read(path)
		if err != nil {
			fmt.Fprintf(out, "Skipped %s: %v\n", name, err)
			continue
		}
		for _, m := range messages {
			found = append(found, candidate{file: name, message: m})
		}
	}
	return found
}

func readableName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".txt":
		return true
	}
	return false
}

// read returns the messages that the file completes.
func (in *inbox) read(path string) ([][]byte, error) {
	var progress []codes.Progress
	if strings.EqualFold(filepath.Ext(path), ".txt") {
		text, err := scan.ReadTextFile(path)
		if err != nil {
			return nil, err
		}
		progress, err = scan.AddText(in.collector, text)
		if err != nil && len(progress) == 0 {
			return nil, err
		}
	} else {
		img, err := scan.ReadImageFile(path)
		if err != nil {
			return nil, err
		}
		symbols := in.reader.Scan(img)
		if len(symbols) == 0 {
			return nil, errors.New("no QR code found in the image")
		}
		for _, s := range symbols {
			p, err := in.collector.Add(s.Text)
			if err != nil {
				in.log.Debug("code in image ignored", "file", path, "err", err)
				continue
			}
			progress = append(progress, p)
		}
	}
	var messages [][]byte
	for _, p := range progress {
		if p.Complete && p.New {
			messages = append(messages, p.Message)
		}
	}
	return messages, nil
}

// reject explains once why a complete message was not taken. Messages of
// steps that are already done are expected leftovers in the directory
// and only logged.
func (in *inbox) reject(out io.Writer, c candidate, err error, role history.Role) {
	id := codes.IDOf(c.message)
	if in.reported[id] {
		return
	}
	if len(in.reported) >= maxReported {
		// A flood of distinct foreign codes: forget the old ones rather
		// than grow without bound; at worst one is explained twice.
		clear(in.reported)
	}
	in.reported[id] = true
	var step *exchange.StepError
	isStep := errors.As(err, &step)
	if isStep && role == history.RoleInitiator && step.Got == exchange.StepHello {
		fmt.Fprintf(out, "Ignored %s: it is the first code of a bump your partner started as well: "+
			"one of you must be the responder (Scan partner's code first, or --role responder)\n", c.file)
		return
	}
	if errors.Is(err, exchange.ErrReplay) || (isStep && step.Got < step.Want) {
		in.log.Debug("earlier message ignored", "file", c.file, "err", err)
		return
	}
	fmt.Fprintf(out, "Ignored %s: %v\n", c.file, err)
}

// maxReported bounds the rejected message ids the inbox remembers.
const maxReported = 1024

// codeFile matches the files writeCode makes.
var codeFile = regexp.MustCompile(`^0[1-4]-(hello|reply|offer|key)(-frame-[0-9]{3})?\.(png|txt)$`)

// clearOldCodes removes the code files of an earlier bump from dir, so
// the partner cannot pick up a stale code, and returns how many it
// removed.
func clearOldCodes(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if e.Type().IsRegular() && codeFile.MatchString(e.Name()) && os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n
}
