package train

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelFor calls fn on consecutive ranges [lo, hi) of at most grain items
// covering [0, n), spread over GOMAXPROCS goroutines. The ranges depend only on
// n and grain, never on the number of workers, so per-range partial results
// reduced in range order are bit-identical whatever GOMAXPROCS is.
func parallelFor(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	chunks := (n + grain - 1) / grain
	w := min(runtime.GOMAXPROCS(0), chunks)
	if w <= 1 {
		for lo := 0; lo < n; lo += grain {
			fn(lo, min(lo+grain, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo := c * grain
				fn(lo, min(lo+grain, n))
			}
		})
	}
	wg.Wait()
}
