package data

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
)

// scheme names the sampling algorithm; it enters every permutation key and
// the config hash, so a change to the algorithm must change it.
const scheme = "tokenmill/train/data/v1"

// keyedRand returns the generator for one permutation: the row groups of a
// source's epoch (window -1) or the documents of one window. ChaCha8 is a
// fixed, documented algorithm, and the shuffle below is our own, so the
// order cannot change with the Go release.
func keyedRand(seed uint64, version int, source string, epoch, window int64) *rand.ChaCha8 {
	h := sha256.New()
	h.Write([]byte(scheme))
	var b [8]byte
	for _, v := range []uint64{seed, uint64(int64(version)), uint64(len(source))} {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	h.Write([]byte(source))
	for _, v := range []int64{epoch, window} {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))
	return rand.NewChaCha8(key)
}

// below returns a uniform integer in [0, n) (Lemire's multiply-and-reject).
func below(r *rand.ChaCha8, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// shuffle is Fisher-Yates over n elements.
func shuffle(r *rand.ChaCha8, n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, int(below(r, uint64(i+1))))
	}
}
