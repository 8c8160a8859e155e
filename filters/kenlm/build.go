package kenlm

import (
	"fmt"
)

// builder fills a Model order by order: all unigrams first, then every
// n-gram of order 2, and so on, as an ARPA file lists them. The suffix of
// each n-gram must already be present (ARPA files written by lmplz, SRILM
// and IRSTLM all have that property); a missing suffix is an error.
type builder struct {
	m *Model
}

// newBuilder sizes the tables from the declared counts (counts[0] is the
// number of unigrams; it is only a capacity hint). With lazy (counts read
// from a file, not yet backed by entries) tables start small and grow, and
// each order must be closed with finishOrder before the next one starts.
func newBuilder(order int, counts []int, lazy bool) (*builder, error) {
	if order < 1 || order > MaxOrder {
		return nil, fmt.Errorf("kenlm: order %d outside 1..%d", order, MaxOrder)
	}
	if len(counts) != order {
		return nil, fmt.Errorf("kenlm: %d counts for order %d", len(counts), order)
	}
	m := &Model{
		order:      order,
		index:      newVocabIndex(min(counts[0]+1, initialSlots)),
		words:      make([]string, 0, min(counts[0]+1, initialSlots)),
		uniProb:    make([]float32, 0, min(counts[0]+1, initialSlots)),
		uniBackoff: make([]float32, 0, min(counts[0]+1, initialSlots)),
		bos:        emptyWord,
		eos:        emptyWord,
		unk:        emptyWord,
	}
	for n := 2; n <= order; n++ {
		m.tables = append(m.tables, newTable(counts[n-1], n == order, lazy))
	}
	return &builder{m: m}, nil
}

// addWord adds a unigram and returns its id.
func (b *builder) addWord(w string, prob, backoff float32) (uint32, error) {
	m := b.m
	if m.index.lookup(m.words, w) != emptyWord {
		return 0, fmt.Errorf("kenlm: duplicate unigram %q", w)
	}
	if len(m.words) >= emptyWord-1 {
		return 0, fmt.Errorf("kenlm: vocabulary too large")
	}
	id := uint32(len(m.words))
	m.words = append(m.words, w)
	m.index.add(m.words, id)
	m.uniProb = append(m.uniProb, prob)
	m.uniBackoff = append(m.uniBackoff, backoff)
	switch w {
	case BOS:
		m.bos = id
	case EOS:
		m.eos = id
	case UNK:
		m.unk = id
	}
	return id, nil
}

// suffixIndex returns the index of ids[1:] (word id for a bigram's suffix),
// or -1 when it is not stored.
func (b *builder) suffixIndex(ids []uint32) int {
	n := len(ids)
	cur := ids[n-1]
	for j := n - 2; j >= 1; j-- {
		i := b.m.tables[n-j-2].find(cur, ids[j])
		if i < 0 {
			return -1
		}
		cur = uint32(i)
	}
	return int(cur)
}

// index returns the slot index of ids (the word id when len(ids) == 1),
// or -1 when it is not stored.
func (b *builder) index(ids []uint32) int {
	n := len(ids)
	cur := ids[n-1]
	for j := n - 2; j >= 0; j-- {
		i := b.m.tables[n-j-2].find(cur, ids[j])
		if i < 0 {
			return -1
		}
		cur = uint32(i)
	}
	return int(cur)
}

// finishOrder gives the table of order n its final size, once all its
// entries are in and before any n-gram of order n+1 refers to them.
func (b *builder) finishOrder(n int) {
	if n >= 2 {
		b.m.tables[n-2].finish()
	}
}

// ensureSuffix returns the index of ids[1:] (the word id for a bigram),
// inserting the suffixes that are missing as KenLM's probing loader does
// (search_hashed.cc, FindLower and AdjustLower): each is a blank entry whose
// probability is the backed-off one (the longest stored suffix's
// probability plus the backoffs of the contexts in between, in float32) and
// whose backoff is 0. Blanks keep longer n-grams reachable, are not
// counted and are not written. They use the tables' slack (1.5 slots per
// declared n-gram), as in KenLM.
func (b *builder) ensureSuffix(ids []uint32) (int, error) {
	n := len(ids)
	cur := ids[n-1]
	k := 1 // order of cur, the longest stored suffix of ids
	for ; k < n-1; k++ {
		i := b.m.tables[k-1].find(cur, ids[n-k-1])
		if i < 0 {
			break
		}
		cur = uint32(i)
	}
	if k == n-1 {
		return int(cur), nil
	}
	var p float32
	if k == 1 {
		p = b.m.uniProb[cur]
	} else {
		p = b.m.tables[k-2].mid[cur].prob
	}
	for ; k < n-1; k++ {
		// The blank is ids[n-k-1:], of order k+1; its context is
		// ids[n-k-1:n-1].
		if ci := b.index(ids[n-k-1 : n-1]); ci >= 0 {
			if k == 1 {
				p += b.m.uniBackoff[ci]
			} else {
				p += b.m.tables[k-2].mid[ci].backoff
			}
		}
		t := &b.m.tables[k-1]
		i, _, err := t.insert(cur, ids[n-k-1], p, 0)
		if err != nil {
			return 0, fmt.Errorf("kenlm: no room for the %d-gram suffixes missing from the file: %w", k+1, err)
		}
		t.markBlank(uint64(i))
		cur = uint32(i)
	}
	return int(cur), nil
}

// addNGramAt adds an n-gram of order len(ids) >= 2 whose suffix is at
// index suf.
func (b *builder) addNGramAt(ids []uint32, suf int, prob, backoff float32) error {
	_, isNew, err := b.m.tables[len(ids)-2].insert(uint32(suf), ids[0], prob, backoff)
	if err != nil {
		return err
	}
	if !isNew {
		return fmt.Errorf("kenlm: duplicate %d-gram", len(ids))
	}
	return nil
}

// finish checks the special words; a missing <unk> is added with log10
// probability -100, as KenLM does.
func (b *builder) finish() (*Model, error) {
	m := b.m
	if m.unk == emptyWord {
		if _, err := b.addWord(UNK, -100, 0); err != nil {
			return nil, err
		}
	}
	if m.bos == emptyWord {
		return nil, fmt.Errorf("kenlm: no %s in the vocabulary", BOS)
	}
	if m.eos == emptyWord {
		return nil, fmt.Errorf("kenlm: no %s in the vocabulary", EOS)
	}
	return m, nil
}
