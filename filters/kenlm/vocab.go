package kenlm

import (
	"hash/maphash"
	"math/bits"
)

// vocabIndex maps a word to its id without allocating: open addressing
// over 64-bit hashes of the word's bytes, as KenLM's probing vocabulary,
// except that a hit is confirmed against the stored spelling, so a hash
// collision can never map a word to another word's id.
type vocabIndex struct {
	seed  maphash.Seed
	slots []vocabSlot
	size  uint64
	n     int
}

type vocabSlot struct {
	hash uint64
	id   uint32 // emptyWord when free
}

// newVocabIndex sizes the table for capacity words at KenLM's 1.5 slots
// per word; it grows by doubling past that.
func newVocabIndex(capacity int) vocabIndex {
	v := vocabIndex{seed: maphash.MakeSeed()}
	v.alloc(uint64(float64(max(capacity, 8))*probingMultiplier) + 1)
	return v
}

func (v *vocabIndex) alloc(size uint64) {
	v.size = size
	v.slots = make([]vocabSlot, size)
	for i := range v.slots {
		v.slots[i].id = emptyWord
	}
}

func (v *vocabIndex) start(h uint64) uint64 {
	i, _ := bits.Mul64(h, v.size)
	return i
}

// lookup returns the id of w in words, or emptyWord.
func (v *vocabIndex) lookup(words []string, w string) uint32 {
	h := maphash.String(v.seed, w)
	for i := v.start(h); ; {
		s := &v.slots[i]
		if s.id == emptyWord {
			return emptyWord
		}
		if s.hash == h && words[s.id] == w {
			return s.id
		}
		if i++; i == v.size {
			i = 0
		}
	}
}

// add records id as the id of words[id].
func (v *vocabIndex) add(words []string, id uint32) {
	if float64(v.n+1)*probingMultiplier >= float64(v.size) {
		old := v.slots
		v.alloc(2 * v.size)
		for _, s := range old {
			if s.id != emptyWord {
				v.place(s)
			}
		}
	}
	v.place(vocabSlot{hash: maphash.String(v.seed, words[id]), id: id})
	v.n++
}

func (v *vocabIndex) place(s vocabSlot) {
	i := v.start(s.hash)
	for v.slots[i].id != emptyWord {
		if i++; i == v.size {
			i = 0
		}
	}
	v.slots[i] = s
}

func (v *vocabIndex) bytes() int64 { return int64(len(v.slots)) * 16 }
