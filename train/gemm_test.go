package train

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func naiveGemm(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				av := a[i*lda+p]
				if ta {
					av = a[p*lda+i]
				}
				bv := b[p*ldb+j]
				if tb {
					bv = b[j*ldb+p]
				}
				s += float64(av) * float64(bv)
			}
			if acc {
				s += float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(s)
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// TestGemm checks every transpose combination, edge tiles, k beyond one
// kc block and accumulation against a float64 reference.
func TestGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {6, 16, 4}, {7, 17, 3}, {13, 33, 300}, {100, 50, 64}, {64, 200, 513}, {200, 40, 16}}
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					lda, ldb, ldc := k+3, n+1, n+5
					if ta {
						lda = m + 2
					}
					if tb {
						ldb = k + 4
					}
					a := randSlice(r, max(m, k)*lda)
					b := randSlice(r, max(k, n)*ldb)
					c0 := randSlice(r, m*ldc)
					got := append([]float32(nil), c0...)
					want := append([]float32(nil), c0...)
					gemm(ta, tb, m, n, k, a, lda, b, ldb, got, ldc, acc)
					naiveGemm(ta, tb, m, n, k, a, lda, b, ldb, want, ldc, acc)
					for i := range want {
						tol := 1e-5 * math.Sqrt(float64(k)) * 4
						if d := math.Abs(float64(got[i] - want[i])); d > tol {
							t.Fatalf("m=%d n=%d k=%d ta=%v tb=%v acc=%v: c[%d]=%g want %g", m, n, k, ta, tb, acc, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestMicroKernelsAgree runs the SIMD kernel and the portable one on the
// same packed panels (on machines without AVX2 both are the portable one).
func TestMicroKernelsAgree(t *testing.T) {
	t.Logf("kernel: %s", KernelName())
	r := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 64, 255, 256} {
		a := randSlice(r, max(k, 1)*mr)
		b := randSlice(r, max(k, 1)*nr)
		const ldc = nr + 3
		c0 := randSlice(r, mr*ldc)
		c1 := append([]float32(nil), c0...)
		c2 := append([]float32(nil), c0...)
		acc := k%2 == 0
		microKernelGo(k, a, b, c1, ldc, acc)
		microKernelAVX2(k, a, b, c2, ldc, acc)
		for i := range c1 {
			if d := math.Abs(float64(c1[i] - c2[i])); d > 1e-5*float64(k+1) {
				t.Fatalf("k=%d: c[%d] portable %g simd %g", k, i, c1[i], c2[i])
			}
			if i%ldc >= nr && c1[i] != c0[i] {
				t.Fatalf("k=%d: kernel wrote outside its tile at %d", k, i)
			}
		}
	}
}

func BenchmarkMatmul(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, sh := range []struct {
		name    string
		m, n, k int
		ta, tb  bool
	}{
		{"fwd_2048x288x288", 2048, 288, 288, false, true},
		{"fwd_2048x768x288", 2048, 768, 288, false, true},
		{"cls_2048x32000x288", 2048, 32000, 288, false, true},
		{"dW_288x288x2048", 288, 288, 2048, true, false},
		{"dX_2048x288x768", 2048, 288, 768, false, false},
		{"sq_512", 512, 512, 512, false, false},
	} {
		b.Run(sh.name, func(b *testing.B) {
			lda, ldb := sh.k, sh.n
			if sh.ta {
				lda = sh.m
			}
			if sh.tb {
				ldb = sh.k
			}
			a := randSlice(r, sh.m*sh.k)
			bb := randSlice(r, sh.k*sh.n)
			c := make([]float32, sh.m*sh.n)
			flops := 2 * float64(sh.m*sh.n*sh.k)
			b.SetBytes(int64(4 * (sh.m*sh.k + sh.k*sh.n + sh.m*sh.n)))
			for b.Loop() {
				gemm(sh.ta, sh.tb, sh.m, sh.n, sh.k, a, lda, bb, ldb, c, sh.n, false)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestVectorHelpers checks the SIMD exp/max/scale helpers against the
// portable code on lengths with and without a tail.
func TestVectorHelpers(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 7, 8, 9, 31, 32000} {
		x := randSlice(r, n)
		for i := range x {
			x[i] *= 30
		}
		if n > 3 {
			x[2] = -200 // underflow clamp
		}
		want := float32(math.Inf(-1))
		for _, v := range x {
			want = max(want, v)
		}
		if got := vmax(x); got != want {
			t.Fatalf("n=%d: vmax %g want %g", n, got, want)
		}
		y1 := append([]float32(nil), x...)
		y2 := append([]float32(nil), x...)
		s1 := expShiftSum(y1, want)
		s2 := expShiftSumGo(y2, want)
		var s64 float64
		for i, v := range x {
			e := math.Exp(float64(v - want))
			s64 += e
			if d := math.Abs(float64(y1[i]) - e); d > 3e-7*e+1e-37 {
				t.Fatalf("n=%d: exp(%g) = %g, want %g", n, v-want, y1[i], e)
			}
			if d := math.Abs(float64(y1[i] - y2[i])); d > 3e-7*e+1e-37 {
				t.Fatalf("n=%d: simd %g, portable %g", n, y1[i], y2[i])
			}
		}
		if math.Abs(s1-s64) > 1e-6*s64 || math.Abs(s1-s2) > 1e-6*s64 {
			t.Fatalf("n=%d: sums %g (simd) %g (portable) %g (float64)", n, s1, s2, s64)
		}
		z := append([]float32(nil), y1...)
		vscale(y1, 3)
		for i := range y1 {
			if y1[i] != 3*z[i] {
				t.Fatalf("n=%d: vscale gave %g for 3·%g", n, y1[i], z[i])
			}
		}
	}
	if got := expf(0); got != 1 {
		t.Fatalf("expf(0) = %g", got)
	}
}

// TestSwiGLUKernels compares the SIMD SwiGLU forward and backward with the
// portable code, including saturated inputs.
func TestSwiGLUKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{3, 8, 19, 1000} {
		a1, a3, dg := randSlice(r, n), randSlice(r, n), randSlice(r, n)
		for i := range a1 {
			a1[i] *= 6
		}
		a1[0], a1[n-1] = 120, -120
		g1, g2 := make([]float32, n), make([]float32, n)
		swigluRange(a1, a3, g1)
		swigluRangeGo(a1, a3, g2)
		d1a, d1b, d2a, d2b := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		swigluBackRange(dg, a1, a3, d1a, d1b)
		swigluBackRangeGo(dg, a1, a3, d2a, d2b)
		for i := range g1 {
			close := func(x, y float32) bool { return math.Abs(float64(x-y)) <= 1e-6*(1+math.Abs(float64(y))) }
			if !close(g1[i], g2[i]) || !close(d1a[i], d2a[i]) || !close(d1b[i], d2b[i]) {
				t.Fatalf("n=%d i=%d x=%g: simd (%g %g %g) portable (%g %g %g)", n, i, a1[i], g1[i], d1a[i], d1b[i], g2[i], d2a[i], d2b[i])
			}
		}
	}
}

// TestGemmWorkersBitExact: splitting C over goroutines must not change a
// bit, whatever the number of workers (rows and column splits, edge tiles).
func TestGemmWorkersBitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, sh := range [][3]int{{301, 77, 520}, {50, 700, 300}} {
		m, n, k := sh[0], sh[1], sh[2]
		a, b := randSlice(r, m*k), randSlice(r, k*n)
		var ref []float32
		for _, w := range []int{1, 2, 3, 7} {
			prev := runtime.GOMAXPROCS(w)
			c := make([]float32, m*n)
			gemm(false, true, m, n, k, a, k, b, k, c, n, false)
			runtime.GOMAXPROCS(prev)
			if ref == nil {
				ref = c
				continue
			}
			for i := range c {
				if c[i] != ref[i] {
					t.Fatalf("%v: GOMAXPROCS %d differs at %d", sh, w, i)
				}
			}
		}
	}
}
