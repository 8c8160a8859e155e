//go:build !amd64 || purego

package train

const hasAVX2FMA = false

// KernelName says which GEMM micro-kernel this build and CPU use.
func KernelName() string { return "portable Go 6x16" }

func microKernel(k int, a, b, c []float32, ldc int) { microKernelGo(k, a, b, c, ldc) }

func microKernelAVX2(k int, a, b, c []float32, ldc int) { microKernelGo(k, a, b, c, ldc) }
