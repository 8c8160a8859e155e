package fasttext

import "math"

// minstdRand is std::minstd_rand (x ← 48271·x mod 2³¹−1), the generator
// fastText seeds for initialization and for each training thread.
type minstdRand struct{ x uint64 }

const minstdM = 2147483647

func newMinstd(seed uint64) *minstdRand {
	s := seed % minstdM
	if s == 0 {
		s = 1 // libstdc++: a zero state would stay zero
	}
	return &minstdRand{x: s}
}

func (r *minstdRand) next() uint64 {
	r.x = r.x * 48271 % minstdM
	return r.x
}

// The generator's range is [1, 2³¹−2].
const minstdRange = minstdM - 2 // max − min

// uniformInt is libstdc++'s std::uniform_int_distribution on minstd_rand
// for [0, n−1]: rejection sampling, then division ("downscaling").
func (r *minstdRand) uniformInt(n uint64) uint64 {
	scaling := minstdRange / n
	past := n * scaling
	for {
		v := r.next() - 1
		if v < past {
			return v / scaling
		}
	}
}

// uniformReal is std::uniform_real_distribution<double>(lo, hi) on
// minstd_rand: generate_canonical<double, 53> draws two numbers.
func (r *minstdRand) uniformReal(lo, hi float64) float64 {
	const rr = float64(minstdRange + 1)
	s := float64(r.next() - 1)
	s = s + float64(float64(r.next()-1)*rr)
	c := s / float64(rr*rr)
	if c >= 1 {
		c = math.Nextafter(1, 0)
	}
	return float64(c*(hi-lo)) + lo
}
