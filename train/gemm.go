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

// gemmPool recycles packing buffers. They grow to what a product needs, so
// the many small attention products do not each fault in megabytes.
var gemmPool = sync.Pool{New: func() any { return new(gemmWork) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

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
	if k <= 0 {
		if !acc {
			for i := range m {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	ws := gemmPool.Get().(*gemmWork)
	defer gemmPool.Put(ws)
	ws.a = grow(ws.a, roundUp(min(m, mcBlock), mr)*min(k, kcBlock))
	ws.b = grow(ws.b, min(k, kcBlock)*roundUp(min(n, ncBlock), nr))
	for jc := 0; jc < n; jc += ncBlock {
		nb := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kb := min(kcBlock, k-pc)
			packB(ws.b, tb, b, ldb, pc, jc, kb, nb)
			for ic := 0; ic < m; ic += mcBlock {
				mb := min(mcBlock, m-ic)
				packA(ws.a, ta, a, lda, ic, pc, mb, kb)
				macroKernel(mb, nb, kb, ws.a, ws.b, c[ic*ldc+jc:], ldc, acc || pc > 0)
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
			if w == nr {
				for p := range kb {
					d := (*[nr]float32)(panel[p*nr:])
					r := (*[nr]float32)(b[(pc+p)*ldb+jc+jp:])
					for j := range nr {
						d[j] = r[j]
					}
				}
				continue
			}
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
		if ta && h == mr {
			for p := range kb {
				// Element by element: an array copy of 24 bytes becomes a
				// memmove call.
				d := (*[mr]float32)(panel[p*mr:])
				r := (*[mr]float32)(a[(pc+p)*lda+ic+ip:])
				d[0], d[1], d[2], d[3], d[4], d[5] = r[0], r[1], r[2], r[3], r[4], r[5]
			}
			continue
		}
		if ta {
			for p := range kb {
				row := a[(pc+p)*lda+ic+ip:]
				d := panel[p*mr : p*mr+mr]
				copy(d[:h], row[:h])
				clear(d[h:])
			}
			continue
		}
		if h == mr {
			// Six read streams, one sequential write stream.
			base := (ic+ip)*lda + pc
			r0 := a[base : base+kb]
			r1 := a[base+lda : base+lda+kb]
			r2 := a[base+2*lda : base+2*lda+kb]
			r3 := a[base+3*lda : base+3*lda+kb]
			r4 := a[base+4*lda : base+4*lda+kb]
			r5 := a[base+5*lda : base+5*lda+kb]
			for p := range kb {
				d := (*[mr]float32)(panel[p*mr:])
				d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
			continue
		}
		clear(panel)
		for i := range h {
			row := a[(ic+ip+i)*lda+pc:]
			row = row[:kb]
			for p, v := range row {
				panel[p*mr+i] = v
			}
		}
	}
}

// macroKernel multiplies a packed mb×kb block of A by a packed kb×nb block
// of B into C, adding to C when acc is set and overwriting it otherwise.
func macroKernel(mb, nb, kb int, pa, pb, c []float32, ldc int, acc bool) {
	var tmp [mr * nr]float32
	for jr := 0; jr < nb; jr += nr {
		nw := min(nr, nb-jr)
		bp := pb[(jr/nr)*kb*nr:]
		for ir := 0; ir < mb; ir += mr {
			mh := min(mr, mb-ir)
			ap := pa[(ir/mr)*kb*mr:]
			if mh == mr && nw == nr {
				_ = c[(ir+mr-1)*ldc+jr+nr-1]
				microKernel(kb, ap, bp, c[ir*ldc+jr:], ldc, acc)
				continue
			}
			microKernel(kb, ap, bp, tmp[:], nr, false)
			for i := range mh {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+nw]
				t := tmp[i*nr : i*nr+nw]
				if !acc {
					copy(row, t)
					continue
				}
				for j := range row {
					row[j] += t[j]
				}
			}
		}
	}
}

// microKernelGo is the portable micro-kernel: C[0:mr, 0:nr] = A·B, or += when
// acc is set, with a packed as k×mr and b as k×nr. The SIMD kernels must
// agree with it.
func microKernelGo(k int, a, b, c []float32, ldc int, add bool) {
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
		if !add {
			copy(row, acc[i][:])
			continue
		}
		for j := range row {
			row[j] += acc[i][j]
		}
	}
}
