package tools

import "testing"

// BenchmarkAll measures building every tool definition (schemas derived
// by reflection), which the server does at start-up.
func BenchmarkAll(b *testing.B) {
	for b.Loop() {
		All(Deps{})
	}
}
