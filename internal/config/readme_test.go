package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/config"
)

// Every environment variable of the table is documented in the README, so
// that a new setting cannot ship undocumented.
func TestReadmeNamesEveryVariable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Variables() {
		if !strings.Contains(string(readme), "`"+v+"`") {
			t.Errorf("README.md does not name %s (as `%s`); add its row to the configuration table", v, v)
		}
	}
}
