package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// SampleOptions controls Generate.
type SampleOptions struct {
	// Temperature divides the logits; 0 picks the most likely token (greedy).
	Temperature float32
	// TopP keeps the smallest set of most likely tokens whose probabilities
	// add up to at least TopP (nucleus sampling); 0 or ≥ 1 keeps all.
	TopP float32
	// Stop ends generation after any of these tokens (it is returned).
	Stop []int32
}

// Generate continues prompt by up to n tokens and returns the new tokens.
// It runs one token at a time with a key/value cache, so each token costs
// one pass over the weights. Generation also stops at a Stop token or when
// the context reaches SeqLen (there is no sliding window: the model was
// trained on positions below SeqLen only).
func (m *Model) Generate(prompt []int32, n int, opt SampleOptions, rng *rand.Rand) ([]int32, error) {
	c := m.cfg
	if len(prompt) == 0 {
		return nil, fmt.Errorf("train: generate: empty prompt (start with BOS)")
	}
	if len(prompt) > c.SeqLen {
		return nil, fmt.Errorf("train: generate: prompt of %d tokens exceeds seq_len %d", len(prompt), c.SeqLen)
	}
	for i, t := range prompt {
		if t < 0 || int(t) >= c.Vocab {
			return nil, fmt.Errorf("train: generate: prompt token %d at %d outside vocabulary [0, %d)", t, i, c.Vocab)
		}
	}
	st := m.newDecoder()
	var logits []float32
	for pos, t := range prompt {
		logits = st.step(t, pos)
	}
	var out []int32
	probs := make([]float32, c.Vocab)
	for pos := len(prompt); len(out) < n && pos <= c.SeqLen; pos++ {
		next := sample(logits, probs, opt, rng)
		out = append(out, next)
		if slices.Contains(opt.Stop, next) || pos == c.SeqLen || len(out) == n {
			break
		}
		logits = st.step(next, pos)
	}
	return out, nil
}

// decoder holds the key/value cache of one generation.
type decoder struct {
	m                      *Model
	k, v                   [][]float32 // per layer [SeqLen, d]
	x, xn, q, att, tmp     []float32
	h1, h3, logits, scores []float32
}

func (m *Model) newDecoder() *decoder {
	c := m.cfg
	s := &decoder{m: m, k: make([][]float32, c.NLayers), v: make([][]float32, c.NLayers)}
	for l := range s.k {
		s.k[l] = make([]float32, c.SeqLen*c.Dim)
		s.v[l] = make([]float32, c.SeqLen*c.Dim)
	}
	d := c.Dim
	s.x, s.xn, s.q, s.att, s.tmp = make([]float32, d), make([]float32, d), make([]float32, d), make([]float32, d), make([]float32, d)
	s.h1, s.h3 = make([]float32, c.Hidden), make([]float32, c.Hidden)
	s.logits, s.scores = make([]float32, c.Vocab), make([]float32, c.SeqLen)
	return s
}

// step feeds token tok at position pos and returns the next-token logits
// (reused by the next step).
func (s *decoder) step(tok int32, pos int) []float32 {
	m, c := s.m, s.m.cfg
	d, hd, H, hid := c.Dim, c.HeadDim(), c.NHeads, c.Hidden
	var rstd [1]float32
	copy(s.x, m.p.tok[int(tok)*d:int(tok)*d+d])
	half := hd / 2
	cs, sn := m.cos[pos*half:pos*half+half], m.sin[pos*half:pos*half+half]
	rot := func(x []float32) {
		for h := 0; h < d; h += hd {
			for i := range half {
				x0, x1 := x[h+2*i], x[h+2*i+1]
				x[h+2*i] = x0*cs[i] - x1*sn[i]
				x[h+2*i+1] = x0*sn[i] + x1*cs[i]
			}
		}
	}
	scale := float32(1 / math.Sqrt(float64(hd)))
	for l := range c.NLayers {
		w := &m.p.layers[l]
		rmsnormForward(s.x, w.attnNorm, s.xn, rstd[:], 1, d, c.NormEps)
		kc, vc := s.k[l][pos*d:pos*d+d], s.v[l][pos*d:pos*d+d]
		matvec(w.wq, s.xn, s.q)
		matvec(w.wk, s.xn, kc)
		matvec(w.wv, s.xn, vc)
		rot(s.q)
		rot(kc)
		for h := range H {
			qh := s.q[h*hd : h*hd+hd]
			sc := s.scores[:pos+1]
			for t := range sc {
				sc[t] = dot(qh, s.k[l][t*d+h*hd:t*d+h*hd+hd]) * scale
			}
			softmaxRow(sc)
			o := s.att[h*hd : h*hd+hd]
			clear(o)
			for t, p := range sc {
				vt := s.v[l][t*d+h*hd : t*d+h*hd+hd]
				for i := range o {
					o[i] += p * vt[i]
				}
			}
		}
		matvec(w.wo, s.att, s.tmp)
		for i := range s.x {
			s.x[i] += s.tmp[i]
		}
		rmsnormForward(s.x, w.ffnNorm, s.xn, rstd[:], 1, d, c.NormEps)
		matvec(w.w1, s.xn, s.h1)
		matvec(w.w3, s.xn, s.h3)
		swigluForward(s.h1, s.h3, s.h1, 1, hid)
		matvec(w.w2, s.h1, s.tmp)
		for i := range s.x {
			s.x[i] += s.tmp[i]
		}
	}
	rmsnormForward(s.x, m.p.norm, s.xn, rstd[:], 1, d, c.NormEps)
	matvec(m.p.out, s.xn, s.logits)
	return s.logits
}

// matvec computes y = W·x for W [len(y), len(x)].
func matvec(w, x, y []float32) {
	in := len(x)
	parallelFor(len(y), 256, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			y[o] = dot(w[o*in:o*in+in], x)
		}
	})
}

func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// sample draws a token from logits per opt; probs is scratch of the same
// length.
func sample(logits, probs []float32, opt SampleOptions, rng *rand.Rand) int32 {
	if opt.Temperature <= 0 {
		best := 0
		for i, v := range logits {
			if v > logits[best] {
				best = i
			}
		}
		return int32(best)
	}
	for i, v := range logits {
		probs[i] = v / opt.Temperature
	}
	softmaxRow(probs)
	u := rng.Float32()
	if opt.TopP <= 0 || opt.TopP >= 1 {
		var cum float32
		for i, p := range probs {
			cum += p
			if u < cum {
				return int32(i)
			}
		}
		return int32(len(probs) - 1)
	}
	idx := make([]int32, len(probs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if probs[a] != probs[b] {
			if probs[a] > probs[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	var total float32
	last := len(idx) - 1
	for i, t := range idx {
		total += probs[t]
		if total >= opt.TopP {
			last = i
			break
		}
	}
	r := u * total
	var cum float32
	for _, t := range idx[:last+1] {
		cum += probs[t]
		if r < cum {
			return t
		}
	}
	return idx[last]
}
