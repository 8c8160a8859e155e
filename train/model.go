package train

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TensorSpec locates one parameter tensor inside the flat parameter vector.
type TensorSpec struct {
	Name   string // canonical name, "tok_embeddings", "layers.3.wq", "norm", "output"
	Shape  []int  // [out, in] for matrices (torch layout), [d] for gains
	Offset int    // first element in Model.Params / Model.Grads
	Size   int
	// Decay reports whether AdamW applies weight decay (tensors with two or
	// more dimensions, as the reference does; never the RMSNorm gains).
	Decay bool
}

type layerW struct {
	attnNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3 []float32
}

type weights struct {
	tok    []float32
	layers []layerW
	norm   []float32
	out    []float32 // aliases tok when tied
}

// Model is a LLaMA-architecture decoder with parameters and gradients held
// in two flat float32 vectors, tensor by tensor in llama2.c's legacy export
// order (see [Model.Tensors]). A Model is not safe for concurrent use; its
// kernels parallelize internally over GOMAXPROCS goroutines, and results are
// bit-identical whatever GOMAXPROCS is.
type Model struct {
	cfg    Config
	Params []float32
	Grads  []float32
	specs  []TensorSpec
	p, g   weights
	cos    []float32
	sin    []float32
	act    *activations
}

// NewModel builds a model with llama2.c's initialization: matrices and the
// embedding N(0, 0.02²), wo and w3 N(0, (0.02/√(2L))²), gains 1.
func NewModel(cfg Config, rng *rand.Rand) (*Model, error) {
	m, err := newModel(cfg)
	if err != nil {
		return nil, err
	}
	scaled := 0.02 / math.Sqrt(2*float64(cfg.NLayers))
	for _, s := range m.specs {
		t := m.Params[s.Offset : s.Offset+s.Size]
		if len(s.Shape) == 1 {
			for i := range t {
				t[i] = 1
			}
			continue
		}
		std := 0.02
		if hasSuffix(s.Name, ".wo") || hasSuffix(s.Name, ".w3") {
			std = scaled
		}
		for i := range t {
			t[i] = float32(rng.NormFloat64() * std)
		}
	}
	return m, nil
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// newModel lays out zeroed parameters for a normalized copy of cfg.
func newModel(cfg Config) (*Model, error) {
	cfg, err := cfg.Normalize()
	if err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg}
	d, h, L, V := cfg.Dim, cfg.Hidden, cfg.NLayers, cfg.Vocab
	off := 0
	add := func(name string, shape ...int) {
		n := 1
		for _, s := range shape {
			n *= s
		}
		m.specs = append(m.specs, TensorSpec{Name: name, Shape: shape, Offset: off, Size: n, Decay: len(shape) >= 2})
		off += n
	}
	add("tok_embeddings", V, d)
	perLayer := []struct {
		name  string
		shape []int
	}{
		{"attention_norm", []int{d}}, {"wq", []int{d, d}}, {"wk", []int{d, d}}, {"wv", []int{d, d}},
		{"wo", []int{d, d}}, {"ffn_norm", []int{d}}, {"w1", []int{h, d}}, {"w2", []int{d, h}}, {"w3", []int{h, d}},
	}
	for _, k := range perLayer {
		for l := range L {
			add(fmt.Sprintf("layers.%d.%s", l, k.name), k.shape...)
		}
	}
	add("norm", d)
	if !cfg.Tied {
		add("output", V, d)
	}
	m.Params = make([]float32, off)
	m.Grads = make([]float32, off)
	m.p = m.views(m.Params)
	m.g = m.views(m.Grads)
	m.cos, m.sin = ropeTables(cfg.SeqLen, cfg.HeadDim(), cfg.RopeTheta)
	return m, nil
}

func (m *Model) views(buf []float32) weights {
	L := m.cfg.NLayers
	t := func(i int) []float32 { s := m.specs[i]; return buf[s.Offset : s.Offset+s.Size : s.Offset+s.Size] }
	w := weights{tok: t(0), layers: make([]layerW, L)}
	for l := range L {
		w.layers[l] = layerW{
			attnNorm: t(1 + l), wq: t(1 + L + l), wk: t(1 + 2*L + l), wv: t(1 + 3*L + l), wo: t(1 + 4*L + l),
			ffnNorm: t(1 + 5*L + l), w1: t(1 + 6*L + l), w2: t(1 + 7*L + l), w3: t(1 + 8*L + l),
		}
	}
	w.norm = t(1 + 9*L)
	w.out = w.tok
	if !m.cfg.Tied {
		w.out = t(2 + 9*L)
	}
	return w
}

// Config returns the model's normalized configuration.
func (m *Model) Config() Config { return m.cfg }

// Tensors lists the parameter tensors in canonical order (llama2.c legacy
// export order without its header and RoPE tables; output last, untied only).
func (m *Model) Tensors() []TensorSpec { return m.specs }

// Tensor returns the parameter values of the named tensor, or nil.
func (m *Model) Tensor(name string) []float32 {
	for _, s := range m.specs {
		if s.Name == name {
			return m.Params[s.Offset : s.Offset+s.Size]
		}
	}
	return nil
}

// ZeroGrad clears the gradients; Backward accumulates into them.
func (m *Model) ZeroGrad() { clear(m.Grads) }

// attnBlock is the row block of the causal attention kernels (a multiple
// of mr keeps the GEMM tiles full).
const attnBlock = 48

// clsChunkFloats bounds the logits held at once (a variable so tests can
// force many chunks).
var clsChunkFloats = 72 << 20

// activations keeps what the backward pass needs from the forward pass, for
// one batch shape.
type activations struct {
	B, T    int
	tokens  []int32
	targets []int32
	x       [][]float32 // L+1 residual streams, [N, d]
	h       [][]float32 // after attention, [N, d]
	xn1     [][]float32
	xn2     [][]float32
	rstd1   [][]float32
	rstd2   [][]float32
	q, k, v [][]float32
	att     [][]float32 // attention output before wo
	probs   [][]float32 // [B, H, T, T]
	a1, a3  [][]float32 // [N, hidden]
	gate    [][]float32
	xnF     []float32
	rstdF   []float32
	logits  []float32 // [clsRows, V]: one chunk of logits, then of their gradient
	clsRows int
	dxnF    []float32 // dL/dxnF, [N, d], computed by Forward
	gOut    []float32 // dL/dWcls, [V, d], added to Grads by Backward
	rowLoss []float64
	seqLoss []float64
	ready   bool // a forward with targets ran and backward may follow

	// backward scratch
	dx, dh, dxn, dq, dk, dv, datt []float32
	dP                            []float32 // [B, H, T, T], one layer at a time
	dgate, da1, da3               []float32
}

func (m *Model) ensureActs(B, T int) *activations {
	if a := m.act; a != nil && a.B == B && a.T == T {
		return a
	}
	c := m.cfg
	N, d, h, L, H := B*T, c.Dim, c.Hidden, c.NLayers, c.NHeads
	mk := func(n int) [][]float32 {
		s := make([][]float32, L)
		for i := range s {
			s[i] = make([]float32, n)
		}
		return s
	}
	a := &activations{
		B: B, T: T, tokens: make([]int32, N), targets: make([]int32, N),
		x: make([][]float32, L+1), h: mk(N * d), xn1: mk(N * d), xn2: mk(N * d), rstd1: mk(N), rstd2: mk(N),
		q: mk(N * d), k: mk(N * d), v: mk(N * d), att: mk(N * d), probs: mk(B * H * T * T),
		a1: mk(N * h), a3: mk(N * h), gate: mk(N * h),
		xnF: make([]float32, N*d), rstdF: make([]float32, N), dxnF: make([]float32, N*d),
		gOut:    make([]float32, c.Vocab*d),
		rowLoss: make([]float64, N), seqLoss: make([]float64, B),
		dx: make([]float32, N*d), dh: make([]float32, N*d), dxn: make([]float32, N*d),
		dq: make([]float32, N*d), dk: make([]float32, N*d), dv: make([]float32, N*d), datt: make([]float32, N*d),
		dgate: make([]float32, N*h), da1: make([]float32, N*h), da3: make([]float32, N*h),
		dP: make([]float32, B*H*T*T),
	}
	for i := range a.x {
		a.x[i] = make([]float32, N*d)
	}
	// The classifier runs in chunks of rows so that the logits of a large
	// batch never exist at once (B·T×V floats: 1 GB for stories15M at batch
	// 32). Each chunk repacks the classifier weights, which cost ~10% of a
	// stories15M step with 16 M-float chunks, so chunks are large: batch 8
	// (2048×32000 = 65.5 M floats) still runs in one.
	a.clsRows = max(1, min(N, clsChunkFloats/c.Vocab))
	a.logits = make([]float32, a.clsRows*c.Vocab)
	m.act = a
	return a
}

// ReleaseActivations frees the forward-pass buffers (hundreds of MB for
// stories15M at batch 8) until the next Forward.
func (m *Model) ReleaseActivations() { m.act = nil }

// Forward runs the model on inputs [B][T] and returns the mean cross-entropy
// over all B·T targets (accumulated in float64). All sequences must have the
// same length T ≤ SeqLen. Forward prepares the loss gradient for [Model.Backward].
func (m *Model) Forward(inputs, targets [][]int32) (float64, error) {
	return m.forward(inputs, targets, true)
}

// Evaluate returns the mean loss like Forward but skips the classifier's
// gradient work; a Backward cannot follow it.
func (m *Model) Evaluate(inputs, targets [][]int32) (float64, error) {
	return m.forward(inputs, targets, false)
}

func (m *Model) forward(inputs, targets [][]int32, grad bool) (float64, error) {
	B := len(inputs)
	if B == 0 || len(targets) != B {
		return 0, fmt.Errorf("train: forward: %d input and %d target sequences", B, len(targets))
	}
	T := len(inputs[0])
	if T == 0 || T > m.cfg.SeqLen {
		return 0, fmt.Errorf("train: forward: sequence length %d outside [1, %d]", T, m.cfg.SeqLen)
	}
	V := int32(m.cfg.Vocab)
	for b := range B {
		if len(inputs[b]) != T || len(targets[b]) != T {
			return 0, fmt.Errorf("train: forward: sequence %d has %d inputs and %d targets, want %d", b, len(inputs[b]), len(targets[b]), T)
		}
		for t := range T {
			if x, y := inputs[b][t], targets[b][t]; x < 0 || x >= V || y < 0 || y >= V {
				return 0, fmt.Errorf("train: forward: sequence %d position %d: token %d or target %d outside vocabulary [0, %d)", b, t, x, y, V)
			}
		}
	}
	a := m.ensureActs(B, T)
	a.ready = false
	for b := range B {
		copy(a.tokens[b*T:], inputs[b])
		copy(a.targets[b*T:], targets[b])
	}
	m.trunk(a)
	m.classify(a, grad)
	var total float64
	for b := range B {
		var s float64
		for _, l := range a.rowLoss[b*T : b*T+T] {
			s += l
		}
		a.seqLoss[b] = s / float64(T)
		total += s
	}
	a.ready = grad
	return total / float64(B*T), nil
}

// classify computes the per-row losses and, chunk by chunk of rows, the
// classifier's gradients: dL/dxnF into a.dxnF and dL/dWcls into a.gOut.
// Doing the backward work here, while a chunk of logits is hot, is what lets
// the logits be discarded.
func (m *Model) classify(a *activations, grad bool) {
	c := m.cfg
	N, d, V := a.B*a.T, c.Dim, c.Vocab
	clear(a.gOut)
	for r0 := 0; r0 < N; r0 += a.clsRows {
		rc := min(a.clsRows, N-r0)
		L := a.logits[:rc*V]
		xn := a.xnF[r0*d:]
		gemm(false, true, rc, V, d, xn, d, m.p.out, d, L, V, false)
		softmaxXent(L, a.targets[r0:r0+rc], a.rowLoss[r0:r0+rc], rc, V, N)
		if !grad {
			continue
		}
		gemm(false, false, rc, d, V, L, V, m.p.out, d, a.dxnF[r0*d:], d, false)
		gemm(true, false, V, d, rc, L, V, xn, d, a.gOut, d, true)
	}
}

// SequenceLosses returns the mean loss of each sequence of the last Forward,
// so a training loop can attribute loss to data sources. The slice is reused
// by the next Forward.
func (m *Model) SequenceLosses() []float64 {
	if m.act == nil {
		return nil
	}
	return m.act.seqLoss
}

// trunk runs embedding, the blocks and the final norm into a.xnF.
func (m *Model) trunk(a *activations) {
	c := m.cfg
	N, d := a.B*a.T, c.Dim
	x0 := a.x[0]
	for n, tok := range a.tokens {
		copy(x0[n*d:n*d+d], m.p.tok[int(tok)*d:])
	}
	for l := range c.NLayers {
		m.layerForward(l, a)
	}
	rmsnormForward(a.x[c.NLayers], m.p.norm, a.xnF, a.rstdF, N, d, c.NormEps)
}

func (m *Model) layerForward(l int, a *activations) {
	c := m.cfg
	B, T, d, hid, H, hd := a.B, a.T, c.Dim, c.Hidden, c.NHeads, c.HeadDim()
	N := B * T
	w := &m.p.layers[l]
	x, xo := a.x[l], a.x[l+1]
	xn, q, k, v, att, h := a.xn1[l], a.q[l], a.k[l], a.v[l], a.att[l], a.h[l]
	rmsnormForward(x, w.attnNorm, xn, a.rstd1[l], N, d, c.NormEps)
	gemm(false, true, N, d, d, xn, d, w.wq, d, q, d, false)
	gemm(false, true, N, d, d, xn, d, w.wk, d, k, d, false)
	gemm(false, true, N, d, d, xn, d, w.wv, d, v, d, false)
	rope(q, m.cos, m.sin, N, T, d, hd, false)
	rope(k, m.cos, m.sin, N, T, d, hd, false)
	probs := a.probs[l]
	scale := float32(1 / math.Sqrt(float64(hd)))
	parallelFor(B*H, 1, func(lo, hi int) {
		for bh := lo; bh < hi; bh++ {
			b, hh := bh/H, bh%H
			off := b*T*d + hh*hd
			P := probs[bh*T*T : (bh+1)*T*T]
			// Causal: rows i0..i1 only need keys 0..i1, which skips most of
			// the masked upper triangle.
			for i0 := 0; i0 < T; i0 += attnBlock {
				i1 := min(i0+attnBlock, T)
				gemmSerial(false, true, i1-i0, i1, hd, q[off+i0*d:], d, k[off:], d, P[i0*T:], T, false)
				for t := i0; t < i1; t++ {
					row := P[t*T : t*T+T]
					for j := range t + 1 {
						row[j] *= scale
					}
					softmaxRow(row[:t+1])
					clear(row[t+1:])
				}
				gemmSerial(false, false, i1-i0, hd, i1, P[i0*T:], T, v[off:], d, att[off+i0*d:], d, false)
			}
		}
	})
	copy(h, x)
	gemm(false, true, N, d, d, att, d, w.wo, d, h, d, true)
	xn2 := a.xn2[l]
	rmsnormForward(h, w.ffnNorm, xn2, a.rstd2[l], N, d, c.NormEps)
	gemm(false, true, N, hid, d, xn2, d, w.w1, d, a.a1[l], hid, false)
	gemm(false, true, N, hid, d, xn2, d, w.w3, d, a.a3[l], hid, false)
	swigluForward(a.a1[l], a.a3[l], a.gate[l], N, hid)
	copy(xo, h)
	gemm(false, true, N, d, hid, a.gate[l], hid, w.w2, hid, xo, d, true)
}

// Backward adds the gradient of the last Forward's mean loss to Grads. It
// must follow a successful Forward; call ZeroGrad first unless gradients
// should accumulate over several batches.
func (m *Model) Backward() error {
	a := m.act
	if a == nil || !a.ready {
		return fmt.Errorf("train: backward without a forward pass")
	}
	a.ready = false
	c := m.cfg
	N, d, V, L := a.B*a.T, c.Dim, c.Vocab, c.NLayers
	// Classifier: Forward left its gradients in a.gOut and a.dxnF.
	parallelFor(V*d, 1<<14, func(lo, hi int) {
		g, s := m.g.out[lo:hi], a.gOut[lo:hi]
		for i, v := range s {
			g[i] += v
		}
	})
	clear(a.dx)
	rmsnormBackward(a.dxnF, a.x[L], m.p.norm, a.rstdF, a.dx, m.g.norm, N, d)
	for l := L - 1; l >= 0; l-- {
		m.layerBackward(l, a)
	}
	// Embedding lookup: serial, in token order, so the sum is deterministic.
	for n, tok := range a.tokens {
		g := m.g.tok[int(tok)*d : int(tok)*d+d]
		for i, v := range a.dx[n*d : n*d+d] {
			g[i] += v
		}
	}
	return nil
}

// layerBackward turns a.dx = dL/dx[l+1] into dL/dx[l].
func (m *Model) layerBackward(l int, a *activations) {
	c := m.cfg
	B, T, d, hid, H, hd := a.B, a.T, c.Dim, c.Hidden, c.NHeads, c.HeadDim()
	N := B * T
	w, g := &m.p.layers[l], &m.g.layers[l]
	dx, dh, dxn := a.dx, a.dh, a.dxn
	// FFN: x_out = h + W2·(silu(W1·hn) ⊙ W3·hn)
	gemm(false, false, N, hid, d, dx, d, w.w2, hid, a.dgate, hid, false)
	gemm(true, false, d, hid, N, dx, d, a.gate[l], hid, g.w2, hid, true)
	swigluBackward(a.dgate, a.a1[l], a.a3[l], a.da1, a.da3, N, hid)
	gemm(false, false, N, d, hid, a.da1, hid, w.w1, d, dxn, d, false)
	gemm(false, false, N, d, hid, a.da3, hid, w.w3, d, dxn, d, true)
	gemm(true, false, hid, d, N, a.da1, hid, a.xn2[l], d, g.w1, d, true)
	gemm(true, false, hid, d, N, a.da3, hid, a.xn2[l], d, g.w3, d, true)
	copy(dh, dx)
	rmsnormBackward(dxn, a.h[l], w.ffnNorm, a.rstd2[l], dh, g.ffnNorm, N, d)
	// Attention: h = x + Wo·attn
	datt := a.datt
	gemm(false, false, N, d, d, dh, d, w.wo, d, datt, d, false)
	gemm(true, false, d, d, N, dh, d, a.att[l], d, g.wo, d, true)
	q, k, v, probs := a.q[l], a.k[l], a.v[l], a.probs[l]
	dq, dk, dv := a.dq, a.dk, a.dv
	scale := float32(1 / math.Sqrt(float64(hd)))
	parallelFor(B*H, 1, func(lo, hi int) {
		for bh := lo; bh < hi; bh++ {
			dP := a.dP[bh*T*T : (bh+1)*T*T]
			b, hh := bh/H, bh%H
			off := b*T*d + hh*hd
			P := probs[bh*T*T : (bh+1)*T*T]
			// Row blocks see keys up to their end; column blocks (of dV
			// and dK) see queries from their start: the upper triangle of
			// P and dS is zero.
			for i0 := 0; i0 < T; i0 += attnBlock {
				i1 := min(i0+attnBlock, T)
				gemmSerial(false, true, i1-i0, i1, hd, datt[off+i0*d:], d, v[off:], d, dP[i0*T:], T, false)
				for t := i0; t < i1; t++ {
					pr, dr := P[t*T:t*T+t+1], dP[t*T:t*T+T]
					var dot float32
					for j, p := range pr {
						dot += p * dr[j]
					}
					for j, p := range pr {
						dr[j] = p * (dr[j] - dot) * scale
					}
					clear(dr[t+1:])
				}
				gemmSerial(false, false, i1-i0, hd, i1, dP[i0*T:], T, k[off:], d, dq[off+i0*d:], d, false)
			}
			for j0 := 0; j0 < T; j0 += attnBlock {
				j1 := min(j0+attnBlock, T)
				gemmSerial(true, false, j1-j0, hd, T-j0, P[j0*T+j0:], T, datt[off+j0*d:], d, dv[off+j0*d:], d, false)
				gemmSerial(true, false, j1-j0, hd, T-j0, dP[j0*T+j0:], T, q[off+j0*d:], d, dk[off+j0*d:], d, false)
			}
		}
	})
	rope(dq, m.cos, m.sin, N, T, d, hd, true)
	rope(dk, m.cos, m.sin, N, T, d, hd, true)
	xn := a.xn1[l]
	gemm(false, false, N, d, d, dq, d, w.wq, d, dxn, d, false)
	gemm(false, false, N, d, d, dk, d, w.wk, d, dxn, d, true)
	gemm(false, false, N, d, d, dv, d, w.wv, d, dxn, d, true)
	gemm(true, false, d, d, N, dq, d, xn, d, g.wq, d, true)
	gemm(true, false, d, d, N, dk, d, xn, d, g.wk, d, true)
	gemm(true, false, d, d, N, dv, d, xn, d, g.wv, d, true)
	copy(dx, dh)
	rmsnormBackward(dxn, a.x[l], w.attnNorm, a.rstd1[l], dx, g.attnNorm, N, d)
}
