package arxiv

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"
)

// BenchmarkReader reads a bulk tar made by `go run ./tools/arxivsample
// -papers 1000 -out DIR` (ARXIV_BENCH_TAR=DIR/arXiv_src_2301_900.tar), or the
// test fixture when unset; MB/s are of the tar's bytes, on one core.
func BenchmarkReader(b *testing.B) {
	p := os.Getenv("ARXIV_BENCH_TAR")
	if p == "" {
		p = "testdata/arXiv_src_2301_001.tar"
	}
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := NewReader(context.Background(), p, io.NopCloser(bytes.NewReader(data)), nil, Options{})
		for r.Next() {
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
