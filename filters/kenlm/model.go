package kenlm

import (
	"fmt"
	"math"
	"math/bits"
)

// MaxOrder is the highest n-gram order a Model accepts. KenLM's default
// build stops at 6; 8 leaves room without making State large.
const MaxOrder = 8

// Special words, spelled as KenLM and lmplz spell them.
const (
	BOS = "<s>"
	EOS = "</s>"
	UNK = "<unk>"
)

// emptyWord marks a free slot: word ids are always below it.
const emptyWord = math.MaxUint32

// probingMultiplier is the ratio of slots to entries, KenLM's default
// (-p 1.5) for its probing structure, so that memory is comparable.
const probingMultiplier = 1.5

// slot is one n-gram of order >= 2 in a [table]. The table is a hashed
// reverse trie: an n-gram w1..wn is stored as its first word w1 and the
// index (in the table of order n-1, or the word id when n == 2) of its
// suffix w2..wn. So (suffix, word) is an exact 64-bit key, lookups extend a
// match leftwards into the history one order at a time exactly as KenLM's
// hash chains do, and the n-gram's words can be recovered for writing ARPA.
type slot struct {
	suffix  uint32
	word    uint32
	prob    float32
	backoff float32
}

// topSlot is a slot of the highest order, which has no backoff (12 bytes,
// as in KenLM's probing binary).
type topSlot struct {
	suffix uint32
	word   uint32
	prob   float32
}

// table is an open-addressing (linear probing) hash table of fixed capacity.
// Exactly one of mid and top is used.
type table struct {
	mid   []slot
	top   []topSlot
	n     int // entries stored, blanks included
	size  uint64
	final uint64 // size once all declared entries are in
	// blank marks slots that hold no n-gram of the file: the missing
	// suffixes KenLM also inserts (see builder.ensureSuffix). Nil when
	// there are none.
	blank  []uint64
	blanks int
}

func (t *table) isBlank(i uint64) bool {
	return t.blank != nil && t.blank[i/64]&(1<<(i%64)) != 0
}

func (t *table) markBlank(i uint64) {
	if t.blank == nil {
		t.blank = make([]uint64, (t.size+63)/64)
	}
	t.blank[i/64] |= 1 << (i % 64)
	t.blanks++
}

// tableSize is the number of slots for entries n-grams.
func tableSize(entries int) uint64 {
	return uint64(float64(entries)*probingMultiplier) + 1
}

// initialSlots bounds what a table allocates before its entries arrive,
// so that a corrupt header declaring billions of n-grams fails on the
// missing lines instead of exhausting memory.
const initialSlots = 1 << 16

// newTable returns a table for the declared number of entries. With lazy
// it starts small and grows as entries arrive (see grow); finish gives it
// its final size.
func newTable(entries int, top, lazy bool) table {
	final := tableSize(entries)
	size := final
	if lazy && size > initialSlots {
		size = initialSlots
	}
	t := table{size: size, final: final}
	t.alloc(size, top)
	return t
}

func (t *table) alloc(size uint64, top bool) {
	t.size = size
	t.mid, t.top = nil, nil
	if top {
		t.top = make([]topSlot, size)
		for i := range t.top {
			t.top[i].word = emptyWord
		}
	} else {
		t.mid = make([]slot, size)
		for i := range t.mid {
			t.mid[i].word = emptyWord
		}
	}
}

// resize moves the entries into a table of size slots. Slot indices
// change, so it must happen before any higher order refers to them.
func (t *table) resize(size uint64) {
	if size == t.size {
		return
	}
	old := *t
	t.alloc(size, old.top != nil)
	t.n, t.blank, t.blanks = 0, nil, 0
	for i := uint64(0); i < old.size; i++ {
		at := -1
		if old.mid != nil && old.mid[i].word != emptyWord {
			s := old.mid[i]
			at, _, _ = t.insertSlot(s.suffix, s.word, s.prob, s.backoff)
		} else if old.top != nil && old.top[i].word != emptyWord {
			s := old.top[i]
			at, _, _ = t.insertSlot(s.suffix, s.word, s.prob, 0)
		}
		if at >= 0 && old.isBlank(i) {
			t.markBlank(uint64(at))
		}
	}
}

// finish gives the table its final size: 1.5 slots per declared entry,
// the slack KenLM also leaves for blanks.
func (t *table) finish() { t.resize(t.final) }

// bucket maps a key to its first probe position. The multiply spreads the
// suffix (high half) and word (low half) over the high bits, which the
// multiply-high range reduction keeps.
func (t *table) bucket(suffix, word uint32) uint64 {
	k := (uint64(suffix)<<32 | uint64(word)) * 0x9E3779B97F4A7C15
	k ^= k >> 29
	k *= 0xBF58476D1CE4E5B9
	hi, _ := bits.Mul64(k, t.size)
	return hi
}

// find returns the slot index of (suffix, word), or -1.
func (t *table) find(suffix, word uint32) int {
	i := t.bucket(suffix, word)
	if t.mid != nil {
		for {
			s := &t.mid[i]
			if s.word == word && s.suffix == suffix {
				return int(i)
			}
			if s.word == emptyWord {
				return -1
			}
			if i++; i == t.size {
				i = 0
			}
		}
	}
	for {
		s := &t.top[i]
		if s.word == word && s.suffix == suffix {
			return int(i)
		}
		if s.word == emptyWord {
			return -1
		}
		if i++; i == t.size {
			i = 0
		}
	}
}

// insert adds (suffix, word) and returns its index and whether it was new.
// A table below its final size doubles at the load KenLM's multiplier
// gives (2/3); at its final size it fills up to one free slot.
func (t *table) insert(suffix, word uint32, prob, backoff float32) (int, bool, error) {
	if t.size < t.final && float64(t.n+1)*probingMultiplier >= float64(t.size) {
		t.resize(min(2*t.size, t.final))
	}
	if uint64(t.n+1) >= t.size {
		return 0, false, fmt.Errorf("kenlm: more n-grams than declared")
	}
	return t.insertSlot(suffix, word, prob, backoff)
}

func (t *table) insertSlot(suffix, word uint32, prob, backoff float32) (int, bool, error) {
	i := t.bucket(suffix, word)
	for {
		var w, s uint32
		if t.mid != nil {
			w, s = t.mid[i].word, t.mid[i].suffix
		} else {
			w, s = t.top[i].word, t.top[i].suffix
		}
		if w == emptyWord {
			break
		}
		if w == word && s == suffix {
			return int(i), false, nil
		}
		if i++; i == t.size {
			i = 0
		}
	}
	if t.mid != nil {
		t.mid[i] = slot{suffix: suffix, word: word, prob: prob, backoff: backoff}
	} else {
		t.top[i] = topSlot{suffix: suffix, word: word, prob: prob}
	}
	t.n++
	return int(i), true, nil
}

func (t *table) bytes() int64 {
	return int64(len(t.mid))*16 + int64(len(t.top))*12 + int64(len(t.blank))*8
}

// Model is a backoff n-gram language model held for fast queries. It is
// immutable once built, so every method is safe for concurrent use.
type Model struct {
	order int
	words []string   // id -> word
	index vocabIndex // word -> id
	// Unigram probabilities and backoffs, log10, indexed by word id.
	uniProb    []float32
	uniBackoff []float32
	// tables[k] holds the n-grams of order k+2.
	tables []table
	bos    uint32
	eos    uint32
	unk    uint32
	// bin, when set, is a KenLM binary file read in place; the fields
	// above but order, bos, eos and unk are then unused.
	bin *binModel
}

// Order returns the model's n-gram order.
func (m *Model) Order() int { return m.order }

// VocabSize returns the number of words, <s>, </s> and <unk> included.
func (m *Model) VocabSize() int {
	if m.bin != nil {
		return int(m.bin.bound)
	}
	return len(m.words)
}

// Counts returns the number of n-grams of each order, unigrams first (the
// blank entries added for missing suffixes are not counted).
func (m *Model) Counts() []int {
	if m.bin != nil {
		c := make([]int, len(m.bin.counts))
		for i, n := range m.bin.counts {
			c[i] = int(n)
		}
		return c
	}
	c := []int{len(m.words)}
	for i := range m.tables {
		c = append(c, m.tables[i].n-m.tables[i].blanks)
	}
	return c
}

// Index returns the id of word and whether it is in the vocabulary; an
// unknown word gets the id of <unk>.
func (m *Model) Index(word string) (uint32, bool) {
	if m.bin != nil {
		id := m.bin.index(word)
		return id, id != m.unk || word == UNK
	}
	id := m.index.lookup(m.words, word)
	if id == emptyWord {
		return m.unk, false
	}
	return id, true
}

// lookup returns the id of word, or that of <unk> when it is unknown.
func (m *Model) lookup(word string) uint32 {
	if m.bin != nil {
		return m.bin.index(word)
	}
	id := m.index.lookup(m.words, word)
	if id == emptyWord {
		return m.unk
	}
	return id
}

// Word returns the spelling of id. A KenLM binary file built without its
// vocabulary strings has none: Word returns "".
func (m *Model) Word(id uint32) string {
	if m.bin != nil {
		strs, _ := m.bin.vocabStrings()
		if int(id) < len(strs) {
			return strs[id]
		}
		return ""
	}
	return m.words[id]
}

// MemoryBytes estimates the memory held by the query structure: the hash
// tables, the unigram arrays and the vocabulary (strings and index).
//
// For a KenLM binary file it is the size of the file, which is mapped, not
// held: the pages are the operating system's to share and evict.
func (m *Model) MemoryBytes() int64 {
	if m.bin != nil {
		return int64(len(m.bin.data))
	}
	var b int64
	for i := range m.tables {
		b += m.tables[i].bytes()
	}
	b += int64(len(m.uniProb)) * 8
	b += m.index.bytes()
	for _, w := range m.words {
		b += 16 + int64(len(w)) // string header and bytes
	}
	return b
}

// KenLMProbingBytes returns the size KenLM's probing binary (build_binary
// probing, -p 1.5) needs for a model with these counts, following
// lm/vocab.hh and lm/search_hashed.cc: a vocabulary hash of 12-byte slots
// (64-bit key and 32-bit id, packed), 8 bytes per unigram plus one, 16-byte
// middle slots and 12-byte top slots, each table sized entries*1.5+1; the
// vocabulary strings are stored too.
func KenLMProbingBytes(counts []int, vocabStringBytes int64) int64 {
	size := func(n int, entry int64) int64 { return (int64(float64(n)*probingMultiplier) + 1) * entry }
	b := size(counts[0], 12) + int64(counts[0]+1)*8 + vocabStringBytes
	for i := 1; i < len(counts); i++ {
		if i == len(counts)-1 {
			b += size(counts[i], 12)
		} else {
			b += size(counts[i], 16)
		}
	}
	return b
}
