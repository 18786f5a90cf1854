package tools

import "testing"

// BenchmarkCatalog measures building every tool definition (schemas
// derived by reflection), which the server does once at start-up.
func BenchmarkCatalog(b *testing.B) {
	for b.Loop() {
		buildCatalog()
	}
}
