package train

import (
	"runtime"
	"sync"
)

// Blocking of the packed GEMM (Goto/BLIS layout). The micro-kernel computes an
// mr×nr tile of C from an mr-row panel of A and an nr-column panel of B, both
// packed so the kernel reads them with unit stride. kcBlock bounds the shared
// dimension so a B micro-panel (kcBlock·nr·4 = 16 KiB) stays in L1 while the
// mcBlock×kcBlock block of A (96 KiB) stays in L2.
const (
	mr      = 6
	nr      = 16
	kcBlock = 256
	mcBlock = 96 // multiple of mr
	ncBlock = 2048
)

type gemmWork struct {
	a []float32 // mcBlock × kcBlock, packed in mr-row panels
	b []float32 // kcBlock × ncBlock, packed in nr-column panels
}

var gemmPool = sync.Pool{New: func() any {
	return &gemmWork{
		a: make([]float32, mcBlock*kcBlock),
		b: make([]float32, kcBlock*ncBlock),
	}
}}

// gemm computes C = op(A)·op(B), or C += op(A)·op(B) when acc is set, for
// row-major matrices: op(A) is m×k and op(B) is k×n. With ta false, A(i,p) is
// a[i*lda+p]; with ta true it is a[p*lda+i] (A is stored transposed). The same
// holds for B with tb and ldb. C(i,j) is c[i*ldc+j]; only the m×n block is
// written. Large products are split over goroutines by rows or columns of C;
// every element is still summed in the same order, so the result does not
// depend on GOMAXPROCS.
func gemm(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	w := runtime.GOMAXPROCS(0)
	if w == 1 || m*n*k < 1<<17 {
		gemmSerial(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, acc)
		return
	}
	if n >= m {
		// Split columns of C (and of op(B)) in multiples of nr.
		step := roundUp((n+2*w-1)/(2*w), nr)
		parallelFor((n+step-1)/step, 1, func(lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				j0 := ch * step
				j1 := min(j0+step, n)
				bo := j0
				if tb {
					bo = j0 * ldb
				}
				gemmSerial(ta, tb, m, j1-j0, k, a, lda, b[bo:], ldb, c[j0:], ldc, acc)
			}
		})
		return
	}
	step := roundUp((m+2*w-1)/(2*w), mr)
	parallelFor((m+step-1)/step, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			i0 := ch * step
			i1 := min(i0+step, m)
			ao := i0 * lda
			if ta {
				ao = i0
			}
			gemmSerial(ta, tb, i1-i0, n, k, a[ao:], lda, b, ldb, c[i0*ldc:], ldc, acc)
		}
	})
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }

// gemmSerial is gemm on the calling goroutine.
func gemmSerial(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if m <= 0 || n <= 0 {
		return
	}
	if !acc {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	if k <= 0 {
		return
	}
	ws := gemmPool.Get().(*gemmWork)
	defer gemmPool.Put(ws)
	for jc := 0; jc < n; jc += ncBlock {
		nb := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kb := min(kcBlock, k-pc)
			packB(ws.b, tb, b, ldb, pc, jc, kb, nb)
			for ic := 0; ic < m; ic += mcBlock {
				mb := min(mcBlock, m-ic)
				packA(ws.a, ta, a, lda, ic, pc, mb, kb)
				macroKernel(mb, nb, kb, ws.a, ws.b, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into nr-column panels, each kb rows
// of nr contiguous floats, zero-padding the last panel.
func packB(dst []float32, tb bool, b []float32, ldb, pc, jc, kb, nb int) {
	for jp := 0; jp < nb; jp += nr {
		w := min(nr, nb-jp)
		panel := dst[(jp/nr)*kb*nr : (jp/nr+1)*kb*nr]
		if !tb {
			for p := range kb {
				row := b[(pc+p)*ldb+jc+jp:]
				d := panel[p*nr : p*nr+nr]
				copy(d[:w], row[:w])
				clear(d[w:])
			}
			continue
		}
		if w < nr {
			clear(panel)
		}
		for j := range w {
			col := b[(jc+jp+j)*ldb+pc:]
			col = col[:kb]
			for p, v := range col {
				panel[p*nr+j] = v
			}
		}
	}
}

// packA copies op(A)[ic:ic+mb, pc:pc+kb] into mr-row panels, each kb columns
// of mr contiguous floats, zero-padding the last panel.
func packA(dst []float32, ta bool, a []float32, lda, ic, pc, mb, kb int) {
	for ip := 0; ip < mb; ip += mr {
		h := min(mr, mb-ip)
		panel := dst[(ip/mr)*kb*mr : (ip/mr+1)*kb*mr]
		if ta {
			for p := range kb {
				row := a[(pc+p)*lda+ic+ip:]
				d := panel[p*mr : p*mr+mr]
				copy(d[:h], row[:h])
				clear(d[h:])
			}
			continue
		}
		if h < mr {
			clear(panel)
		}
		for i := range h {
			row := a[(ic+ip+i)*lda+pc:]
			row = row[:kb]
			for p, v := range row {
				panel[p*mr+i] = v
			}
		}
	}
}

func macroKernel(mb, nb, kb int, pa, pb, c []float32, ldc int) {
	var tmp [mr * nr]float32
	for jr := 0; jr < nb; jr += nr {
		nw := min(nr, nb-jr)
		bp := pb[(jr/nr)*kb*nr:]
		for ir := 0; ir < mb; ir += mr {
			mh := min(mr, mb-ir)
			ap := pa[(ir/mr)*kb*mr:]
			if mh == mr && nw == nr {
				_ = c[(ir+mr-1)*ldc+jr+nr-1]
				microKernel(kb, ap, bp, c[ir*ldc+jr:], ldc)
				continue
			}
			clear(tmp[:])
			microKernel(kb, ap, bp, tmp[:], nr)
			for i := range mh {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nw]
				t := tmp[i*nr : i*nr+nw]
				for j := range row {
					row[j] += t[j]
				}
			}
		}
	}
}

// microKernelGo is the portable micro-kernel: C[0:mr, 0:nr] += A·B with a
// packed as k×mr and b as k×nr. The SIMD kernels must agree with it.
func microKernelGo(k int, a, b, c []float32, ldc int) {
	var acc [mr][nr]float32
	a = a[:k*mr]
	b = b[:k*nr]
	for p := range k {
		bp := (*[nr]float32)(b[p*nr:])
		ap := (*[mr]float32)(a[p*mr:])
		for i := range mr {
			ai := ap[i]
			r := &acc[i]
			for j := range nr {
				r[j] += ai * bp[j]
			}
		}
	}
	for i := range mr {
		row := c[i*ldc : i*ldc+nr]
		for j := range row {
			row[j] += acc[i][j]
		}
	}
}
