package fasttext

// This file reproduces libstdc++'s std::sort and heap algorithms step by
// step. fastText sorts its dictionary with the unstable std::sort and keeps
// its top-k predictions in a std heap, so the order of equal keys (words with
// the same count, labels with the same score) is whatever these exact
// algorithms produce. Matching them is what makes our dictionaries, and so
// our model files, byte-identical to fastText's.

// pushHeap is std::__push_heap: move value up from hole towards top.
func pushHeap[T any](a []T, hole, top int, value T, less func(a, b T) bool) {
	parent := (hole - 1) / 2
	for hole > top && less(a[parent], value) {
		a[hole] = a[parent]
		hole = parent
		parent = (hole - 1) / 2
	}
	a[hole] = value
}

// adjustHeap is std::__adjust_heap.
func adjustHeap[T any](a []T, hole, n int, value T, less func(a, b T) bool) {
	top := hole
	second := hole
	for second < (n-1)/2 {
		second = 2 * (second + 1)
		if less(a[second], a[second-1]) {
			second--
		}
		a[hole] = a[second]
		hole = second
	}
	if n&1 == 0 && second == (n-2)/2 {
		second = 2 * (second + 1)
		a[hole] = a[second-1]
		hole = second - 1
	}
	pushHeap(a, hole, top, value, less)
}

// stdPushHeap is std::push_heap on a whose last element was just appended.
func stdPushHeap[T any](a []T, less func(a, b T) bool) {
	n := len(a)
	pushHeap(a, n-1, 0, a[n-1], less)
}

// stdPopHeap is std::pop_heap: the top moves to the end.
func stdPopHeap[T any](a []T, less func(a, b T) bool) {
	n := len(a)
	if n > 1 {
		last := n - 1
		v := a[last]
		a[last] = a[0]
		adjustHeap(a[:last], 0, last, v, less)
	}
}

func stdMakeHeap[T any](a []T, less func(a, b T) bool) {
	n := len(a)
	if n < 2 {
		return
	}
	for parent := (n - 2) / 2; ; parent-- {
		adjustHeap(a, parent, n, a[parent], less)
		if parent == 0 {
			return
		}
	}
}

func stdSortHeap[T any](a []T, less func(a, b T) bool) {
	for n := len(a); n > 1; n-- {
		stdPopHeap(a[:n], less)
	}
}

const sortThreshold = 16

// stdSort is libstdc++'s std::sort (introsort, median of three, final
// insertion sort).
func stdSort[T any](a []T, less func(a, b T) bool) {
	if len(a) < 2 {
		return
	}
	lg := 0
	for n := len(a); n > 1; n >>= 1 {
		lg++
	}
	introsortLoop(a, 0, len(a), 2*lg, less)
	finalInsertionSort(a, less)
}

func introsortLoop[T any](a []T, first, last, depth int, less func(a, b T) bool) {
	for last-first > sortThreshold {
		if depth == 0 {
			s := a[first:last]
			stdMakeHeap(s, less)
			stdSortHeap(s, less)
			return
		}
		depth--
		cut := partitionPivot(a, first, last, less)
		introsortLoop(a, cut, last, depth, less)
		last = cut
	}
}

func partitionPivot[T any](a []T, first, last int, less func(a, b T) bool) int {
	mid := first + (last-first)/2
	moveMedianToFirst(a, first, first+1, mid, last-1, less)
	// unguarded partition of [first+1, last) around a[first]
	lo, hi := first+1, last
	for {
		for less(a[lo], a[first]) {
			lo++
		}
		hi--
		for less(a[first], a[hi]) {
			hi--
		}
		if !(lo < hi) {
			return lo
		}
		a[lo], a[hi] = a[hi], a[lo]
		lo++
	}
}

func moveMedianToFirst[T any](a []T, result, x, y, z int, less func(a, b T) bool) {
	swap := func(i int) { a[result], a[i] = a[i], a[result] }
	if less(a[x], a[y]) {
		if less(a[y], a[z]) {
			swap(y)
		} else if less(a[x], a[z]) {
			swap(z)
		} else {
			swap(x)
		}
	} else if less(a[x], a[z]) {
		swap(x)
	} else if less(a[y], a[z]) {
		swap(z)
	} else {
		swap(y)
	}
}

func finalInsertionSort[T any](a []T, less func(a, b T) bool) {
	if len(a) > sortThreshold {
		insertionSort(a[:sortThreshold], less)
		for i := sortThreshold; i < len(a); i++ {
			unguardedLinearInsert(a, i, less)
		}
	} else {
		insertionSort(a, less)
	}
}

func insertionSort[T any](a []T, less func(a, b T) bool) {
	for i := 1; i < len(a); i++ {
		if less(a[i], a[0]) {
			v := a[i]
			copy(a[1:i+1], a[:i])
			a[0] = v
		} else {
			unguardedLinearInsert(a, i, less)
		}
	}
}

func unguardedLinearInsert[T any](a []T, last int, less func(a, b T) bool) {
	v := a[last]
	next := last - 1
	for less(v, a[next]) {
		a[last] = a[next]
		last = next
		next--
	}
	a[last] = v
}
