package perplexity

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
// number of unigrams; it is only a capacity hint).
func newBuilder(order int, counts []int) (*builder, error) {
	if order < 1 || order > MaxOrder {
		return nil, fmt.Errorf("perplexity: order %d outside 1..%d", order, MaxOrder)
	}
	if len(counts) != order {
		return nil, fmt.Errorf("perplexity: %d counts for order %d", len(counts), order)
	}
	m := &Model{
		order:      order,
		index:      newVocabIndex(counts[0] + 1),
		words:      make([]string, 0, counts[0]+1),
		uniProb:    make([]float32, 0, counts[0]+1),
		uniBackoff: make([]float32, 0, counts[0]+1),
		bos:        emptyWord,
		eos:        emptyWord,
		unk:        emptyWord,
	}
	for n := 2; n <= order; n++ {
		m.tables = append(m.tables, newTable(counts[n-1], n == order))
	}
	return &builder{m: m}, nil
}

// addWord adds a unigram and returns its id.
func (b *builder) addWord(w string, prob, backoff float32) (uint32, error) {
	m := b.m
	if m.index.lookup(m.words, w) != emptyWord {
		return 0, fmt.Errorf("perplexity: duplicate unigram %q", w)
	}
	if len(m.words) >= emptyWord-1 {
		return 0, fmt.Errorf("perplexity: vocabulary too large")
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

// addNGramAt adds an n-gram of order len(ids) >= 2 whose suffix is at
// index suf.
func (b *builder) addNGramAt(ids []uint32, suf int, prob, backoff float32) error {
	_, isNew, err := b.m.tables[len(ids)-2].insert(uint32(suf), ids[0], prob, backoff)
	if err != nil {
		return err
	}
	if !isNew {
		return fmt.Errorf("perplexity: duplicate %d-gram", len(ids))
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
		return nil, fmt.Errorf("perplexity: no %s in the vocabulary", BOS)
	}
	if m.eos == emptyWord {
		return nil, fmt.Errorf("perplexity: no %s in the vocabulary", EOS)
	}
	return m, nil
}
