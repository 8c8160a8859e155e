package heuristics

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkStats measures the statistics pass on real Go source.
func BenchmarkStats(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "sort", "search.go"))
	if err != nil {
		b.Skip(err)
	}
	text := strings.Repeat(string(src), 20)
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		Stats(text)
	}
}
