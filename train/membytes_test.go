package train

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestTrainingBytes: the estimate a trainer checks against its memory limit
// is within 25% of what a model, its AdamW state and one training step
// really keep on the heap, for a width-dominated and an embedding-dominated
// shape; and absurd shapes saturate instead of overflowing.
func TestTrainingBytes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cfg       Config
		batch, tl int
	}{
		{"tiny", Config{Dim: 64, NLayers: 2, NHeads: 4, Vocab: 512, SeqLen: 64, Tied: true}, 4, 64},
		{"wide vocab", Config{Dim: 64, NLayers: 2, NHeads: 4, Vocab: 32000, SeqLen: 32, Tied: false}, 2, 32},
		{"deep", Config{Dim: 128, NLayers: 6, NHeads: 8, Vocab: 1000, SeqLen: 64, Tied: true}, 2, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := tc.cfg.Normalize()
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			m, err := NewModel(cfg, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			opt := NewAdamW(m, LlamaAdamW)
			in := make([][]int32, tc.batch)
			tg := make([][]int32, tc.batch)
			for i := range in {
				in[i], tg[i] = make([]int32, tc.tl), make([]int32, tc.tl)
				for k := range in[i] {
					in[i][k], tg[i][k] = int32((i*7+k)%cfg.Vocab), int32((i*7+k+1)%cfg.Vocab)
				}
			}
			if _, err := m.Forward(in, tg); err != nil {
				t.Fatal(err)
			}
			if err := m.Backward(); err != nil {
				t.Fatal(err)
			}
			opt.Step(1e-3)
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			used := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			est := float64(cfg.TrainingBytes(tc.batch, tc.tl))
			runtime.KeepAlive(m)
			runtime.KeepAlive(opt)
			if r := est / used; r < 0.8 || r > 1.25 {
				t.Errorf("estimate %.0f bytes, heap grew %.0f (ratio %.2f)", est, used, r)
			}
			t.Logf("estimate %.2f MB, heap %.2f MB", est/1e6, used/1e6)
		})
	}
	huge := Config{Dim: 1 << 30, NLayers: 1 << 20, NHeads: 1, Hidden: 1 << 30, Vocab: 1 << 24, SeqLen: 1 << 20}
	if got := huge.TrainingBytes(1<<20, 1<<20); got != math.MaxInt64 {
		t.Errorf("huge config: %d bytes, want saturation", got)
	}
}
