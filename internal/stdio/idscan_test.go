package stdio

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestIDScanner(t *testing.T) {
	for in, want := range map[string]string{
		`{"jsonrpc":"2.0","id":7,"method":"x"}`:      `7`,
		`{"id":"a\"b","x":1}`:                        `"a\"b"`,
		`{"params":{"id":1,"a":[{"id":2}]},"id":3}`:  `3`,
		`{"params":{"id":1}}`:                        `null`,
		`{"id":1.0}`:                                 `1`,
		`{"id":{"x":1}}`:                             `null`,
		`{"id":null}`:                                `null`,
		`{"i\u0064":5}`:                              `5`,
		`[{"id":1}]`:                                 `null`,
		`{"a":"}\"{","id":9}`:                        `9`,
		`{"id":1,"id":2}`:                            `2`,
		`{"ID":4}`:                                   `4`,
		`{"id":"` + strings.Repeat("x", 2000) + `"}`: `null`,
		`{"jsonrpc":"2.0","id":12,"params":{"p":"xxxxxxx`: `12`,
		`{"jsonrpc":"2.0","params":{"p":"xx"},"id":13`:    `13`,
		`garbage`: `null`,
	} {
		var s idScanner
		for i := 0; i < len(in); i += 3 { // in pieces, as lines arrive
			s.Write([]byte(in[i:min(i+3, len(in))]))
		}
		if got := string(s.ID()); got != want {
			t.Errorf("id of %.60s = %s, want %s", in, got, want)
		}
	}
}

// FuzzIDScanner checks the streaming id scanner against encoding/json on
// every valid JSON object: the same id, as mcp-go would echo it.
func FuzzIDScanner(f *testing.F) {
	for _, s := range []string{`{"jsonrpc":"2.0","id":1,"method":"ping"}`, `{"id":"x"}`, `{"a":{"id":2},"id":3}`, `{"id":-1.5e3}`, `{"id":"\u00e9\""}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var s idScanner
		s.Write([]byte(in))
		got := s.ID()
		// mcp-go decodes the id into a struct field like this one.
		var m struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal([]byte(in), &m) != nil || !strings.HasPrefix(strings.TrimLeft(in, " \t\r\n"), "{") {
			return // not an object: any answer is fine, as long as it is JSON
		}
		want := json.RawMessage("null")
		if raw := m.ID; raw != nil {
			var v any
			if json.Unmarshal(raw, &v) == nil {
				switch v.(type) {
				case string, float64:
					if len(raw) <= maxIDBytes {
						want, _ = json.Marshal(v)
					}
				}
			}
		}
		if !bytes.Equal(got, want) {
			t.Errorf("id of %q = %s, want %s", in, got, want)
		}
	})
}
