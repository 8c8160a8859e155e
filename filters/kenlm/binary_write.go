package kenlm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// WriteBinary writes the model as a KenLM binary file with probing hash
// tables (build_binary's default layout, -p 1.5, format version 5), which
// Load maps in place and KenLM's own query reads: the fast-loading form
// of an ARPA file. Word ids are KenLM's (<unk> is 0, then the model's
// order); an n-gram's probability carries KenLM's "extends left" flag and
// a zero backoff KenLM's "extends right" sign, as build_binary sets them.
// The tables hold the same entries as build_binary's but not necessarily
// in the same slots (that depends on the order of insertion), so the
// bytes may differ; every lookup gives the same values. A model read from
// a binary file cannot be written again.
func (m *Model) WriteBinary(w io.Writer) error {
	if m.bin != nil {
		return errors.New("kenlm: WriteBinary of a model read from a KenLM binary file is not supported")
	}
	if m.order < 2 {
		return errors.New("kenlm: KenLM binary files need an order of at least 2")
	}
	le := binary.LittleEndian
	const mult = float32(probingMultiplier)
	counts := m.Counts()
	n0 := uint64(len(m.words))
	// KenLM ids: <unk> first, then the model's words in their order.
	kid := make([]uint32, n0)
	order := make([]uint32, 0, n0) // KenLM id -> our id
	order = append(order, m.unk)
	for id := uint32(0); id < uint32(n0); id++ {
		if id != m.unk {
			kid[id] = uint32(len(order))
			order = append(order, id)
		}
	}
	kid[m.unk] = 0

	// Vocabulary: header {version 0, bound}, then 12-byte {hash, id} slots.
	vslots := probingBuckets(n0, mult)
	vocab := make([]byte, 8+vslots*12)
	le.PutUint32(vocab[4:], uint32(n0))
	for k := 1; k < len(order); k++ {
		h := murmurHash64A(m.words[order[k]])
		if err := probeInsert(vocab[8:], vslots, 12, h, func(e []byte) { le.PutUint32(e[8:], uint32(k)) }); err != nil {
			return err
		}
	}
	// Unigrams: prob as it is, its sign bit cleared below when a bigram
	// ends in the word (so lmplz's 0 for <s> stays +0, as in build_binary);
	// backoff -0 when it is zero and no bigram starts with the word.
	uni := make([]byte, (n0+1)*8)
	for k, id := range order {
		le.PutUint32(uni[k*8:], math.Float32bits(m.uniProb[id]))
		b := m.uniBackoff[id]
		if b == 0 {
			b = float32(math.Copysign(0, -1))
		}
		le.PutUint32(uni[k*8+4:], math.Float32bits(b))
	}
	// Higher orders, keyed as lm/search_hashed.hh keys them: the last word,
	// then CombineWordHash with each earlier word, right to left.
	tables := make([][]byte, m.order-1)
	buckets := make([]uint64, m.order-1)
	entry := func(n int) uint64 {
		if n == m.order {
			return 12
		}
		return 16
	}
	words := make([]uint32, m.order)
	key := func(ws []uint32) uint64 {
		h := uint64(kid[ws[len(ws)-1]])
		for i := len(ws) - 2; i >= 0; i-- {
			h = combineWordHash(h, kid[ws[i]])
		}
		return h
	}
	for n := 2; n <= m.order; n++ {
		t := &m.tables[n-2]
		buckets[n-2] = probingBuckets(uint64(counts[n-1]), mult)
		tab := make([]byte, buckets[n-2]*entry(n))
		tables[n-2] = tab
		for i := uint64(0); i < t.size; i++ {
			ws, prob, backoff, ok := m.slotGram(n, i, words)
			if !ok {
				continue
			}
			if backoff == 0 {
				backoff = float32(math.Copysign(0, -1))
			}
			err := probeInsert(tab, buckets[n-2], entry(n), key(ws), func(e []byte) {
				le.PutUint32(e[8:], math.Float32bits(prob))
				if n < m.order {
					le.PutUint32(e[12:], math.Float32bits(backoff))
				}
			})
			if err != nil {
				return fmt.Errorf("kenlm: %d-grams: %w", n, err)
			}
		}
		// Flags of the order below: its n-gram w1..wn-1 is a context
		// (backoff -0 becomes +0) and w2..wn extends left (prob sign off).
		for i := uint64(0); i < t.size; i++ {
			ws, _, _, ok := m.slotGram(n, i, words)
			if !ok {
				continue
			}
			var ctx, suf []byte
			if n == 2 {
				ctx, suf = uni[kid[ws[0]]*8:], uni[kid[ws[1]]*8:]
			} else {
				lo := tables[n-3]
				ctx = probeFind(lo, buckets[n-3], 16, key(ws[:n-1]))
				suf = probeFind(lo, buckets[n-3], 16, key(ws[1:]))
				if ctx == nil || suf == nil {
					return fmt.Errorf("kenlm: a %d-gram's context or suffix is not a %d-gram", n, n-1)
				}
				ctx, suf = ctx[8:], suf[8:]
			}
			if b := le.Uint32(ctx[4:]); b == math.Float32bits(float32(math.Copysign(0, -1))) {
				le.PutUint32(ctx[4:], 0)
			}
			le.PutUint32(suf, le.Uint32(suf)&^signBit)
		}
	}

	// Header.
	bw := bufio.NewWriterSize(w, 1<<20)
	header := make([]byte, align8(uint64(binSanitySize+binFixedSize+8*m.order)))
	copy(header, binSanity())
	fixed := header[binSanitySize:]
	fixed[0] = byte(m.order)
	le.PutUint32(fixed[4:], math.Float32bits(mult))
	le.PutUint32(fixed[8:], typeProbing)
	fixed[12] = 1 // has vocabulary
	le.PutUint32(fixed[16:], 0)
	for i, c := range counts {
		le.PutUint64(header[binSanitySize+binFixedSize+8*i:], uint64(c))
	}
	bw.Write(header)
	bw.Write(vocab)
	bw.Write(uni)
	for _, t := range tables {
		bw.Write(t)
	}
	for _, id := range order {
		word := m.words[id]
		if id == m.unk {
			word = UNK
		}
		bw.WriteString(word)
		bw.WriteByte(0)
	}
	return bw.Flush()
}

// slotGram returns the words, probability and backoff of slot i of order
// n (blanks included, as KenLM stores them), or false for a free slot.
func (m *Model) slotGram(n int, i uint64, words []uint32) ([]uint32, float32, float32, bool) {
	t := &m.tables[n-2]
	var word, suf uint32
	var prob, backoff float32
	if t.mid != nil {
		s := t.mid[i]
		word, suf, prob, backoff = s.word, s.suffix, s.prob, s.backoff
	} else {
		s := t.top[i]
		word, suf, prob = s.word, s.suffix, s.prob
	}
	if word == emptyWord {
		return nil, 0, 0, false
	}
	ws := words[:0]
	ws = append(ws, word)
	for k := n - 1; k >= 2; k-- {
		s := &m.tables[k-2].mid[suf]
		ws = append(ws, s.word)
		suf = s.suffix
	}
	ws = append(ws, suf)
	return ws, prob, backoff, true
}

// probeInsert puts key in the first free slot from key % buckets (KenLM's
// util::ProbingHashTable with DivMod) and lets fill write the value.
func probeInsert(tab []byte, buckets, size, key uint64, fill func(e []byte)) error {
	i := key % buckets
	for n := uint64(0); n < buckets; n++ {
		e := tab[i*size : (i+1)*size]
		k := binary.LittleEndian.Uint64(e)
		if k == 0 || k == key {
			binary.LittleEndian.PutUint64(e, key)
			fill(e)
			return nil
		}
		if i++; i == buckets {
			i = 0
		}
	}
	return errors.New("probing table full")
}

func probeFind(tab []byte, buckets, size, key uint64) []byte {
	i := key % buckets
	for n := uint64(0); n < buckets; n++ {
		e := tab[i*size : (i+1)*size]
		k := binary.LittleEndian.Uint64(e)
		if k == key {
			return e
		}
		if k == 0 {
			return nil
		}
		if i++; i == buckets {
			i = 0
		}
	}
	return nil
}
