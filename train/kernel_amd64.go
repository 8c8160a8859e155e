//go:build amd64 && !purego

package train

import "unsafe"

// Implemented in kernel_amd64.s.

//go:noescape
func sgemmKernel6x16AVX2(k int, a, b, c unsafe.Pointer, ldc int, acc int)

//go:noescape
func expShiftSumAVX2(x *float32, n8 int, shift float32) float64

//go:noescape
func maxAVX2(x *float32, n8 int) float32

//go:noescape
func scaleAVX2(x *float32, n8 int, s float32)

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

// microKernelAVX2 is microKernel on the assembly kernel (callers check
// hasAVX2FMA).
func microKernelAVX2(k int, a, b, c []float32, ldc int, acc bool) {
	_ = c[(mr-1)*ldc+nr-1]
	if k <= 0 {
		microKernelGo(k, a, b, c, ldc, acc)
		return
	}
	_ = a[k*mr-1]
	_ = b[k*nr-1]
	ac := 0
	if acc {
		ac = 1
	}
	sgemmKernel6x16AVX2(k, unsafe.Pointer(&a[0]), unsafe.Pointer(&b[0]), unsafe.Pointer(&c[0]), ldc, ac)
}

// KernelName says which GEMM micro-kernel this build and CPU use.
func KernelName() string {
	if hasAVX2FMA {
		return "avx2-fma 6x16 (assembly)"
	}
	return "portable Go 6x16"
}

func microKernel(k int, a, b, c []float32, ldc int, acc bool) {
	if hasAVX2FMA {
		microKernelAVX2(k, a, b, c, ldc, acc)
		return
	}
	microKernelGo(k, a, b, c, ldc, acc)
}

// expShiftSum sets x[i] = exp(x[i]−shift) and returns Σ x[i] in float64.
func expShiftSum(x []float32, shift float32) float64 {
	n8 := 0
	var s float64
	if hasAVX2FMA && len(x) >= 8 {
		n8 = len(x) / 8
		s = expShiftSumAVX2(&x[0], n8, shift)
	}
	for i := 8 * n8; i < len(x); i++ {
		e := expf(x[i] - shift)
		x[i] = e
		s += float64(e)
	}
	return s
}

// vmax returns the largest element of a non-empty x.
func vmax(x []float32) float32 {
	mx := x[0]
	n8 := 0
	if hasAVX2FMA && len(x) >= 8 {
		n8 = len(x) / 8
		mx = maxAVX2(&x[0], n8)
	}
	for _, v := range x[8*n8:] {
		mx = max(mx, v)
	}
	return mx
}

// vscale multiplies x by s.
func vscale(x []float32, s float32) {
	n8 := 0
	if hasAVX2FMA && len(x) >= 8 {
		n8 = len(x) / 8
		scaleAVX2(&x[0], n8, s)
	}
	for i := 8 * n8; i < len(x); i++ {
		x[i] *= s
	}
}

//go:noescape
func swigluFwdAVX2(a1, a3, gate *float32, n8 int)

//go:noescape
func swigluBwdAVX2(dgate, a1, a3, da1, da3 *float32, n8 int)

// swigluRange computes gate = silu(a1)·a3 on equal-length slices.
func swigluRange(a1, a3, gate []float32) {
	n8 := 0
	if hasAVX2FMA && len(a1) >= 8 {
		n8 = len(a1) / 8
		_, _ = a3[len(a1)-1], gate[len(a1)-1]
		swigluFwdAVX2(&a1[0], &a3[0], &gate[0], n8)
	}
	swigluRangeGo(a1[8*n8:], a3[8*n8:], gate[8*n8:])
}

// swigluBackRange computes da1 and da3 from dgate on equal-length slices.
func swigluBackRange(dgate, a1, a3, da1, da3 []float32) {
	n8 := 0
	if hasAVX2FMA && len(a1) >= 8 {
		n8 = len(a1) / 8
		n := len(a1) - 1
		_, _, _, _ = dgate[n], a3[n], da1[n], da3[n]
		swigluBwdAVX2(&dgate[0], &a1[0], &a3[0], &da1[0], &da3[0], n8)
	}
	k := 8 * n8
	swigluBackRangeGo(dgate[k:], a1[k:], a3[k:], da1[k:], da3[k:])
}
