package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mispbump/mispbump/internal/codes"
	"github.com/mispbump/mispbump/internal/scan"

	"github.com/mispbump/mispbump/internal/secret"
)

// decodedFile is one file in `mispbump decode --json`.
type decodedFile struct {
	File  string        `json:"file"`
	Codes []decodedCode `json:"codes"`
	// More counts the codes after the first scan.MaxDescribed, which
	// are neither listed nor checked.
	More  int    `json:"more_codes,omitempty"`
	Error string `json:"error,omitempty"`
}

// decodedCode describes one code without its content.
type decodedCode struct {
	Kind        string `json:"kind"`
	MessageID   string `json:"message_id,omitempty"`
	MessageSize int    `json:"message_size,omitempty"`
	// Frame counts from 1; 0 (left out) for a static code.
	Frame     int    `json:"frame,omitempty"`
	Frames    int    `json:"frames,omitempty"`
	QRVersion int    `json:"qr_version,omitempty"`
	ECLevel   string `json:"ec_level,omitempty"`
	Position  string `json:"position,omitempty"`
	Error     string `json:"error,omitempty"`
}

func newDecodeCmd(env *Env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "decode FILE...",
		Short: "List the bump codes in image or text files, without their content",
		Long: "decode prints, for each image (PNG, JPEG, GIF) or text file, the kind, size and\n" +
			"frame position of every bump code found. It never prints what a code carries.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("decode needs at least one image or text file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			results, failed := decodeFiles(args)
			if asJSON {
				if err := writeJSON(env.streams.Out, results); err != nil {
					return err
				}
			} else {
				printDecoded(env, results)
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d files had no readable bump code", failed, len(args))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	return cmd
}

func decodeFiles(paths []string) ([]decodedFile, int) {
	var results []decodedFile
	failed := 0
	for _, path := range paths {
		r := decodedFile{File: displayName(path), Codes: []decodedCode{}}
		found, more, err := scan.DescribeFile(path)
		if err != nil {
			r.Error = err.Error()
		}
		r.More = more
		readable := 0
		for _, f := range found {
			c := decodedCode{QRVersion: f.Version, ECLevel: f.Level}
			if !f.Bounds.Empty() {
				c.Position = fmt.Sprintf("%d,%d %dx%d", f.Bounds.Min.X, f.Bounds.Min.Y, f.Bounds.Dx(), f.Bounds.Dy())
			}
			if f.Err != nil {
				c.Kind, c.Error = "unreadable", f.Err.Error()
			} else {
				readable++
				c.Kind = kindName(f.Info)
				c.MessageID = fmt.Sprintf("%08x", uint32(f.MessageID))
				c.MessageSize, c.Frames = f.MessageSize, f.Frames
				if f.Frames > 0 {
					c.Frame = f.Frame + 1
				}
			}
			r.Codes = append(r.Codes, c)
		}
		if readable == 0 {
			failed++
			if r.Error == "" {
				r.Error = "no bump code found"
			}
		}
		results = append(results, r)
	}
	return results, failed
}

func kindName(info codes.Info) string {
	switch {
	case info.Kind == codes.KindStatic:
		return "static"
	case info.Parity():
		return "animated frame (parity)"
	}
	return "animated frame"
}

func printDecoded(env *Env, results []decodedFile) {
	w := env.streams.Out
	for _, r := range results {
		fmt.Fprintf(w, "%s:\n", r.File)
		for _, c := range r.Codes {
			fmt.Fprintf(w, "  %s\n", describeCode(c))
		}
		if r.More > 0 {
			fmt.Fprintf(w, "  and %d more codes, not listed\n", r.More)
		}
		if r.Error != "" {
			fmt.Fprintf(w, "  %s\n", r.Error)
		}
	}
}

func describeCode(c decodedCode) string {
	var where string
	if c.QRVersion > 0 {
		where = fmt.Sprintf(", QR version %d-%s at %s", c.QRVersion, c.ECLevel, orNone(c.Position))
	}
	switch {
	case c.Error != "":
		return fmt.Sprintf("unreadable QR code%s: %s", where, c.Error)
	case c.Frames > 0:
		return fmt.Sprintf("%s %d of %d, message %s (%d bytes)%s", c.Kind, c.Frame, c.Frames, c.MessageID, c.MessageSize, where)
	}
	return fmt.Sprintf("%s code, message %s (%d bytes)%s", c.Kind, c.MessageID, c.MessageSize, where)
}

// displayName is the file name to print: a name that looks like an API
// key (a key pasted in place of a file name) is not echoed.
func displayName(path string) string {
	if secret.LooksLikeKey(path) {
		return "(a file name that looks like an API key, not shown)"
	}
	return path
}
