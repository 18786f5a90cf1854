package stdio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// line is one message read from the host: its bytes (no line ending), or,
// for a line longer than the cap, its size and the id found in its first
// bytes.
type line struct {
	data     []byte
	oversize int             // > 0: the line was this long and was not kept
	id       json.RawMessage // the oversized line's id, as found by idScanner
}

// lineReader reads newline-delimited messages of at most max bytes each.
// Memory stays bounded: a longer line is scanned for its id as it streams
// past and never held.
type lineReader struct {
	src *bufio.Reader
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{src: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next non-blank line. At the end of input it returns the
// last line even without its newline, then io.EOF.
func (r *lineReader) next() (line, error) {
	for {
		l, err := r.read()
		if l.oversize > 0 || len(bytes.TrimSpace(l.data)) > 0 {
			return l, nil // an error, if any, comes with the next call
		}
		if err != nil {
			return line{}, err
		}
	}
}

func (r *lineReader) read() (line, error) {
	var buf []byte
	for {
		chunk, err := r.src.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(bytes.TrimRight(buf, "\r\n")) > r.max {
			var scan idScanner
			scan.Write(buf)
			n := len(buf)
			for err == bufio.ErrBufferFull {
				chunk, err = r.src.ReadSlice('\n')
				scan.Write(chunk)
				n += len(chunk)
			}
			if err == bufio.ErrBufferFull {
				err = nil
			}
			return line{oversize: n, id: scan.ID()}, err
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line{data: bytes.TrimRight(buf, "\r\n")}, err
	}
}
