package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

var update = flag.Bool("update", false, "rewrite testdata/toolsnaps from the tool definitions")

// TestToolSnapshots compares each tool's definition (name, description,
// schemas, annotations) with testdata/toolsnaps/<name>.json, one file per
// tool of every toolset, so a schema change is always a reviewed diff of
// one file. Run with -update to accept a change.
func TestToolSnapshots(t *testing.T) {
	dir := filepath.Join("testdata", "toolsnaps")
	want := map[string]bool{}
	for _, tool := range Catalog().Tools() {
		name := tool.Name() + ".json"
		want[name] = true
		// The definition as the types derive it now (the catalogue's own
		// uses the embedded schemas, checked by TestEmbeddedSchemasAreDerived).
		def, derived := tool.Def(), tool.Derived()
		def.RawInputSchema, def.RawOutputSchema = derived.Input, derived.Output
		got, err := json.MarshalIndent(def, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join(dir, name)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no snapshot (run go test ./tools -run TestToolSnapshots -update): %v", tool.Name(), err)
			continue
		}
		if !bytes.Equal(old, got) {
			t.Errorf("%s changed; review the diff and run go test ./tools -run TestToolSnapshots -update\n got %s", tool.Name(), got)
		}
	}
	// A snapshot without a tool is a tool that was removed or renamed.
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".json") && !want[f.Name()] {
			if *update {
				os.Remove(filepath.Join(dir, f.Name()))
				continue
			}
			t.Errorf("%s has no tool; run with -update to remove it", f.Name())
		}
	}
}

// TestEmbeddedSchemasAreDerived checks that schemas.json, which the server
// loads instead of deriving schemas at start-up, holds exactly what every
// tool's types derive. Run with -update to rewrite it.
func TestEmbeddedSchemasAreDerived(t *testing.T) {
	derived := map[string]toolkit.Schemas{}
	for _, tool := range buildCatalog().Tools() {
		derived[tool.Name()] = tool.Derived()
	}
	if *update {
		b, err := json.Marshal(derived)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("schemas.json", append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	embedded := embeddedSchemas()
	if embedded == nil {
		t.Fatal("schemas.json does not decode; run go test ./tools -run TestEmbeddedSchemasAreDerived -update")
	}
	for name, d := range derived {
		e, ok := embedded[name]
		if !ok || !bytes.Equal(e.Input, d.Input) || !bytes.Equal(e.Output, d.Output) {
			t.Errorf("%s: schemas.json differs from the schemas its types derive; run go test ./tools -run TestEmbeddedSchemasAreDerived -update", name)
		}
	}
	for name := range embedded {
		if _, ok := derived[name]; !ok {
			t.Errorf("schemas.json has %s, which is no tool; run with -update", name)
		}
	}
	// The catalogue serves the embedded schemas.
	for _, tool := range Catalog().Tools() {
		if def := tool.Def(); !bytes.Equal(def.RawInputSchema, derived[tool.Name()].Input) {
			t.Errorf("%s: the catalogue does not serve the derived input schema", tool.Name())
		}
	}
}
