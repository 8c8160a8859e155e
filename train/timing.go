package train

import (
	"math/rand/v2"
	"time"
)

// TimeMatmul times one m×k by k×n product through the trainer's GEMM on
// random matrices (allocation and filling excluded), for benchmark scripts
// that compare it with a BLAS sgemm.
func TimeMatmul(m, n, k int) time.Duration {
	r := rand.New(rand.NewPCG(uint64(m), uint64(n)))
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = r.Float32()
	}
	for i := range b {
		b[i] = r.Float32()
	}
	gemm(false, false, m, n, k, a, k, b, n, c, n, false) // warm caches and the pool
	t0 := time.Now()
	gemm(false, false, m, n, k, a, k, b, n, c, n, false)
	return time.Since(t0)
}
