package kenlm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// ErrBadDiscount is returned when modified Kneser-Ney discounts cannot be
// estimated (a count-of-counts is zero or a discount falls outside [0, k])
// and no fallback was given, as lmplz refuses without --discount_fallback.
var ErrBadDiscount = errors.New("kenlm: cannot estimate Kneser-Ney discounts")

// TrainOptions configures Train. The zero value is lmplz's default.
type TrainOptions struct {
	// DiscountFallback, when set, holds D1, D2 and D3+ used for any order
	// whose discounts cannot be estimated (lmplz --discount_fallback, whose
	// default values are 0.5 1 1.5). Nil makes that an ErrBadDiscount.
	DiscountFallback []float64
	// SkipSymbols treats <s>, </s> and <unk> in the text as whitespace
	// (lmplz --skip_symbols). Without it they are an error, as in lmplz.
	SkipSymbols bool
}

// ErrSpecialWord is returned for <s>, </s> or <unk> in training text
// unless TrainOptions.SkipSymbols is set.
var ErrSpecialWord = errors.New("kenlm: <s>, </s> and <unk> are not allowed in training text")

// isLmplzSpace reports lmplz's token delimiters (corpus_count.cc): NUL,
// tab, newline, carriage return and space. Unlike query, lmplz keeps \v and
// \f inside tokens.
func isLmplzSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0
}

// lmplzFields splits b on lmplz's delimiters into dst.
func lmplzFields(dst [][]byte, b []byte) [][]byte {
	dst = dst[:0]
	i := 0
	for i < len(b) {
		for i < len(b) && isLmplzSpace(b[i]) {
			i++
		}
		j := i
		for j < len(b) && !isLmplzSpace(b[j]) {
			j++
		}
		if j > i {
			dst = append(dst, b[i:j])
		}
		i = j
	}
	return dst
}

// Discount holds the modified Kneser-Ney discounts of one order:
// D[0] for adjusted count 1, D[1] for 2 and D[2] for 3 or more.
type Discount [3]float64

// TrainStats is what lmplz prints while it estimates: token and type
// counts, then the number of n-grams and the discounts of each order.
type TrainStats struct {
	Tokens     int64 // words in the text, <s> and </s> excluded
	Types      int   // vocabulary size, <unk>, <s> and </s> included
	Counts     []int
	Discounts  []Discount
	CountCount [][4]int64 // n-grams with adjusted count 1, 2, 3 and 4
	Fallback   []bool     // orders that used DiscountFallback
}

// Train estimates an interpolated modified Kneser-Ney model of the given
// order from text with one sentence per line, as lmplz does with no pruning:
//   - words are separated by space, tab, carriage return or NUL (lmplz's
//     delimiters, which do not include \v and \f);
//   - every line (empty ones too) is <s> w1 ... wn </s>; <s>, </s> and
//     <unk> in the text are an error, or whitespace with SkipSymbols;
//   - n-grams of the highest order keep their counts; lower orders get
//     continuation counts (the number of distinct words seen to their left),
//     except those that begin with <s>, which keep their counts;
//   - discounts per order come from the counts of adjusted counts 1..4
//     (Chen and Goodman eq. 26), computed in float32 as lmplz does;
//   - p(w|c) = (a(cw) - D(a)) / Σa(c·) + γ(c) p(w|c'), with γ(c) the
//     discounted mass, down to a uniform distribution over the vocabulary
//     without <s>; <unk> gets γ(ε)/|V|; <s> gets log10 probability 0;
//   - the backoff of an n-gram is log10 γ of it as a context, 0 when
//     nothing follows it.
//
// Train keeps the text's word ids and the sorted n-grams of each order in
// memory (about 30 bytes per token for a 5-gram at the peak), where lmplz
// sorts on disk.
func Train(r io.Reader, order int, opts TrainOptions) (*Model, error) {
	m, _, err := TrainWithStats(r, order, opts)
	return m, err
}

const trainUNK, trainBOS, trainEOS = 0, 1, 2

// ngrams of one order: flat records of n word ids, and their counts.
type countedGrams struct {
	n      int
	words  []uint32
	counts []uint64
}

func (g *countedGrams) len() int            { return len(g.counts) }
func (g *countedGrams) gram(i int) []uint32 { return g.words[i*g.n : (i+1)*g.n] }

// suffixCmp orders n-grams by their last word first, then the one before,
// and so on (lmplz's suffix order): n-grams sharing a suffix are adjacent.
func suffixCmp(a, b []uint32) int {
	b = b[:len(a)]
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// naturalCmp orders n-grams word by word from the first (slices.Compare,
// specialised: the generic one is not inlined and dominates training).
func naturalCmp(a, b []uint32) int {
	b = b[:len(a)]
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// sortGrams sorts flat records of width n by cmp and merges equal ones,
// adding their counts (counts nil: each record counts 1).
func sortGrams(words []uint32, counts []uint64, n int, cmp func(a, b []uint32) int) countedGrams {
	num := len(words) / n
	idx := make([]int32, num)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		return cmp(words[int(a)*n:int(a)*n+n], words[int(b)*n:int(b)*n+n])
	})
	out := countedGrams{n: n}
	for _, i := range idx {
		g := words[int(i)*n : int(i)*n+n]
		c := uint64(1)
		if counts != nil {
			c = counts[i]
		}
		if k := out.len(); k > 0 && slices.Equal(out.gram(k-1), g) {
			out.counts[k-1] += c
			continue
		}
		out.words = append(out.words, g...)
		out.counts = append(out.counts, c)
	}
	return out
}

// TrainWithStats is Train that also returns what lmplz prints.
func TrainWithStats(r io.Reader, order int, opts TrainOptions) (*Model, *TrainStats, error) {
	if order < 1 || order > MaxOrder {
		return nil, nil, fmt.Errorf("kenlm: train: order %d outside 1..%d", order, MaxOrder)
	}
	if opts.DiscountFallback != nil && len(opts.DiscountFallback) != 3 {
		return nil, nil, fmt.Errorf("kenlm: train: discount fallback needs 3 values, got %d", len(opts.DiscountFallback))
	}
	stats := &TrainStats{}
	words := []string{UNK, BOS, EOS}
	vocab := newVocabIndex(1 << 10)
	for id := range words {
		vocab.add(words, uint32(id))
	}

	// Every position after <s> ends one n-gram of the highest order, or a
	// shorter one that starts at <s>. raw[n-1] holds those of length n.
	raw := make([][]uint32, order)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	sent := []uint32{}
	line := 0
	var fs [][]byte
	for sc.Scan() {
		line++
		sent = append(sent[:0], trainBOS)
		fs = lmplzFields(fs, sc.Bytes())
		for _, f := range fs {
			id := vocab.lookup(words, string(f))
			if id == emptyWord {
				id = uint32(len(words))
				words = append(words, string(f))
				vocab.add(words, id)
			}
			if id <= trainEOS {
				if !opts.SkipSymbols {
					return nil, nil, fmt.Errorf("%w: line %d has %s (set SkipSymbols to read them as whitespace, as lmplz --skip_symbols)", ErrSpecialWord, line, f)
				}
				continue
			}
			sent = append(sent, id)
			stats.Tokens++
		}
		sent = append(sent, trainEOS)
		for i := 1; i < len(sent); i++ {
			start := max(0, i-order+1)
			raw[i-start] = append(raw[i-start], sent[start:i+1]...)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("kenlm: train: line %d: %w", line+1, err)
	}
	stats.Types = len(words)

	// Adjusted counts, highest order first, each order in suffix order.
	grams := make([]countedGrams, order)
	grams[order-1] = sortGrams(raw[order-1], nil, order, suffixCmp)
	raw[order-1] = nil
	for n := order - 1; n >= 1; n-- {
		// Continuation counts: one per distinct left extension. In suffix
		// order the n-grams of order n+1 sharing their last n words are
		// adjacent, so each run of them is one n-gram of order n.
		up := &grams[n]
		var cont countedGrams
		cont.n = n
		for i := 0; i < up.len(); i++ {
			suf := up.gram(i)[1:]
			if k := cont.len(); k > 0 && slices.Equal(cont.gram(k-1), suf) {
				cont.counts[k-1]++
				continue
			}
			cont.words = append(cont.words, suf...)
			cont.counts = append(cont.counts, 1)
		}
		// n-grams that begin with <s> keep their raw counts; no suffix
		// begins with <s>, so the two sets are disjoint.
		bos := sortGrams(raw[n-1], nil, n, suffixCmp)
		raw[n-1] = nil
		grams[n-1] = sortGrams(append(cont.words, bos.words...), append(cont.counts, bos.counts...), n, suffixCmp)
	}

	// Counts of counts and discounts.
	stats.Discounts = make([]Discount, order)
	stats.CountCount = make([][4]int64, order)
	stats.Fallback = make([]bool, order)
	stats.Counts = make([]int, order)
	stats.Counts[0] = len(words)
	for n := 1; n <= order; n++ {
		if n > 1 {
			stats.Counts[n-1] = grams[n-1].len()
		}
		var cc [5]int64
		for _, c := range grams[n-1].counts {
			if c < 5 {
				cc[c]++
			}
		}
		copy(stats.CountCount[n-1][:], cc[1:])
		d, ok := discounts(cc)
		if !ok {
			if opts.DiscountFallback == nil {
				return nil, nil, fmt.Errorf("%w for %d-grams (counts of counts %v); is the text tiny or artificial? set a discount fallback to override", ErrBadDiscount, n, cc[1:])
			}
			copy(d[:], opts.DiscountFallback)
			stats.Fallback[n-1] = true
		}
		stats.Discounts[n-1] = d
	}

	b, err := newBuilder(order, stats.Counts, false)
	if err != nil {
		return nil, nil, err
	}
	// Unigrams: one context (the empty one) over every counted word.
	uni := make([]uint64, len(words))
	for i, c := range grams[0].counts {
		uni[grams[0].words[i]] = c
	}
	d := stats.Discounts[0]
	var sum, mass float64
	for _, c := range grams[0].counts {
		sum += float64(c)
		mass += d[min(c, 3)-1]
	}
	gamma := mass / sum
	uniform := 1 / float64(len(words)-1) // the vocabulary without <s>
	// prob[k] holds the interpolated probability of each slot of order
	// k+1 (word ids for unigrams), in float64 for the next order.
	prob := make([][]float64, order)
	prob[0] = make([]float64, len(words))
	for id, w := range words {
		c := uni[id]
		var lp float32
		switch {
		case id == trainBOS:
			lp = 0
		case c == 0: // <unk>
			prob[0][id] = gamma * uniform
			lp = float32(math.Log10(prob[0][id]))
		default:
			prob[0][id] = (float64(c)-d[min(c, 3)-1])/sum + gamma*uniform
			lp = float32(math.Log10(prob[0][id]))
		}
		if _, err := b.addWord(w, lp, 0); err != nil {
			return nil, nil, err
		}
	}
	grams[0] = countedGrams{}
	for n := 2; n <= order; n++ {
		// Natural order groups the n-grams of one context together.
		g := sortGrams(grams[n-1].words, grams[n-1].counts, n, naturalCmp)
		grams[n-1] = countedGrams{}
		t := &b.m.tables[n-2]
		prob[n-1] = make([]float64, t.size)
		d := stats.Discounts[n-1]
		for lo := 0; lo < g.len(); {
			ctx := g.gram(lo)[:n-1]
			hi := lo
			var sum, mass float64
			for ; hi < g.len() && slices.Equal(g.gram(hi)[:n-1], ctx); hi++ {
				c := g.counts[hi]
				sum += float64(c)
				mass += d[min(c, 3)-1]
			}
			gamma := mass / sum
			// The context's backoff is log10 of its interpolation weight.
			ci := b.index(ctx)
			if n == 2 {
				b.m.uniBackoff[ci] = float32(math.Log10(gamma))
			} else {
				b.m.tables[n-3].mid[ci].backoff = float32(math.Log10(gamma))
			}
			for i := lo; i < hi; i++ {
				ids := g.gram(i)
				c := g.counts[i]
				suf := b.suffixIndex(ids)
				p := (float64(c)-d[min(c, 3)-1])/sum + gamma*prob[n-2][suf]
				at, _, err := t.insert(uint32(suf), ids[0], float32(math.Log10(p)), 0)
				if err != nil {
					return nil, nil, err
				}
				prob[n-1][at] = p
			}
			lo = hi
		}
		prob[n-2] = nil
	}
	m, err := b.finish()
	if err != nil {
		return nil, nil, err
	}
	return m, stats, nil
}

// discounts computes the modified Kneser-Ney discounts from counts of
// counts cc[1..4] as lmplz does (adjust_counts.cc), in float32, and reports
// whether they are valid.
func discounts(cc [5]int64) (Discount, bool) {
	var d Discount
	for j := 1; j <= 3; j++ {
		if cc[j] == 0 {
			return d, false
		}
	}
	y := float32(cc[1]) / float32(float64(cc[1])+2.0*float64(cc[2]))
	for j := 1; j <= 3; j++ {
		a := float32(j) - float32(j+1)*y*float32(cc[j+1])/float32(cc[j])
		if a < 0 || a > float32(j) {
			return d, false
		}
		d[j-1] = float64(a)
	}
	return d, true
}
