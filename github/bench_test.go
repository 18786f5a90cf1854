package github_test

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkRepeatedReads reads 10 repositories round-robin through the
// whole client stack against the fake GitHub, with and without the
// conditional-request cache, and reports how many reads GitHub counted
// against the primary budget.
func BenchmarkRepeatedReads(b *testing.B) {
	for _, cached := range []bool{false, true} {
		b.Run(fmt.Sprintf("cache=%v", cached), func(b *testing.B) {
			s := newStackB(b, cached)
			ctx := context.Background()
			reads := 0
			for b.Loop() {
				if _, _, err := s.client.Repositories.Get(ctx, "octo", fmt.Sprintf("r%d", reads%10)); err != nil {
					b.Fatal(err)
				}
				reads++
			}
			st := s.fake.Stats()
			counted := st.Requests - st.NotModified
			b.ReportMetric(float64(counted)/float64(reads), "counted/read")
			b.ReportMetric(float64(st.NotModified)/float64(reads), "304s/read")
		})
	}
}
