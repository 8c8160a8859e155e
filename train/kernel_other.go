//go:build !amd64 || purego

package train

const hasAVX2FMA = false

// KernelName says which GEMM micro-kernel this build and CPU use.
func KernelName() string { return "portable Go 6x16" }

func microKernel(k int, a, b, c []float32, ldc int, acc bool) { microKernelGo(k, a, b, c, ldc, acc) }

func microKernelAVX2(k int, a, b, c []float32, ldc int, acc bool) {
	microKernelGo(k, a, b, c, ldc, acc)
}

func expShiftSum(x []float32, shift float32) float64 { return expShiftSumGo(x, shift) }

func vmax(x []float32) float32 {
	mx := x[0]
	for _, v := range x {
		mx = max(mx, v)
	}
	return mx
}

func vscale(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

func swigluRange(a1, a3, gate []float32) { swigluRangeGo(a1, a3, gate) }

func swigluBackRange(dgate, a1, a3, da1, da3 []float32) {
	swigluBackRangeGo(dgate, a1, a3, da1, da3)
}
