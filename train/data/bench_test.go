package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// BenchmarkNext measures batches served from a local corpus of 4,000
// documents (about 2M tokens, 16 row groups in 4 shards, two sources), with
// read-ahead; bytes are the int32 tokens delivered.
func BenchmarkNext(b *testing.B) {
	for _, ra := range []struct {
		name string
		off  bool
	}{{"readahead", false}, {"sync", true}} {
		b.Run(ra.name, func(b *testing.B) {
			path := WriteCorpus(b, b.TempDir(), []CorpusSource{
				{Name: "a", Weight: 0.6, Shards: [][]int{{250, 250, 250, 250}, {250, 250, 250, 250}}, MaxLen: 990},
				{Name: "b", Weight: 0.4, Shards: [][]int{{250, 250, 250, 250}, {250, 250, 250, 250}}, MaxLen: 990},
			})
			cfg := Config{Seed: 1, SeqLen: 1024, GlobalBatch: 16, TokenBudget: 1 << 40, MaxEpochs: 1e9, NoReadAhead: ra.off}
			l, err := Open(context.Background(), path, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.SetBytes(int64(cfg.GlobalBatch * (cfg.SeqLen + 1) * 4))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Next(); err != nil && err != io.EOF {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*cfg.GlobalBatch*cfg.SeqLen)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

// BenchmarkSchedule measures the interleave, which Resume replays from the
// start of the run: one op is one sample over the seven LLaMA sources.
func BenchmarkSchedule(b *testing.B) {
	p, err := NewPlan(llamaManifest(), Config{SeqLen: 2048, GlobalBatch: 2048, TokenBudget: 1.4e12})
	if err != nil {
		b.Fatal(err)
	}
	s := newSchedule(p)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if s.i == s.n {
			s = newSchedule(p)
		}
		s.next()
	}
}

// BenchmarkVerifyShard measures the up-front check of Open: one sequential
// read and SHA-256 of a 32 MiB local shard (page-cached after the first
// iteration, so this is the hashing and copying cost, the floor under disk
// or network speed). Bytes are the shard's.
func BenchmarkVerifyShard(b *testing.B) {
	dir := b.TempDir()
	buf := make([]byte, 32<<20)
	for i := range buf {
		buf[i] = byte(i * 2654435761 >> 13)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.parquet"), buf, 0o644); err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(buf)
	sh := manifest.Shard{Kind: manifest.KindTokens, Path: "s.parquet", Bytes: int64(len(buf)), SHA256: hex.EncodeToString(sum[:])}
	store, err := storage.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	b.SetBytes(int64(len(buf)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := VerifyShard(context.Background(), store, sh); err != nil {
			b.Fatal(err)
		}
	}
}
