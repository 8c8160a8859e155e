package dedup

// u64map is an open-addressing hash map from uint64 to uint64 for keys that
// are already uniformly distributed (SHA-1 prefixes), so their low bits serve
// as the slot. It is read-only, hence goroutine-safe, once filled.
type u64map struct {
	keys []uint64
	vals []uint64
	used []bool
	n    int
	mask uint64
}

func newU64Map(hint int) *u64map {
	size := 16
	for size < hint*2 {
		size <<= 1
	}
	return &u64map{keys: make([]uint64, size), vals: make([]uint64, size), used: make([]bool, size), mask: uint64(size - 1)}
}

func mix(k uint64) uint64 {
	// Keys from SHA-1 are uniform already; the multiply guards against
	// structured keys (document indexes) without costing much.
	return k * 0x9E3779B97F4A7C15 >> 17
}

func (m *u64map) put(k, v uint64) {
	if (m.n+1)*4 > len(m.keys)*3 {
		m.grow()
	}
	i := mix(k) & m.mask
	for m.used[i] {
		if m.keys[i] == k {
			m.vals[i] = v
			return
		}
		i = (i + 1) & m.mask
	}
	m.used[i], m.keys[i], m.vals[i] = true, k, v
	m.n++
}

func (m *u64map) get(k uint64) (uint64, bool) {
	i := mix(k) & m.mask
	for m.used[i] {
		if m.keys[i] == k {
			return m.vals[i], true
		}
		i = (i + 1) & m.mask
	}
	return 0, false
}

func (m *u64map) grow() {
	old := *m
	size := len(old.keys) * 2
	*m = u64map{keys: make([]uint64, size), vals: make([]uint64, size), used: make([]bool, size), mask: uint64(size - 1)}
	for i, u := range old.used {
		if u {
			m.put(old.keys[i], old.vals[i])
		}
	}
}

func (m *u64map) len() int { return m.n }
