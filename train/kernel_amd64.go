//go:build amd64 && !purego

package train

import "unsafe"

// Implemented in kernel_amd64.s.

//go:noescape
func sgemmKernel6x16AVX2(k int, a, b, c unsafe.Pointer, ldc int)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv0() (eax, edx uint32)

// hasAVX2FMA reports whether the CPU and the OS support AVX2 and FMA3.
var hasAVX2FMA = func() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&fma == 0 || c1&osxsave == 0 || c1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 { // XMM and YMM state enabled by the OS
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0
}()

func microKernelAVX2(k int, a, b, c []float32, ldc int) {
	_ = c[(mr-1)*ldc+nr-1]
	if k <= 0 {
		return
	}
	_ = a[k*mr-1]
	_ = b[k*nr-1]
	sgemmKernel6x16AVX2(k, unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc)
}

// KernelName says which GEMM micro-kernel this build and CPU use.
func KernelName() string {
	if hasAVX2FMA {
		return "avx2-fma 6x16 (assembly)"
	}
	return "portable Go 6x16"
}

func microKernel(k int, a, b, c []float32, ldc int) {
	if hasAVX2FMA {
		microKernelAVX2(k, a, b, c, ldc)
		return
	}
	microKernelGo(k, a, b, c, ldc)
}
