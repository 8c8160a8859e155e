// Command trainer-bench times training steps of the pure-Go LLaMA trainer
// the way ref_llama_train.py's bench mode times PyTorch (random tokens,
// weights N(0, 0.02), forward → backward → clip → AdamW), and measures the
// GEMM's throughput on square matrices (the "sgemm" peak). It prints one
// "RESULT {json}" line per measurement for run.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/tokenmill/tokenmill/train"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	mode := flag.String("mode", "step", "step or sgemm")
	config := flag.String("config", "tiny", "tiny, stories15M (small) or a JSON file")
	batch := flag.Int("batch", 16, "sequences per step")
	steps := flag.Int("steps", 10, "timed steps")
	warmup := flag.Int("warmup-steps", 3, "untimed steps first")
	reps := flag.Int("reps", 5, "sgemm repetitions per size")
	flag.Parse()
	var res map[string]any
	var err error
	if *mode == "sgemm" {
		res = sgemm(*reps, []int{512, 1024, 2048})
	} else {
		res, err = step(*config, *batch, *steps, *warmup)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trainer-bench:", err)
		os.Exit(1)
	}
	res["gomaxprocs"] = runtime.GOMAXPROCS(0)
	res["kernel"] = train.KernelName()
	b, _ := json.Marshal(res)
	fmt.Println("RESULT " + string(b))
}

func step(name string, B, steps, warmup int) (map[string]any, error) {
	cfg, err := train.ResolveConfig(name)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(1337, 0))
	m, err := train.NewModel(cfg, r)
	if err != nil {
		return nil, err
	}
	for _, s := range m.Tensors() { // the reference's bench init: every matrix N(0, 0.02)
		if len(s.Shape) == 2 {
			for i := range m.Params[s.Offset : s.Offset+s.Size] {
				m.Params[s.Offset+i] = float32(r.NormFloat64() * 0.02)
			}
		}
	}
	opt := train.NewAdamW(m, train.LlamaAdamW)
	sched := train.NewSchedule(3e-4, 2000, 100000)
	T := cfg.SeqLen
	var wall, cpu, fwd, bwd, upd []float64
	var loss float64
	for it := range warmup + steps {
		in, tg := make([][]int32, B), make([][]int32, B)
		for b := range B {
			row := make([]int32, T+1)
			for i := range row {
				row[i] = int32(r.IntN(cfg.Vocab))
			}
			in[b], tg[b] = row[:T], row[1:]
		}
		c0, t0 := cpuSeconds(), time.Now()
		if loss, err = m.Forward(in, tg); err != nil {
			return nil, err
		}
		t1 := time.Now()
		m.ZeroGrad()
		if err := m.Backward(); err != nil {
			return nil, err
		}
		t2 := time.Now()
		opt.Step(sched.LR(it))
		t3, c3 := time.Now(), cpuSeconds()
		if it >= warmup {
			wall = append(wall, t3.Sub(t0).Seconds())
			cpu = append(cpu, c3-c0)
			fwd = append(fwd, t1.Sub(t0).Seconds())
			bwd = append(bwd, t2.Sub(t1).Seconds())
			upd = append(upd, t3.Sub(t2).Seconds())
		}
	}
	var sumW, sumC float64
	for i := range wall {
		sumW += wall[i]
		sumC += cpu[i]
	}
	sort.Float64s(wall)
	sort.Float64s(cpu)
	med, medC := wall[len(wall)/2], cpu[len(cpu)/2]
	flops := cfg.FlopsPerStep(B, T)
	load, _ := os.ReadFile("/proc/loadavg")
	return map[string]any{
		"config": name, "dim": cfg.Dim, "n_layers": cfg.NLayers, "seq_len": T, "vocab": cfg.Vocab, "hidden": cfg.Hidden,
		"batch": B, "n_params": cfg.NumParams(), "flops_per_step": flops, "steps_timed": len(wall),
		"step_s_median": med, "step_s_min": wall[0], "fwd_s_mean": mean(fwd), "bwd_s_mean": mean(bwd), "opt_s_mean": mean(upd),
		"tokens_per_s": float64(B*T) / med, "tokens_per_s_best": float64(B*T) / wall[0],
		"gflops_per_s": flops / med / 1e9, "cpu_s_median": medC, "cpu_util": sumC / sumW,
		"tokens_per_cpu_s": float64(B*T) / medC, "gflops_per_cpu_s": flops / medC / 1e9,
		"last_loss": loss, "loadavg_end": string(load),
	}, nil
}

func mean(s []float64) float64 {
	var t float64
	for _, v := range s {
		t += v
	}
	return t / float64(len(s))
}

// sgemm times C = A·B on n×n matrices through the trainer's GEMM.
func sgemm(reps int, sizes []int) map[string]any {
	res := map[string]any{}
	for _, n := range sizes {
		// Wall clock only: one product lasts a few ms, below the useful
		// resolution of the process CPU clock.
		best := 1e9
		for range reps {
			best = min(best, train.TimeMatmul(n, n, n).Seconds())
		}
		res[fmt.Sprintf("go_%d_gflops", n)] = 2 * float64(n*n*n) / best / 1e9
	}
	return res
}
