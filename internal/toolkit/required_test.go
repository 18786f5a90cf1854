package toolkit

import (
	"errors"
	"testing"
)

func TestIdentityFieldsMustBeSet(t *testing.T) {
	type ref struct {
		Number  int    `json:"number"`
		HTMLURL string `json:"html_url"`
		State   string `json:"state"`
	}
	type optional struct {
		ID    int64  `json:"id,omitempty"`
		Count int    `json:"count"`
		Name  string `json:"name"`
	}
	type list struct {
		Items []ref `json:"items"`
		Next  int   `json:"next_page,omitempty"`
	}
	type embedded struct {
		ref
		Extra *ref `json:"extra,omitempty"`
	}
	for _, tt := range []struct {
		name    string
		out     any
		missing string
	}{
		{"a complete ref passes", ref{Number: 1, HTMLURL: "u"}, ""},
		{"a zero number fails", ref{HTMLURL: "u"}, "number"},
		{"an empty html_url fails", ref{Number: 1}, "html_url"},
		{"other required fields may be empty", ref{Number: 1, HTMLURL: "u", State: ""}, ""},
		{"omitempty identity fields may be empty, zero counts pass", optional{}, ""},
		{"an empty list passes", list{}, ""},
		{"an item without its number fails the list", list{Items: []ref{{Number: 1, HTMLURL: "u"}, {HTMLURL: "u"}}}, "number"},
		{"an embedded struct is checked", embedded{}, "number"},
		{"an optional nested object is checked when present", embedded{ref: ref{Number: 1, HTMLURL: "u"}, Extra: &ref{Number: 2}}, "html_url"},
		{"a nil pointer result passes (nothing to check)", (*ref)(nil), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := checkComplete(tt.out, Create)
			var inc *IncompleteError
			switch {
			case tt.missing == "" && err != nil:
				t.Errorf("checkComplete = %v, want nil", err)
			case tt.missing != "" && (!errors.As(err, &inc) || inc.Field != tt.missing):
				t.Errorf("checkComplete = %v, want the %s missing", err, tt.missing)
			}
		})
	}
}
