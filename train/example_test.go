package train_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/tokenmill/tokenmill/train"
)

// A configuration gives the parameter count and FLOPs; a model trains with
// Forward, Backward and an AdamW step, and can sample.
func Example() {
	cfg, _ := train.ConfigByName("stories15M")
	fmt.Println("stories15M:", cfg.Hidden, "hidden,", cfg.NumParams(), "parameters")
	fmt.Printf("%.1f MFLOP per token\n", cfg.FlopsPerStep(1, cfg.SeqLen)/float64(cfg.SeqLen)/1e6)

	tiny, _ := train.ConfigByName("tiny")
	m, _ := train.NewModel(tiny, rand.New(rand.NewPCG(1, 2)))
	opt := train.NewAdamW(m, train.LlamaAdamW)
	seq := []int32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	in, tg := [][]int32{seq[:8]}, [][]int32{seq[1:]}
	first, _ := m.Forward(in, tg)
	for range 20 {
		m.Forward(in, tg)
		m.ZeroGrad()
		m.Backward()
		opt.Step(1e-2)
	}
	last, _ := m.Forward(in, tg)
	fmt.Printf("tiny: %d parameters, loss %.2f -> below 1: %v\n", tiny.NumParams(), first, last < 1)
	out, _ := m.Generate([]int32{1, 2, 3}, 5, train.SampleOptions{}, nil)
	fmt.Println("greedy:", out)
	// Output:
	// stories15M: 768 hidden, 15191712 parameters
	// 96.4 MFLOP per token
	// tiny: 139584 parameters, loss 6.28 -> below 1: true
	// greedy: [4 5 6 7 8]
}
