package kenlm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// KenLM binary files (build_binary's output, lm/binary_format.cc at
// kpu/kenlm 4cb443e, format version 5) are read in place: the file is
// memory-mapped (or, for bytes already in memory, used as it is) and every
// lookup reads the tables where build_binary left them. Nothing is copied
// or parsed at load beyond the header, so a model of gigabytes opens in
// microseconds and its pages are shared by every process that maps it.
//
// The layout, all little-endian with native C++ struct alignment:
//
//	Sanity (88 bytes): magic "mmap lm http://kheafield.com/code format version 5\n\0"
//	  padded to 56, floats 0, 1, -0.5, uint32 1, 0xffffffff, 0, uint64 1
//	FixedWidthParameters (20 bytes): uint8 order, float32 probing_multiplier,
//	  int32 model_type, bool has_vocabulary, uint32 search_version
//	uint64 counts[order], then padding to a multiple of 8
//	vocabulary, search structure (their sizes follow from the counts)
//	"<unk>\0" and every other word, NUL-terminated, in id order (if has_vocabulary)

const (
	binMagicPrefix     = "mmap lm http://kheafield.com/code"
	binMagicBefore     = "mmap lm http://kheafield.com/code format version"
	binMagicIncomplete = "mmap lm http://kheafield.com/code incomplete\n"
	binSanitySize      = 88
	binFixedSize       = 20
)

// KenLM's model types (lm/model_type.hh).
const (
	typeProbing        = 0
	typeRestProbing    = 1
	typeTrie           = 2
	typeQuantTrie      = 3
	typeArrayTrie      = 4
	typeQuantArrayTrie = 5
)

var binTypeNames = [...]string{"probing hash tables", "probing hash tables with rest costs", "trie",
	"trie with quantization", "trie with array-compressed pointers",
	"trie with quantization and array-compressed pointers"}

// ErrBinaryFormat is wrapped by every error about a KenLM binary file that
// is not what its header says (truncated, wrong magic or version, bad
// tables).
var ErrBinaryFormat = errors.New("kenlm: bad KenLM binary file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBinaryFormat, fmt.Sprintf(format, args...))
}

// binSanity returns KenLM's reference Sanity header.
func binSanity() []byte {
	b := make([]byte, binSanitySize)
	copy(b, "mmap lm http://kheafield.com/code format version 5\n\x00")
	le := binary.LittleEndian
	le.PutUint32(b[56:], math.Float32bits(0))
	le.PutUint32(b[60:], math.Float32bits(1))
	le.PutUint32(b[64:], math.Float32bits(-0.5))
	le.PutUint32(b[68:], 1)
	le.PutUint32(b[72:], math.MaxUint32)
	le.PutUint32(b[76:], 0)
	le.PutUint64(b[80:], 1)
	return b
}

// IsBinary reports whether head (the first bytes of a file) starts like a
// KenLM binary file, complete or not.
func IsBinary(head []byte) bool { return bytes.HasPrefix(head, []byte(binMagicPrefix)) }

func align8(n uint64) uint64 { return (n + 7) &^ 7 }

// requiredBits is util::RequiredBits: the bits needed to store 0..max.
func requiredBits(max uint64) uint8 {
	var r uint8
	for max != 0 {
		r++
		max >>= 1
	}
	return r
}

// probingBuckets is util::ProbingHashTable::Size / sizeof(Entry): the
// multiplication is in float32, as in KenLM.
func probingBuckets(entries uint64, multiplier float32) uint64 {
	return max(entries+1, uint64(multiplier*float32(entries)))
}

// binModel is a KenLM binary file's model, read in place.
type binModel struct {
	data   []byte // the whole file
	unmap  func() error
	typ    int
	order  int
	counts []uint64
	hasVoc bool
	words  uint64 // offset of the vocabulary strings
	bound  uint32 // number of word ids, <unk> (0) included

	// vocabulary: probing (12-byte entries) or sorted hashes
	vocab      []byte
	vocabSlots uint64
	sorted     []byte // trie: sorted uint64 hashes of the words but <unk>

	// probing search
	uni  []byte // ProbBackoff per id (probing) or UnigramValue per id (trie)
	mid  []probingTable
	long probingTable

	// trie search
	tmid  []trieLevel
	tlong trieLevel

	stringsOnce sync.Once
	strs        []string
	strsErr     error
}

type probingTable struct {
	data    []byte
	buckets uint64
	entry   uint64 // 16 (middle) or 12 (longest)
}

// find returns the offset of key's entry, or -1. Probing stops after every
// bucket has been seen, so a corrupt full table cannot loop forever.
func (t *probingTable) find(key uint64) int {
	i := key % t.buckets
	for n := uint64(0); n < t.buckets; n++ {
		off := i * t.entry
		k := binary.LittleEndian.Uint64(t.data[off:])
		if k == key {
			return int(off)
		}
		if k == 0 {
			return -1
		}
		if i++; i == t.buckets {
			i = 0
		}
	}
	return -1
}

// trieLevel is one order of a trie: bit-packed entries of word id, quantized
// or raw weights, and (below the highest order) the index of the entry's
// first child in the next order.
type trieLevel struct {
	base      []byte // the packed entries (8 spare bytes at the end)
	entries   uint64
	wordBits  uint8
	wordMask  uint64
	totalBits uint64
	maxVocab  uint64
	// next pointers (middle orders only)
	nextBits uint8 // bits stored inline
	nextMask uint64
	offsets  []byte // ArrayBhiksha: uint64 high parts, nil when not compressed
	nOffsets int
	maxNext  uint64 // entries of the next order
	// weights
	quant  bool
	probQ  []byte // float32 centres
	boQ    []byte
	probB  uint8
	boB    uint8
	middle bool
}

func readOff(b []byte, bit uint64) uint64 {
	return binary.LittleEndian.Uint64(b[bit>>3:]) >> (bit & 7)
}

func readInt25(b []byte, bit uint64, mask uint32) uint32 {
	return binary.LittleEndian.Uint32(b[bit>>3:]) >> (bit & 7) & mask
}

func f32at(b []byte, off uint64) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[off:]))
}

const signBit = 0x80000000

// key returns the word id of entry i.
func (l *trieLevel) key(i uint64) uint64 {
	return readOff(l.base, i*l.totalBits) & l.wordMask
}

// find is util::BoundedSortedUniformFind with Pivot32 over entries
// [begin, end): the index of word, or false.
func (l *trieLevel) find(word, begin, end uint64) (uint64, bool) {
	if begin > end || end > l.entries {
		return 0, false // corrupt pointers: treat as absent
	}
	before, beforeV := int64(begin)-1, uint64(0)
	after, afterV := int64(end), l.maxVocab
	for after-before > 1 {
		width := uint64(after - before - 1)
		var off uint64
		if word > beforeV && afterV >= beforeV {
			off = (word - beforeV) * width / (afterV - beforeV + 1)
		}
		if off >= width {
			off = width - 1
		}
		pivot := before + 1 + int64(off)
		mid := l.key(uint64(pivot))
		switch {
		case mid < word:
			before, beforeV = pivot, mid
		case mid > word:
			after, afterV = pivot, mid
		default:
			return uint64(pivot), true
		}
	}
	return 0, false
}

// weights returns the probability and backoff of entry i of a middle order,
// or the probability of the highest order (backoff 0).
func (l *trieLevel) weights(i uint64) (prob, backoff float32) {
	addr := i*l.totalBits + uint64(l.wordBits)
	if l.quant {
		if l.middle {
			bo := readInt25(l.base, addr, 1<<l.boB-1)
			p := readInt25(l.base, addr+uint64(l.boB), 1<<l.probB-1)
			return f32at(l.probQ, uint64(p)*4), f32at(l.boQ, uint64(bo)*4)
		}
		p := readInt25(l.base, addr, 1<<l.probB-1)
		return f32at(l.probQ, uint64(p)*4), 0
	}
	prob = math.Float32frombits(uint32(readOff(l.base, addr)) | signBit)
	if l.middle {
		backoff = math.Float32frombits(uint32(readOff(l.base, addr+31)))
	}
	return prob, backoff
}

// next returns the children of middle entry i: entries [begin, end) of the
// next order (lm/bhiksha.hh ReadNext).
func (l *trieLevel) next(i uint64) (begin, end uint64) {
	bit := i*l.totalBits + l.totalBits - uint64(l.nextBits)
	begin = readOff(l.base, bit) & l.nextMask
	end = readOff(l.base, bit+l.totalBits) & l.nextMask
	if l.offsets == nil {
		return begin, end
	}
	// The last offset <= i gives begin's high bits, the last <= i+1 end's.
	off := func(k int) uint64 { return binary.LittleEndian.Uint64(l.offsets[k*8:]) }
	lo, hi := 0, l.nOffsets
	for lo < hi { // upper_bound(i)
		m := int(uint(lo+hi) >> 1)
		if off(m) <= i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	b := lo - 1
	if b < 0 {
		return 0, 0
	}
	e := b + 1
	for e < l.nOffsets && off(e) <= i+1 {
		e++
	}
	e--
	return uint64(b)<<l.nextBits | begin, uint64(e)<<l.nextBits | end
}

// openBinary reads the header of a KenLM binary file held in data and sets
// up its tables; data must stay valid (mapped) while the model is used.
func openBinary(data []byte) (*binModel, error) {
	if len(data) < binSanitySize || !bytes.Equal(data[:binSanitySize], binSanity()) {
		switch {
		case bytes.HasPrefix(data, []byte(binMagicIncomplete)):
			return nil, formatErr("this binary file did not finish building (build_binary was interrupted)")
		case bytes.HasPrefix(data, []byte(binMagicBefore)):
			rest := data[len(binMagicBefore):]
			rest = bytes.TrimLeft(rest[:min(len(rest), 8)], " ")
			if len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' && rest[0] != '5' {
				return nil, formatErr("binary file has format version %c, this reader expects 5: rebuild it from the ARPA with build_binary", rest[0])
			}
			if len(data) < binSanitySize {
				return nil, formatErr("truncated binary file: %d bytes, shorter than its %d-byte header", len(data), binSanitySize)
			}
			return nil, formatErr("the test values after the magic do not match: a file from another architecture or KenLM revision, or a corrupt one")
		case bytes.HasPrefix(data, []byte(binMagicPrefix)):
			return nil, formatErr("unrecognised header after KenLM's magic %q", binMagicPrefix)
		default:
			return nil, formatErr("not a KenLM binary file (no %q magic)", binMagicPrefix)
		}
	}
	le := binary.LittleEndian
	if len(data) < binSanitySize+binFixedSize {
		return nil, formatErr("truncated binary file: %d bytes, header incomplete", len(data))
	}
	fixed := data[binSanitySize:]
	m := &binModel{data: data, order: int(fixed[0]), typ: int(int32(le.Uint32(fixed[8:]))), hasVoc: fixed[12] != 0}
	mult := f32at(fixed, 4)
	version := le.Uint32(fixed[16:])
	if m.order < 2 || m.order > MaxOrder {
		return nil, formatErr("order %d: this reader handles orders 2 to %d", m.order, MaxOrder)
	}
	if !(mult >= 1) {
		return nil, formatErr("probing multiplier %v is below 1", mult)
	}
	header := align8(uint64(binSanitySize + binFixedSize + 8*m.order))
	if uint64(len(data)) < header {
		return nil, formatErr("truncated binary file: %d bytes, header needs %d", len(data), header)
	}
	for i := 0; i < m.order; i++ {
		c := le.Uint64(data[binSanitySize+binFixedSize+8*i:])
		if c == 0 || c >= 1<<56 {
			return nil, formatErr("%d-gram count %d out of range", i+1, c)
		}
		m.counts = append(m.counts, c)
	}
	if m.counts[0] >= math.MaxUint32 {
		return nil, formatErr("%d words do not fit 32-bit ids", m.counts[0])
	}
	var err error
	switch m.typ {
	case typeProbing:
		if version != 0 {
			return nil, formatErr("probing hash tables version %d, expected 0", version)
		}
		err = m.setupProbing(header, mult)
	case typeTrie, typeQuantTrie, typeArrayTrie, typeQuantArrayTrie:
		if version != 1 {
			return nil, formatErr("%s version %d, expected 1", binTypeNames[m.typ], version)
		}
		err = m.setupTrie(header)
	case typeRestProbing:
		err = formatErr("%s are not supported: rebuild with build_binary probing or trie", binTypeNames[m.typ])
	default:
		err = formatErr("unknown model type %d", m.typ)
	}
	if err != nil {
		return nil, err
	}
	if m.hasVoc {
		// The words end the file: "<unk>\0" then one NUL-terminated word
		// per id. Counting the NULs (memchr speed, the vocabulary only)
		// catches a file cut anywhere in them.
		if uint64(len(data)) < m.words+6 || string(data[m.words:m.words+6]) != "<unk>\x00" {
			return nil, formatErr("truncated binary file: the vocabulary strings should start at byte %d of %d", m.words, len(data))
		}
		if n := bytes.Count(data[m.words:], []byte{0}); n < int(m.bound) {
			return nil, formatErr("truncated binary file: %d of its %d vocabulary strings", n, m.bound)
		}
	}
	return m, nil
}

// need checks that the file holds size bytes from off.
func (m *binModel) need(off, size uint64, what string) error {
	if off+size < off || off+size > uint64(len(m.data)) {
		return formatErr("truncated binary file: %d bytes, the %s needs bytes %d to %d", len(m.data), what, off, off+size)
	}
	return nil
}

func (m *binModel) setupProbing(off uint64, mult float32) error {
	le := binary.LittleEndian
	c := m.counts
	m.vocabSlots = probingBuckets(c[0], mult)
	vsize := 8 + m.vocabSlots*12
	if err := m.need(off, vsize, "vocabulary"); err != nil {
		return err
	}
	if v := le.Uint32(m.data[off:]); v != 0 {
		return formatErr("probing vocabulary version %d, expected 0", v)
	}
	// An ARPA without <unk> gets one anyway (id 0, unigram slot counts[0]),
	// so the bound may exceed the header's unigram count by one.
	m.bound = le.Uint32(m.data[off+4:])
	if b := uint64(m.bound); b != c[0] && b != c[0]+1 {
		return formatErr("vocabulary holds %d words, the header counts %d", m.bound, c[0])
	}
	m.vocab = m.data[off+8 : off+vsize]
	off += vsize
	usize := (c[0] + 1) * 8
	if err := m.need(off, usize, "unigrams"); err != nil {
		return err
	}
	m.uni = m.data[off : off+usize]
	off += usize
	for n := 1; n < m.order; n++ {
		entry := uint64(16)
		if n == m.order-1 {
			entry = 12
		}
		b := probingBuckets(c[n], mult)
		size := b * entry
		if err := m.need(off, size, fmt.Sprintf("%d-gram table", n+1)); err != nil {
			return err
		}
		t := probingTable{data: m.data[off : off+size], buckets: b, entry: entry}
		if n == m.order-1 {
			m.long = t
		} else {
			m.mid = append(m.mid, t)
		}
		off += size
	}
	m.words = off
	return nil
}

// Bhiksha (pointer compression) sizes, lm/bhiksha.cc.
func chopBits(maxOffset, maxNext uint64, bits uint8) uint8 {
	required := requiredBits(maxNext)
	best := uint8(0)
	lowest := int64(math.MaxInt64)
	for chop := uint8(0); chop <= min(required, bits); chop++ {
		change := int64(maxNext>>(required-chop))*64 - int64(maxOffset)*int64(chop)
		if change < lowest {
			lowest, best = change, chop
		}
	}
	return best
}

func (m *binModel) setupTrie(off uint64) error {
	le := binary.LittleEndian
	c := m.counts
	quant := m.typ == typeQuantTrie || m.typ == typeQuantArrayTrie
	array := m.typ == typeArrayTrie || m.typ == typeQuantArrayTrie
	// Sorted vocabulary: the number of hashes, then the hashes.
	vsize := 8 + 8*c[0]
	if err := m.need(off, vsize, "vocabulary"); err != nil {
		return err
	}
	n := le.Uint64(m.data[off:])
	if n+1 != c[0] && n != c[0] {
		return formatErr("vocabulary holds %d words, the header counts %d", n+1, c[0])
	}
	m.sorted = m.data[off+8 : off+8+8*n]
	m.bound = uint32(n + 1)
	off += vsize
	search := off
	// Quantization tables.
	var probBits, boBits uint8
	var probQ, boQ [][]byte
	var longQ []byte
	midBits, longBits := uint64(63), uint64(31)
	if quant {
		if err := m.need(off, 8, "quantization header"); err != nil {
			return err
		}
		if v := m.data[off]; v != 2 {
			return formatErr("quantization version %d, expected 2", v)
		}
		probBits, boBits = m.data[off+1], m.data[off+2]
		if probBits == 0 || boBits == 0 || probBits > 25 || boBits > 25 {
			return formatErr("quantization with %d probability and %d backoff bits", probBits, boBits)
		}
		pt, bt := uint64(1)<<probBits*4, uint64(1)<<boBits*4
		qsize := uint64(m.order-2)*(pt+bt) + pt + 8
		if err := m.need(off, qsize, "quantization tables"); err != nil {
			return err
		}
		q := off + 8
		for i := 0; i < m.order-2; i++ {
			probQ = append(probQ, m.data[q:q+pt])
			q += pt
			boQ = append(boQ, m.data[q:q+bt])
			q += bt
		}
		longQ = m.data[q : q+pt]
		off += qsize
		midBits, longBits = uint64(probBits)+uint64(boBits), uint64(probBits)
	}
	usize := (c[0] + 2) * 16
	if err := m.need(off, usize, "unigrams"); err != nil {
		return err
	}
	m.uni = m.data[off : off+usize]
	off += usize
	var bhikshaBits uint8
	if array && m.order > 2 {
		if err := m.need(off, 2, "pointer compression header"); err != nil {
			return err
		}
		if v := m.data[off]; v != 0 {
			return formatErr("sorted array compression version %d, expected 0", v)
		}
		bhikshaBits = m.data[off+1]
	}
	_ = search
	wordBits := requiredBits(c[0])
	if wordBits > 57 {
		return formatErr("word ids of %d bits", wordBits)
	}
	baseSize := func(entries uint64, total uint64) uint64 { return ((1+entries)*total+7)/8 + 8 }
	for i := 1; i < m.order-1; i++ {
		entries, maxNext := c[i], c[i+1]
		l := trieLevel{entries: entries, wordBits: wordBits, wordMask: 1<<wordBits - 1, maxVocab: c[0],
			maxNext: maxNext, middle: true, quant: quant, probB: probBits, boB: boBits}
		if quant {
			l.probQ, l.boQ = probQ[i-1], boQ[i-1]
		}
		inline := requiredBits(maxNext)
		var bsize uint64
		if array {
			chop := chopBits(entries+1, maxNext, bhikshaBits)
			inline = requiredBits(maxNext) - chop
			count := maxNext>>(requiredBits(maxNext)-chop) + 1
			bsize = 8*(1+count) + 7
			if err := m.need(off, bsize, fmt.Sprintf("%d-gram pointer array", i+1)); err != nil {
				return err
			}
			start := align8(off) + 8
			l.offsets = m.data[start : start+8*count]
			l.nOffsets = int(count)
		}
		l.nextBits, l.nextMask = inline, 1<<inline-1
		l.totalBits = uint64(wordBits) + midBits + uint64(inline)
		size := baseSize(entries, l.totalBits)
		if err := m.need(off+bsize, size, fmt.Sprintf("%d-gram array", i+1)); err != nil {
			return err
		}
		l.base = m.data[off+bsize : off+bsize+size]
		m.tmid = append(m.tmid, l)
		off += bsize + size
	}
	l := trieLevel{entries: c[m.order-1], wordBits: wordBits, wordMask: 1<<wordBits - 1, maxVocab: c[0],
		quant: quant, probQ: longQ, probB: probBits}
	l.totalBits = uint64(wordBits) + longBits
	size := baseSize(l.entries, l.totalBits)
	if err := m.need(off, size, fmt.Sprintf("%d-gram array", m.order)); err != nil {
		return err
	}
	l.base = m.data[off : off+size]
	m.tlong = l
	off += size
	m.words = off
	return nil
}

// murmurHash64A is util::MurmurHash64A with seed 0: KenLM's word hash.
func murmurHash64A(s string) uint64 {
	const mul = 0xc6a4a7935bd1e995
	const r = 47
	h := uint64(len(s)) * mul
	for len(s) >= 8 {
		k := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		k *= mul
		k ^= k >> r
		k *= mul
		h ^= k
		h *= mul
		s = s[8:]
	}
	if len(s) > 0 {
		for i := len(s) - 1; i >= 0; i-- {
			h ^= uint64(s[i]) << (8 * uint(i))
		}
		h *= mul
	}
	h ^= h >> r
	h *= mul
	h ^= h >> r
	return h
}

// index returns the id of word, 0 (<unk>) when it is not in the vocabulary.
// As in KenLM, words are matched by their 64-bit hash alone.
func (m *binModel) index(word string) uint32 {
	h := murmurHash64A(word)
	if m.vocab != nil {
		i := h % m.vocabSlots
		for n := uint64(0); n < m.vocabSlots; n++ {
			e := m.vocab[i*12:]
			k := binary.LittleEndian.Uint64(e)
			if k == h {
				return binary.LittleEndian.Uint32(e[8:])
			}
			if k == 0 {
				return 0
			}
			if i++; i == m.vocabSlots {
				i = 0
			}
		}
		return 0
	}
	n := len(m.sorted) / 8
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		v := binary.LittleEndian.Uint64(m.sorted[mid*8:])
		switch {
		case v < h:
			lo = mid + 1
		case v > h:
			hi = mid
		default:
			return uint32(mid + 1)
		}
	}
	return 0
}

// unigram returns the weights of word w. For probing files the sign bit of
// the stored probability flags "no n-gram extends this one to the left"
// (lm/value.hh GenericProbingProxy); the probability itself is never
// positive, so the bit is forced on.
func (m *binModel) unigramBackoff(w uint32) float32 {
	if m.vocab != nil {
		return f32at(m.uni, uint64(w)*8+4)
	}
	return f32at(m.uni, uint64(w)*16+4)
}

// combineWordHash is lm::ngram::detail::CombineWordHash.
func combineWordHash(current uint64, next uint32) uint64 {
	return current*8978948897894561157 ^ (uint64(1)+uint64(next))*17894857484156487943
}

// scoreWord is KenLM's FullScore on a binary model; see Model.ScoreWord.
func (m *binModel) scoreWord(in *State, w uint32, out *State) float32 {
	if uint64(w) >= uint64(m.bound) {
		w = 0
	}
	var p float32
	matched := 1
	if m.vocab != nil {
		raw := binary.LittleEndian.Uint32(m.uni[uint64(w)*8:])
		p = math.Float32frombits(raw | signBit)
		independent := raw&signBit != 0
		out.backoff[0] = f32at(m.uni, uint64(w)*8+4)
		node := uint64(w)
		top := m.order - 2
		for k := 0; k < in.n && !independent; k++ {
			node = combineWordHash(node, in.words[k])
			if k == top {
				if off := m.long.find(node); off >= 0 {
					p = f32at(m.long.data, uint64(off)+8)
					matched = m.order
				}
				break
			}
			t := &m.mid[k]
			off := t.find(node)
			if off < 0 {
				break
			}
			raw := binary.LittleEndian.Uint32(t.data[off+8:])
			p = math.Float32frombits(raw | signBit)
			independent = raw&signBit != 0
			out.backoff[k+1] = f32at(t.data, uint64(off)+12)
			matched = k + 2
		}
	} else {
		u := uint64(w) * 16
		p = f32at(m.uni, u)
		out.backoff[0] = f32at(m.uni, u+4)
		begin := binary.LittleEndian.Uint64(m.uni[u+8:])
		end := binary.LittleEndian.Uint64(m.uni[u+24:])
		top := m.order - 2
		for k := 0; k < in.n && begin < end; k++ {
			if k == top {
				if i, ok := m.tlong.find(uint64(in.words[k]), begin, end); ok {
					p, _ = m.tlong.weights(i)
					matched = m.order
				}
				break
			}
			l := &m.tmid[k]
			i, ok := l.find(uint64(in.words[k]), begin, end)
			if !ok {
				break
			}
			p, out.backoff[k+1] = l.weights(i)
			begin, end = l.next(i)
			matched = k + 2
		}
	}
	for j := matched - 1; j < in.n; j++ {
		p += in.backoff[j]
	}
	n := min(matched, m.order-1)
	out.words[0] = w
	copy(out.words[1:n], in.words[:n-1])
	out.n = n
	return p
}

// vocabStrings returns the words by id, read from the end of the file once.
func (m *binModel) vocabStrings() ([]string, error) {
	m.stringsOnce.Do(func() {
		if !m.hasVoc {
			m.strsErr = errors.New("kenlm: this binary file was built without its vocabulary strings")
			return
		}
		rest := m.data[m.words:]
		strs := make([]string, 0, m.bound)
		for len(strs) < int(m.bound) {
			i := bytes.IndexByte(rest, 0)
			if i < 0 {
				m.strsErr = formatErr("truncated binary file: %d of %d vocabulary strings", len(strs), m.bound)
				return
			}
			strs = append(strs, string(rest[:i]))
			rest = rest[i+1:]
		}
		m.strs = strs
	})
	return m.strs, m.strsErr
}
