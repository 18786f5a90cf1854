package stdio

import (
	"encoding/json"
	"strings"
)

// idScanner finds the top-level "id" of a JSON object streamed through
// Write, in constant memory, so that an oversized request is answered
// with its id wherever the id sits in the message. Like encoding/json
// (and so mcp-go), it matches the key case-insensitively and keeps the
// last one.
type idScanner struct {
	started, object bool // saw the first value; it is an object
	depth           int
	inString        bool
	escape          bool
	keyPos          bool   // at depth 1, the next string is a key
	inKey           bool   // reading a key at depth 1
	key             []byte // its first bytes
	keyIsID         bool   // the last key at depth 1 was "id"
	valuePos        bool   // at depth 1, after ':'
	capturing       int    // 0 no, 1 a string id, 2 a number or literal id
	capture         []byte
	id              []byte // the last complete id value, raw
}

// maxIDBytes bounds a captured id or key.
const maxIDBytes = 1024

func (s *idScanner) Write(p []byte) {
	for _, c := range p {
		s.step(c)
	}
}

func (s *idScanner) step(c byte) {
	switch s.capturing {
	case 1:
		s.capture = append(s.capture, c)
		switch {
		case s.escape:
			s.escape = false
		case c == '\\':
			s.escape = true
		case c == '"':
			s.endCapture()
		}
		return
	case 2:
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			s.endCapture()
			break // the delimiter is structure
		}
		s.capture = append(s.capture, c)
		return
	}
	if s.inString {
		switch {
		case s.escape:
			s.escape = false
		case c == '\\':
			s.escape = true
		case c == '"':
			s.inString = false
			if s.inKey {
				s.inKey = false
				var k string
				s.keyIsID = len(s.key) <= maxIDBytes && json.Unmarshal(append(append([]byte{'"'}, s.key...), '"'), &k) == nil && strings.EqualFold(k, "id")
				return
			}
			return
		}
		if s.inKey && len(s.key) <= maxIDBytes {
			s.key = append(s.key, c)
		}
		return
	}
	if !s.started && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
		s.started, s.object = true, c == '{'
	}
	if !s.object {
		return
	}
	value := s.depth == 1 && s.valuePos && c != ' ' && c != '\t' && c != '\r' && c != '\n'
	if value {
		s.valuePos = false
	}
	switch c {
	case '"':
		switch {
		case value && s.keyIsID:
			s.capturing, s.capture = 1, append(s.capture[:0], c)
		case s.depth == 1 && s.keyPos:
			s.inString, s.inKey, s.key = true, true, s.key[:0]
		default:
			s.inString = true
		}
	case '{', '[':
		if value && s.keyIsID {
			s.id = []byte("null") // not a valid id
		}
		s.depth++
		s.keyPos = s.depth == 1
	case '}', ']':
		s.depth--
	case ':':
		if s.depth == 1 {
			s.valuePos, s.keyPos = true, false
		}
	case ',':
		if s.depth == 1 {
			s.keyPos, s.valuePos = true, false
		}
	default:
		if value && s.keyIsID {
			s.capturing, s.capture = 2, append(s.capture[:0], c)
		}
	}
}

func (s *idScanner) endCapture() {
	if len(s.capture) <= maxIDBytes {
		s.id = append(s.id[:0], s.capture...)
	} else {
		s.id = []byte("null")
	}
	s.capturing = 0
	s.escape = false
}

// ID returns the id as mcp-go would echo it (a number or a string), or
// null.
func (s *idScanner) ID() json.RawMessage {
	if s.capturing != 0 {
		s.endCapture() // the line ended inside the value
	}
	var v any
	if json.Unmarshal(s.id, &v) != nil {
		return json.RawMessage("null")
	}
	switch v.(type) {
	case string, float64:
		b, _ := json.Marshal(v)
		return b
	}
	return json.RawMessage("null")
}
