package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		name := tool.Def.Name + ".json"
		want[name] = true
		got, err := json.MarshalIndent(tool.Def, "", "  ")
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
			t.Errorf("%s: no snapshot (run go test ./tools -run TestToolSnapshots -update): %v", tool.Def.Name, err)
			continue
		}
		if !bytes.Equal(old, got) {
			t.Errorf("%s changed; review the diff and run go test ./tools -run TestToolSnapshots -update\n got %s", tool.Def.Name, got)
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
