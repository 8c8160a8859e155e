package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fullLogits runs the training forward pass and returns all logits [T, V]
// of one sequence.
func fullLogits(m *Model, seq []int32) []float32 {
	a := m.ensureActs(1, len(seq))
	clear(a.targets)
	copy(a.tokens, seq)
	m.trunk(a)
	c := m.cfg
	out := make([]float32, len(seq)*c.Vocab)
	gemm(false, true, len(seq), c.Vocab, c.Dim, a.xnF, c.Dim, m.p.out, c.Dim, out, c.Vocab, false)
	return out
}

// TestDecoderMatchesForward checks the key/value-cache decoder against the
// batched training forward pass at every position.
func TestDecoderMatchesForward(t *testing.T) {
	for _, tied := range []bool{true, false} {
		cfg := smallConfig(t, tied)
		m, _ := NewModel(cfg, rand.New(rand.NewPCG(11, 12)))
		// Larger weights than the init so the logits are not all near zero.
		for i := range m.Params {
			m.Params[i] *= 8
		}
		r := rand.New(rand.NewPCG(1, 1))
		seq := make([]int32, cfg.SeqLen)
		for i := range seq {
			seq[i] = int32(r.IntN(cfg.Vocab))
		}
		want := fullLogits(m, seq)
		dec := m.newDecoder()
		for pos, tok := range seq {
			got := dec.step(tok, pos)
			for v := range got {
				w := want[pos*cfg.Vocab+v]
				if math.Abs(float64(got[v]-w)) > 1e-4*(1+math.Abs(float64(w))) {
					t.Fatalf("tied=%v pos %d vocab %d: decoder %g, forward %g", tied, pos, v, got[v], w)
				}
			}
		}
	}
}

func TestGenerate(t *testing.T) {
	cfg := smallConfig(t, true)
	m, _ := NewModel(cfg, rand.New(rand.NewPCG(13, 14)))
	// Train briefly on the 3x+1 pattern so greedy decoding has a right answer.
	opt := NewAdamW(m, LlamaAdamW)
	for it := range 60 {
		r := rand.New(rand.NewPCG(uint64(it), 5))
		in, tg := patternBatch(r, 8, cfg.SeqLen, cfg.Vocab)
		if _, err := m.Forward(in, tg); err != nil {
			t.Fatal(err)
		}
		m.ZeroGrad()
		m.Backward()
		opt.Step(2e-2)
	}
	prompt := []int32{5, 16, 49}
	out, err := m.Generate(prompt, 6, SampleOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{20, 61, 56, 41, 60, 53} // x -> 3x+1 mod 64
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("greedy continuation %v, want %v", out, want)
		}
	}
	// Stop token, length limits, and determinism of sampling with a seed.
	out, _ = m.Generate(prompt, 6, SampleOptions{Stop: []int32{61}}, nil)
	if len(out) != 2 || out[1] != 61 {
		t.Fatalf("stop: %v", out)
	}
	out, _ = m.Generate(prompt, 100, SampleOptions{}, nil)
	if len(out) != cfg.SeqLen-len(prompt)+1 {
		t.Fatalf("generated %d tokens past a %d-token context", len(out), cfg.SeqLen)
	}
	s1, _ := m.Generate(prompt, 8, SampleOptions{Temperature: 1, TopP: 0.9}, rand.New(rand.NewPCG(1, 2)))
	s2, _ := m.Generate(prompt, 8, SampleOptions{Temperature: 1, TopP: 0.9}, rand.New(rand.NewPCG(1, 2)))
	for i := range s1 {
		if s1[i] != s2[i] {
			t.Fatalf("seeded sampling not reproducible: %v vs %v", s1, s2)
		}
	}
	if _, err := m.Generate([]int32{64}, 1, SampleOptions{}, nil); err == nil {
		t.Fatal("out-of-vocabulary prompt accepted")
	}
}

// TestTopP checks nucleus truncation on a known distribution.
func TestTopP(t *testing.T) {
	logits := []float32{float32(math.Log(0.5)), float32(math.Log(0.3)), float32(math.Log(0.15)), float32(math.Log(0.05))}
	probs := make([]float32, 4)
	counts := make([]int, 4)
	r := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		counts[sample(logits, probs, SampleOptions{Temperature: 1, TopP: 0.75}, r)]++
	}
	// Top-p 0.75 keeps {0.5, 0.3}: renormalized 0.625 / 0.375, never 2 or 3.
	if counts[2] != 0 || counts[3] != 0 {
		t.Fatalf("tokens outside the nucleus sampled: %v", counts)
	}
	if f := float64(counts[0]) / 20000; math.Abs(f-0.625) > 0.015 {
		t.Fatalf("p(token 0) = %.3f, want 0.625", f)
	}
	if got := sample(logits, probs, SampleOptions{}, nil); got != 0 {
		t.Fatalf("greedy picked %d", got)
	}
}
