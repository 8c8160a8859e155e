package export

import (
	"context"
	"testing"
)

// BenchmarkExport measures both formats on one shard of 2,000 documents
// (about 1M tokens, vocabulary 32000, so 2-byte files); bytes are the
// shard's int32 tokens. Shard verification is included.
func BenchmarkExport(b *testing.B) {
	docs := make([][]int32, 2000)
	var n int64
	for i := range docs {
		docs[i] = make([]int32, 200+(i*37)%600)
		for k := range docs[i] {
			docs[i][k] = int32(3 + (i*131+k*7)%31990)
		}
		n += int64(len(docs[i]))
	}
	p := writeShards(b, 32000, 2, docs)
	for _, format := range []string{FormatMegatron, FormatNpy} {
		b.Run(format, func(b *testing.B) {
			out := b.TempDir()
			b.SetBytes(4 * n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), p, Options{Format: format, Out: out}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
