package train

import (
	"math"
)

// AdamWConfig holds the optimizer's hyperparameters.
type AdamWConfig struct {
	Beta1, Beta2 float64
	Eps          float64
	WeightDecay  float64 // decoupled; applied to tensors with TensorSpec.Decay only
	GradClip     float64 // global L2 norm; 0 disables clipping
}

// LlamaAdamW is the LLaMA paper's setting: β 0.9/0.95, eps 1e-8, weight
// decay 0.1, clipping at 1.0.
var LlamaAdamW = AdamWConfig{Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, WeightDecay: 0.1, GradClip: 1.0}

// AdamW keeps the first and second moments of every parameter of one model.
type AdamW struct {
	HP   AdamWConfig
	M, V []float32 // moments, same layout as Model.Params
	T    int64     // completed steps
	m    *Model
}

// NewAdamW returns an optimizer with zero moments for m.
func NewAdamW(m *Model, hp AdamWConfig) *AdamW {
	return &AdamW{HP: hp, M: make([]float32, len(m.Params)), V: make([]float32, len(m.Params)), m: m}
}

// StepStats reports what one optimizer step did.
type StepStats struct {
	GradNorm float64 // global L2 norm of the gradients before clipping
	ClipCoef float64 // factor applied to the gradients (1 when not clipped)
}

// GradNorm returns the global L2 norm of the model's gradients, summed per
// fixed chunk in float64 so it does not depend on GOMAXPROCS.
func (m *Model) GradNorm() float64 {
	const chunk = 1 << 14
	n := len(m.Grads)
	parts := make([]float64, (n+chunk-1)/chunk)
	parallelFor(n, chunk, func(lo, hi int) {
		var s float64
		for _, g := range m.Grads[lo:hi] {
			s += float64(g) * float64(g)
		}
		parts[lo/chunk] = s
	})
	var s float64
	for _, p := range parts {
		s += p
	}
	return math.Sqrt(s)
}

// Step clips the gradients to HP.GradClip (coefficient clip/(norm+1e-6) when
// below 1, as torch.nn.utils.clip_grad_norm_), then applies one AdamW update
// at learning rate lr. It leaves the (clipped) gradients in place.
func (o *AdamW) Step(lr float64) StepStats {
	m := o.m
	st := StepStats{GradNorm: m.GradNorm(), ClipCoef: 1}
	if o.HP.GradClip > 0 {
		if c := o.HP.GradClip / (st.GradNorm + 1e-6); c < 1 {
			st.ClipCoef = c
		}
	}
	o.T++
	hp := o.HP
	bc1 := 1 - math.Pow(hp.Beta1, float64(o.T))
	bc2 := 1 - math.Pow(hp.Beta2, float64(o.T))
	stepSize := float32(lr / bc1)
	bc2s := float32(math.Sqrt(bc2))
	b1, b2 := float32(hp.Beta1), float32(hp.Beta2)
	eps, coef := float32(hp.Eps), float32(st.ClipCoef)
	for _, s := range m.specs {
		decay := float32(1)
		if s.Decay {
			decay = float32(1 - lr*hp.WeightDecay)
		}
		lo, hi := s.Offset, s.Offset+s.Size
		parallelFor(hi-lo, 1<<14, func(a, b int) {
			p, g := m.Params[lo+a:lo+b], m.Grads[lo+a:lo+b]
			mm, vv := o.M[lo+a:lo+b], o.V[lo+a:lo+b]
			for i := range p {
				gi := g[i]
				if coef != 1 {
					gi *= coef
					g[i] = gi
				}
				mi := b1*mm[i] + (1-b1)*gi
				vi := b2*vv[i] + (1-b2)*gi*gi
				mm[i], vv[i] = mi, vi
				den := float32(math.Sqrt(float64(vi)))/bc2s + eps
				p[i] = p[i]*decay - stepSize*mi/den
			}
		})
	}
	return st
}

// Schedule is the LLaMA learning-rate schedule: linear warm-up
// Peak·(it+1)/Warmup for it < Warmup, then a cosine from Peak down to
// MinRatio·Peak at it = Total, and MinRatio·Peak after that.
type Schedule struct {
	Peak     float64
	Warmup   int
	Total    int
	MinRatio float64
}

// NewSchedule returns the schedule with the LLaMA floor of 10% of the peak.
func NewSchedule(peak float64, warmup, total int) Schedule {
	return Schedule{Peak: peak, Warmup: warmup, Total: total, MinRatio: 0.1}
}

// LR returns the learning rate of iteration it (0-based).
func (s Schedule) LR(it int) float64 {
	minLR := s.MinRatio * s.Peak
	if it < s.Warmup {
		return s.Peak * float64(it+1) / float64(s.Warmup)
	}
	if it >= s.Total {
		return minLR
	}
	r := float64(it-s.Warmup) / float64(s.Total-s.Warmup)
	return minLR + 0.5*(1+math.Cos(math.Pi*r))*(s.Peak-minLR)
}
