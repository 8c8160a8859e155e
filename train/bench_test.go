package train

import (
	"math/rand/v2"
	"syscall"
	"testing"
)

// cpuSeconds is the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkStep times one training step (forward, backward, clipped AdamW)
// on random tokens with the batch sizes of the PyTorch baseline, reporting
// tokens/s and model GFLOP/s (PaLM convention).
func BenchmarkStep(b *testing.B) {
	for _, bc := range []struct {
		name  string
		batch int
	}{{"tiny", 16}, {"stories15M", 8}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg, err := ConfigByName(bc.name)
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 1))
			m, err := NewModel(cfg, r)
			if err != nil {
				b.Fatal(err)
			}
			opt := NewAdamW(m, LlamaAdamW)
			T := cfg.SeqLen
			in, tg := randomBatch(r, bc.batch, T, cfg.Vocab)
			b.SetBytes(int64(bc.batch * T * 4))
			cpu0 := cpuSeconds()
			for b.Loop() {
				if _, err := m.Forward(in, tg); err != nil {
					b.Fatal(err)
				}
				m.ZeroGrad()
				if err := m.Backward(); err != nil {
					b.Fatal(err)
				}
				opt.Step(3e-4)
			}
			cpu := (cpuSeconds() - cpu0) / float64(b.N)
			sec := b.Elapsed().Seconds() / float64(b.N)
			// On a shared machine wall time counts other people's work;
			// CPU time per step is the fair per-core figure.
			b.ReportMetric(float64(bc.batch*T)/cpu, "tokens/cpu-s")
			b.ReportMetric(float64(bc.batch*T)/sec, "tokens/s")
			b.ReportMetric(cfg.FlopsPerStep(bc.batch, T)/sec/1e9, "GFLOP/s")
		})
	}
}

func randomBatch(r *rand.Rand, B, T, V int) (in, tg [][]int32) {
	for range B {
		row := make([]int32, T+1)
		for i := range row {
			row[i] = int32(r.IntN(V))
		}
		in = append(in, row[:T])
		tg = append(tg, row[1:])
	}
	return in, tg
}
