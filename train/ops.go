package train

import (
	"math"
)

// rowGrain is the number of rows per parallel chunk in row-wise kernels. It is
// a constant (not derived from GOMAXPROCS) so reductions over chunks are
// summed in the same order on every machine.
const rowGrain = 32

// rmsnormForward writes y = x/sqrt(mean(x²)+eps)·w row by row and keeps the
// reciprocal root per row for the backward pass. The mean of squares is
// accumulated in float64: with d in the hundreds, fp32 summation would add
// ~1e-7 relative noise for nothing.
func rmsnormForward(x, w, y, rstd []float32, rows, d int, eps float32) {
	parallelFor(rows, rowGrain, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			xr := x[r*d : r*d+d]
			yr := y[r*d : r*d+d]
			var ss float64
			for _, v := range xr {
				ss += float64(v) * float64(v)
			}
			s := float32(1 / math.Sqrt(ss/float64(d)+float64(eps)))
			rstd[r] = s
			for i, v := range xr {
				yr[i] = v * s * w[i]
			}
		}
	})
}

// rmsnormBackward adds the input gradient to dx and the gain gradient to dw,
// given dy, the input x and the saved rstd:
// dx = r·(dy⊙w) − x·r³/d·Σ(dy⊙w⊙x), dw += Σ_rows dy⊙x·r.
// Gain gradients are reduced per fixed chunk of rows, then in chunk order.
func rmsnormBackward(dy, x, w, rstd, dx, dw []float32, rows, d int) {
	chunks := (rows + rowGrain - 1) / rowGrain
	part := make([]float32, chunks*d)
	parallelFor(rows, rowGrain, func(lo, hi int) {
		pw := part[(lo/rowGrain)*d : (lo/rowGrain+1)*d]
		for r := lo; r < hi; r++ {
			xr := x[r*d : r*d+d]
			gr := dy[r*d : r*d+d]
			dr := dx[r*d : r*d+d]
			s := rstd[r]
			var dot float64
			for i, g := range gr {
				dot += float64(g) * float64(w[i]) * float64(xr[i])
				pw[i] += g * xr[i] * s
			}
			c := float32(dot) * s * s * s / float32(d)
			for i, g := range gr {
				dr[i] += s*g*w[i] - xr[i]*c
			}
		}
	})
	for c := range chunks {
		pc := part[c*d : c*d+d]
		for i, v := range pc {
			dw[i] += v
		}
	}
}

// ropeTables returns cos and sin of t·θ^(−2i/hd) for t < seqLen and
// i < hd/2, computed in float64 and rounded once, as the reference does.
func ropeTables(seqLen, hd int, theta float64) (cos, sin []float32) {
	half := hd / 2
	cos = make([]float32, seqLen*half)
	sin = make([]float32, seqLen*half)
	for i := range half {
		inv := 1 / math.Pow(theta, float64(2*i)/float64(hd))
		for t := range seqLen {
			a := float64(t) * inv
			cos[t*half+i] = float32(math.Cos(a))
			sin[t*half+i] = float32(math.Sin(a))
		}
	}
	return cos, sin
}

// rope rotates interleaved pairs (x[2i], x[2i+1]) of every head of every row
// by the angle of the row's position (row mod T). inverse rotates by the
// negative angle, which is the backward pass of the rotation.
func rope(x, cos, sin []float32, rows, T, d, hd int, inverse bool) {
	half := hd / 2
	parallelFor(rows, rowGrain*2, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			t := r % T
			c := cos[t*half : t*half+half]
			s := sin[t*half : t*half+half]
			xr := x[r*d : r*d+d]
			for h := 0; h < d; h += hd {
				xh := xr[h : h+hd]
				for i := range half {
					x0, x1 := xh[2*i], xh[2*i+1]
					ci, si := c[i], s[i]
					if inverse {
						si = -si
					}
					xh[2*i] = x0*ci - x1*si
					xh[2*i+1] = x0*si + x1*ci
				}
			}
		}
	})
}

// expf is a float32 exp accurate to about 2 ulp (Cephes' expf polynomial
// after reduction by ln 2). It is several times faster than float64 math.Exp,
// which matters: softmax over a 32000-word vocabulary calls it 65 M times a
// step on stories15M.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	if x > 88.7 {
		return float32(math.Inf(1))
	}
	if x < -87.3 {
		return 0
	}
	t := x * log2e
	var n int32
	if t >= 0 {
		n = int32(t + 0.5)
	} else {
		n = int32(t - 0.5)
	}
	fn := float32(n)
	r := x - fn*c1 - fn*c2
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// swigluForward computes gate = silu(a1)·a3.
func swigluForward(a1, a3, gate []float32, rows, h int) {
	parallelFor(rows, rowGrain, func(lo, hi int) {
		swigluRange(a1[lo*h:hi*h], a3[lo*h:hi*h], gate[lo*h:hi*h])
	})
}

// swigluRangeGo is the portable swigluRange.
func swigluRangeGo(a1, a3, gate []float32) {
	for i, x := range a1 {
		gate[i] = x / (1 + expf(-x)) * a3[i]
	}
}

// swigluBackward turns dgate into da1 and da3 (dgate may alias neither).
// silu'(x) = σ(x)·(1 + x·(1−σ(x))).
func swigluBackward(dgate, a1, a3, da1, da3 []float32, rows, h int) {
	parallelFor(rows, rowGrain, func(lo, hi int) {
		a, b := lo*h, hi*h
		swigluBackRange(dgate[a:b], a1[a:b], a3[a:b], da1[a:b], da3[a:b])
	})
}

// swigluBackRangeGo is the portable swigluBackRange.
func swigluBackRangeGo(dgate, a1, a3, da1, da3 []float32) {
	for i, x := range a1 {
		s := 1 / (1 + expf(-x))
		g := dgate[i]
		da3[i] = g * x * s
		da1[i] = g * a3[i] * s * (1 + x*(1-s))
	}
}

// softmaxXent turns each row of logits into the gradient of the mean
// cross-entropy over total rows, (softmax − onehot)/total, in place, and
// stores each row's loss (log-sum-exp minus the target logit) in loss.
func softmaxXent(logits []float32, targets []int32, loss []float64, rows, V, total int) {
	inv := float32(1 / float64(total))
	parallelFor(rows, 8, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			l := logits[r*V : r*V+V]
			mx := vmax(l)
			tgt := l[targets[r]]
			sum := expShiftSum(l, mx)
			loss[r] = math.Log(sum) + float64(mx) - float64(tgt)
			vscale(l, float32(1/sum)*inv)
			l[targets[r]] -= inv
		}
	})
}

// softmaxRow writes softmax(x) to x, accumulating the normalizer in float64.
func softmaxRow(x []float32) {
	sum := expShiftSum(x, vmax(x))
	vscale(x, float32(1/sum))
}

// expShiftSumGo is the portable expShiftSum.
func expShiftSumGo(x []float32, shift float32) float64 {
	var s float64
	for i, v := range x {
		e := expf(v - shift)
		x[i] = e
		s += float64(e)
	}
	return s
}
