package kenlm

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

type gram [MaxOrder]uint32

// trainMapRef is the first, map-based version of TrainWithStats, kept as
// an independent oracle for the sort-based one.
func trainMapRef(r io.Reader, order int, opts TrainOptions) (*Model, *TrainStats, error) {
	if order < 1 || order > MaxOrder {
		return nil, nil, fmt.Errorf("kenlm: train: order %d outside 1..%d", order, MaxOrder)
	}
	if opts.DiscountFallback != nil && len(opts.DiscountFallback) != 3 {
		return nil, nil, fmt.Errorf("kenlm: train: discount fallback needs 3 values, got %d", len(opts.DiscountFallback))
	}
	const unkID, bosID, eosID = 0, 1, 2
	words := []string{UNK, BOS, EOS}
	index := map[string]uint32{UNK: unkID, BOS: bosID, EOS: eosID}
	stats := &TrainStats{}

	// counts[n-1] maps an n-gram (words in order, rest of the array zero)
	// to its adjusted count.
	counts := make([]map[gram]int64, order)
	for i := range counts {
		counts[i] = map[gram]int64{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	sent := []uint32{}
	line := 0
	var fs [][]byte
	for sc.Scan() {
		line++
		sent = append(sent[:0], bosID)
		for _, f := range fields(fs, sc.Bytes()) {
			id, ok := index[string(f)]
			if !ok {
				id = uint32(len(words))
				w := string(f)
				words = append(words, w)
				index[w] = id
			}
			// lmplz treats <s> and </s> in the text as errors; we
			// keep them as ordinary context, which cannot be scored
			// apart from the real ones, so drop them instead.
			if id == bosID || id == eosID {
				continue
			}
			sent = append(sent, id)
			stats.Tokens++
		}
		sent = append(sent, eosID)
		// Every position after <s> ends one n-gram of the highest order,
		// or a shorter one that starts at <s>.
		for i := 1; i < len(sent); i++ {
			start := max(0, i-order+1)
			var g gram
			copy(g[:], sent[start:i+1])
			counts[i-start][g]++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("kenlm: train: line %d: %w", line+1, err)
	}
	// Continuation counts: each distinct n-gram of order n+1 adds one to
	// its suffix. Entries already there begin with <s> and keep their raw
	// count (a suffix never begins with <s>).
	for n := order - 1; n >= 1; n-- {
		for g := range counts[n] {
			var s gram
			copy(s[:], g[1:n+1])
			counts[n-1][s]++
		}
	}
	stats.Types = len(words)

	// Counts of counts and discounts.
	stats.Discounts = make([]Discount, order)
	stats.CountCount = make([][4]int64, order)
	stats.Fallback = make([]bool, order)
	for n := 1; n <= order; n++ {
		var cc [5]int64
		for _, c := range counts[n-1] {
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

	// Context statistics: sum of counts and the discount mass.
	type ctxStat struct {
		sum  float64
		mass float64
	}
	ctx := make([]map[gram]*ctxStat, order)
	for n := 1; n <= order; n++ {
		ctx[n-1] = map[gram]*ctxStat{}
		d := stats.Discounts[n-1]
		for g, c := range counts[n-1] {
			var cg gram
			copy(cg[:], g[:n-1])
			s := ctx[n-1][cg]
			if s == nil {
				s = &ctxStat{}
				ctx[n-1][cg] = s
			}
			s.sum += float64(c)
			s.mass += d[min(c, 3)-1]
		}
	}
	// Interpolated probabilities, order by order.
	prob := make([]map[gram]float64, order)
	// The uniform distribution covers the vocabulary without <s>.
	uniform := 1 / float64(len(words)-1)
	for n := 1; n <= order; n++ {
		prob[n-1] = make(map[gram]float64, len(counts[n-1]))
		d := stats.Discounts[n-1]
		for g, c := range counts[n-1] {
			var cg gram
			copy(cg[:], g[:n-1])
			s := ctx[n-1][cg]
			p := (float64(c) - d[min(c, 3)-1]) / s.sum
			gamma := s.mass / s.sum
			if n == 1 {
				p += gamma * uniform
			} else {
				var lower gram
				copy(lower[:], g[1:n])
				p += gamma * prob[n-2][lower]
			}
			prob[n-1][g] = p
		}
	}
	// Assemble the model.
	stats.Counts = make([]int, order)
	stats.Counts[0] = len(words)
	for n := 2; n <= order; n++ {
		stats.Counts[n-1] = len(counts[n-1])
	}
	b, err := newBuilder(order, stats.Counts, false)
	if err != nil {
		return nil, nil, err
	}
	backoff := func(n int, g gram) float32 {
		if n == order {
			return 0
		}
		s := ctx[n][g]
		if s == nil {
			return 0
		}
		return float32(math.Log10(s.mass / s.sum))
	}
	var empty gram
	for id, w := range words {
		var g gram
		g[0] = uint32(id)
		var p float32
		switch uint32(id) {
		case bosID:
			p = 0
		case unkID:
			p = float32(math.Log10(ctx[0][empty].mass / ctx[0][empty].sum * uniform))
		default:
			p = float32(math.Log10(prob[0][g]))
		}
		if _, err := b.addWord(w, p, backoff(1, g)); err != nil {
			return nil, nil, err
		}
	}
	for n := 2; n <= order; n++ {
		// Sorted insertion keeps the tables' layout deterministic.
		keys := make([]gram, 0, len(prob[n-1]))
		for g := range prob[n-1] {
			keys = append(keys, g)
		}
		slices.SortFunc(keys, func(a, b gram) int { return slices.Compare(a[:n], b[:n]) })
		for _, g := range keys {
			if err := b.addNGramAt(g[:n], b.suffixIndex(g[:n]), float32(math.Log10(prob[n-1][g])), backoff(n, g)); err != nil {
				return nil, nil, err
			}
		}
	}
	m, err := b.finish()
	if err != nil {
		return nil, nil, err
	}
	return m, stats, nil
}

// randomText makes sentences over a skewed vocabulary, empty lines
// included, so that every order sees counts of 1 to 4 and more.
func randomText(seed int64, lines, vocab int) string {
	rng := rand.New(rand.NewSource(seed))
	var sb strings.Builder
	for range lines {
		n := rng.Intn(16)
		for j := range n {
			if j > 0 {
				sb.WriteString([]string{" ", "\t", "  "}[rng.Intn(3)])
			}
			// Squaring skews the distribution towards low ids.
			r := rng.Float64()
			fmt.Fprintf(&sb, "w%d", int(r*r*float64(vocab)))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestTrainMatchesMapOracle: the sort-based trainer and the first,
// map-based one agree on random texts for orders 1 to 6.
func TestTrainMatchesMapOracle(t *testing.T) {
	opts := TrainOptions{DiscountFallback: []float64{0.5, 1, 1.5}}
	for order := 1; order <= 6; order++ {
		text := randomText(int64(order), 400, 60)
		m1, st1, err := trainMapRef(strings.NewReader(text), order, opts)
		if err != nil {
			t.Fatal(err)
		}
		m2, st2, err := TrainWithStats(strings.NewReader(text), order, opts)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(st1) != fmt.Sprint(st2) {
			t.Errorf("order %d stats differ:\n%+v\n%+v", order, st1, st2)
		}
		var a, b bytes.Buffer
		m1.WriteARPA(&a)
		m2.WriteARPA(&b)
		ea, eb := arpaEntries(t, &a), arpaEntries(t, &b)
		bad := 0
		for k, v := range ea {
			w, ok := eb[k]
			if !ok || math.Abs(v[0]-w[0]) > 1e-6 || math.Abs(v[1]-w[1]) > 1e-6 {
				if bad++; bad < 4 {
					t.Errorf("order %d %q: map %v sort %v", order, k, v, w)
				}
			}
		}
		if len(ea) != len(eb) || bad > 0 {
			t.Errorf("order %d: %d vs %d n-grams, %d differ", order, len(ea), len(eb), bad)
		}
	}
}
