package tokenize

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// UnigramOptions are the spm_train flags TrainUnigram honours: the common
// ones of TrainOptions and those of the unigram trainer.
type UnigramOptions struct {
	TrainOptions
	// NormalizationRule is --normalization_rule_name: "nmt_nfkc"
	// (spm_train's default, and CCNet's) or "identity".
	NormalizationRule string
	// SeedSentencePieceSize bounds the seed vocabulary (frequent substrings).
	SeedSentencePieceSize int
	// ShrinkingFactor is the share of pieces each pruning round keeps.
	ShrinkingFactor float64
	// NumSubIterations is the number of EM iterations between prunings.
	NumSubIterations int
	// InputSentenceSize, when positive, keeps the first that many lines
	// (spm_train samples them at random with --shuffle_input_sentence).
	InputSentenceSize int
	// Logf, when set, receives progress lines.
	Logf func(format string, args ...any)
}

// DefaultUnigramOptions returns spm_train 0.1.97's defaults for
// --model_type=unigram: vocabulary 8000, character coverage 0.9995,
// nmt_nfkc normalization with extra whitespace removed and a dummy prefix,
// <unk> <s> </s> at ids 0 1 2, no byte fallback.
func DefaultUnigramOptions() UnigramOptions {
	return UnigramOptions{
		TrainOptions: TrainOptions{
			VocabSize:              8000,
			CharacterCoverage:      0.9995,
			MaxPieceLength:         16,
			MaxSentenceLength:      4192,
			SplitByUnicodeScript:   true,
			SplitByWhitespace:      true,
			SplitByNumber:          true,
			AddDummyPrefix:         true,
			RemoveExtraWhitespaces: true,
			UnkID:                  0,
			BosID:                  1,
			EosID:                  2,
			PadID:                  -1,
			InputName:              "input.txt",
			ModelPrefix:            "sp",
			Threads:                1,
		},
		NormalizationRule:     "nmt_nfkc",
		SeedSentencePieceSize: 1000000,
		ShrinkingFactor:       0.75,
		NumSubIterations:      2,
	}
}

// nmtNFKC is the precompiled_charsmap spm_train 0.1.97 writes for
// --normalization_rule_name=nmt_nfkc (see testdata/README.md).
//
//go:embed nmt_nfkc.charsmap.gz
var nmtNFKCgz []byte

var nmtNFKC = sync.OnceValues(func() ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(nmtNFKCgz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
})

// unigramUnk is TrainerInterface::kUNKChar (U+2585), which replaces the
// characters outside the alphabet while training.
const unigramUnk = 0x2585

// TrainUnigram trains a Unigram model on r (one sentence per line) the way
// spm_train 0.1.97 does with --model_type=unigram: normalization, the
// alphabet by character coverage, seed pieces from the most frequent
// substrings of the text (frequency times length), then rounds of EM
// (a Bayesian M-step with digamma) and pruning of the pieces whose removal
// costs the least likelihood, until the vocabulary is 1.1 times the asked
// size; the final vocabulary keeps the alphabet and the best-scored pieces.
// It writes a model that spm_encode loads. Floats are rounded where
// SentencePiece rounds them and ties broken as its sorts break them, so
// the model is spm_train's, byte for byte, on the texts it was checked on.
// Threads splits the E-step and the pruning's segmentation as spm_train's
// --num_threads splits them (sentence i to worker i mod Threads, partial
// sums added in worker order), so the result depends on Threads as
// spm_train's does on --num_threads: the same count gives the same model
// (checked with 1 and 2).
func TrainUnigram(r io.Reader, opts UnigramOptions) (*Model, error) {
	o := opts
	if o.MaxPieceLength <= 0 || o.MaxPieceLength > 512 {
		return nil, fmt.Errorf("tokenize: max piece length %d out of range", o.MaxPieceLength)
	}
	if o.ShrinkingFactor <= 0 || o.ShrinkingFactor >= 1 {
		return nil, fmt.Errorf("tokenize: shrinking factor %v must be in (0, 1)", o.ShrinkingFactor)
	}
	if o.NumSubIterations <= 0 || o.SeedSentencePieceSize <= 0 {
		return nil, errors.New("tokenize: num_sub_iterations and seed_sentencepiece_size must be positive")
	}
	var cm []byte
	switch o.NormalizationRule {
	case "nmt_nfkc":
		var err error
		if cm, err = nmtNFKC(); err != nil {
			return nil, fmt.Errorf("tokenize: embedded nmt_nfkc rules: %w", err)
		}
	case "identity":
		cm = []byte{}
	default:
		return nil, fmt.Errorf("tokenize: normalization rule %q is not supported (nmt_nfkc and identity are)", o.NormalizationRule)
	}
	t := &unigramTrainer{o: o, bt: &bpeTrainer{opts: o.TrainOptions, scripts: map[rune]int16{}, unkRune: unigramUnk}}
	if err := t.bt.initMeta(); err != nil {
		return nil, err
	}
	norm := &Model{addDummyPrefix: o.AddDummyPrefix, removeExtraWS: o.RemoveExtraWhitespaces, escapeWS: true, wsSuffix: o.TreatWhitespaceAsSuffix}
	if len(cm) > 0 {
		c, err := parseCharsmap(cm)
		if err != nil {
			return nil, fmt.Errorf("tokenize: embedded nmt_nfkc rules: %w", err)
		}
		norm.charsmap = c
	}
	if err := t.load(r, norm); err != nil {
		return nil, err
	}
	pieces := t.seeds()
	t.logf("unigram: %d seed pieces", len(pieces))
	t.splitWords()
	t.logf("unigram: %d distinct words", len(t.sents))
	desired := int(float64(o.VocabSize) * 1.1)
	for round := 0; ; round++ {
		for iter := 0; iter < o.NumSubIterations; iter++ {
			tm := newTrainModel(pieces)
			expected, obj, ntok := t.eStep(tm)
			pieces = mStep(pieces, expected)
			t.logf("unigram: EM round %d sub_iter %d size %d obj %g num_tokens %d", round, iter, len(pieces), obj, ntok)
		}
		if len(pieces) <= desired {
			break
		}
		pieces = t.prune(newTrainModel(pieces), desired)
	}
	final := t.finalize(newTrainModel(pieces))
	all, err := placePieces(o.VocabSize, t.bt.meta, final)
	if err != nil {
		return nil, err
	}
	return buildModel(o.TrainOptions, specExtras{
		typ: Unigram, normName: o.NormalizationRule, charsmap: cm, seedSize: o.SeedSentencePieceSize,
		shrinking: float32(o.ShrinkingFactor), subIters: o.NumSubIterations, inputSentenceSize: o.InputSentenceSize,
	}, all)
}

type unigramTrainer struct {
	o        UnigramOptions
	bt       *bpeTrainer // meta pieces, piece validity, scripts
	lines    []string    // normalized sentences, rare characters replaced
	sents    []wordCount // words with their counts, once split
	required []charCount
}

func (t *unigramTrainer) logf(format string, args ...any) {
	if t.o.Logf != nil {
		t.o.Logf(format, args...)
	}
}

// load is TrainerInterface::LoadSentences: read, skip, normalize, cut out
// the text of special pieces, pick the alphabet and replace the rest by
// U+2585.
func (t *unigramTrainer) load(r io.Reader, norm *Model) error {
	o := t.o
	var metaTexts []string
	for _, mp := range t.bt.meta {
		metaTexts = append(metaTexts, mp.text)
	}
	meta := newPrefixMatcher(metaTexts)
	br := bufio.NewReaderSize(r, 1<<20)
	var buf, mbuf []byte
	lineNo, tooLong := 0, 0
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			lineNo++
			line = trimNewline(line)
			switch {
			case len(line) == 0:
			case len(line) > o.MaxSentenceLength:
				tooLong++
			case bytes.Contains(line, []byte("\u2585")):
			default:
				buf = norm.normalize(buf[:0], line)
				if meta.has(buf) {
					mbuf = meta.replace(mbuf[:0], buf)
					buf, mbuf = mbuf, buf
				}
				t.lines = append(t.lines, string(buf))
			}
			if o.InputSentenceSize > 0 && len(t.lines) >= o.InputSentenceSize {
				break
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("tokenize: training input line %d: %w", lineNo+1, err)
		}
	}
	t.logf("unigram: loaded %d sentences (%d too long)", len(t.lines), tooLong)
	// SentencePiece drops the sentences that normalize to nothing by
	// swapping the last one in, without looking at what it swapped in: an
	// empty sentence that lands there stays. The order matters when
	// sentences are not split into words.
	for i := 0; i < len(t.lines); i++ {
		if t.lines[i] == "" {
			t.lines[i] = t.lines[len(t.lines)-1]
			t.lines = t.lines[:len(t.lines)-1]
		}
	}
	if len(t.lines) == 0 {
		return errors.New("tokenize: no training sentences")
	}
	chars := map[rune]int64{}
	var all int64
	for _, s := range t.lines {
		for _, c := range s {
			if c == 0 || c == ' ' || !validCodepoint(c) {
				continue
			}
			chars[c]++
			all++
		}
	}
	sorted := make([]charCount, 0, len(chars))
	for c, n := range chars {
		sorted = append(sorted, charCount{c, n})
	}
	slices.SortFunc(sorted, func(a, b charCount) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return cmp.Compare(a.c, b.c)
	})
	req := map[rune]bool{}
	var acc int64
	cov := float32(o.CharacterCoverage)
	for _, cc := range sorted {
		if float32(float64(acc)/float64(all)) >= cov {
			break
		}
		acc += cc.n
		if cc.c == boundaryChar {
			continue
		}
		req[cc.c] = true
		t.required = append(t.required, cc)
	}
	if len(t.required)+len(t.bt.meta) > o.VocabSize {
		return fmt.Errorf("tokenize: vocabulary size %d is smaller than the %d required characters and %d special pieces; raise it or lower the character coverage",
			o.VocabSize, len(t.required), len(t.bt.meta))
	}
	var rb []byte
	for i, s := range t.lines {
		changed := false
		for _, c := range s {
			if !req[c] {
				changed = true
				break
			}
		}
		if !changed {
			continue
		}
		rb = rb[:0]
		for _, c := range s {
			if !req[c] {
				c = unigramUnk
			}
			rb = utf8.AppendRune(rb, c)
		}
		t.lines[i] = string(rb)
	}
	t.logf("unigram: alphabet of %d characters", len(t.required))
	return nil
}

// splitWords is TrainerInterface::SplitSentencesByWhitespace; without
// split_by_whitespace the sentences, in their order and each counted once,
// are the training units, as in spm_train.
func (t *unigramTrainer) splitWords() {
	if !t.o.SplitByWhitespace {
		t.sents = make([]wordCount, len(t.lines))
		for i, s := range t.lines {
			t.sents[i] = wordCount{s, 1}
		}
		t.lines = nil
		return
	}
	counts := map[string]int64{}
	for i, s := range t.lines {
		splitWords([]byte(s), t.o.TreatWhitespaceAsSuffix, t.o.AllowWhitespaceOnlyPieces, func(w []byte) { counts[string(w)]++ })
		t.lines[i] = ""
	}
	t.lines = nil
	t.sents = make([]wordCount, 0, len(counts))
	for w, n := range counts {
		t.sents = append(t.sents, wordCount{w, n})
	}
	slices.SortFunc(t.sents, func(a, b wordCount) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return strings.Compare(a.w, b.w)
	})
}

// seeds is MakeSeedSentencePieces: every character, then the substrings
// that are nodes of the text's suffix tree (they occur at least twice and
// are followed by different characters), valid as pieces, by frequency
// times length, up to SeedSentencePieceSize in all; scores are log
// probabilities of those weights.
//
// SentencePiece builds the whole enhanced suffix array (esaxx). Pieces are
// at most MaxPieceLength characters, so suffixes are sorted by their first
// MaxPieceLength+1 characters only: the lcp-intervals of depth up to
// MaxPieceLength, which are the only candidates, are the same.
func (t *unigramTrainer) seeds() []scoredPiece {
	var n int
	for _, s := range t.lines {
		n += utf8.RuneCountInString(s) + 1
	}
	arr := make([]int32, 0, n)
	allChars := map[rune]int64{}
	for _, s := range t.lines {
		for _, c := range s {
			arr = append(arr, c)
			if c != unigramUnk {
				allChars[c]++
			}
		}
		arr = append(arr, 0)
	}
	depth := t.o.MaxPieceLength + 1
	sa := sortSuffixes(arr, depth)
	// lcp(k) is the common prefix of suffixes k-1 and k, up to depth and
	// through a 0; computed as the intervals are walked, not stored.
	lcp := func(k int) int {
		a, b := arr[sa[k-1]:], arr[sa[k]:]
		l := 0
		for l < depth && a[l] == b[l] {
			l++
			if a[l-1] == 0 {
				break
			}
		}
		return l
	}

	type substr struct {
		node  int
		score int64
		off   int32
		len   int32
	}
	var subs []substr
	var pb []byte
	node := 0
	emit := func(d, lb, rb int) {
		idx := node
		node++
		if d <= 1 || d > t.o.MaxPieceLength {
			return
		}
		off := sa[lb]
		w := arr[off : int(off)+d]
		if w[d-1] == 0 {
			return
		}
		pb = pb[:0]
		for _, c := range w {
			pb = utf8.AppendRune(pb, c)
		}
		if !t.bt.validPiece(pb) {
			return
		}
		subs = append(subs, substr{idx, int64(rb-lb) * int64(d), off, int32(d)})
	}
	type frame struct{ d, lb int }
	stack := []frame{{0, 0}}
	for k := 1; k <= len(sa); k++ {
		l := 0
		if k < len(sa) {
			l = lcp(k)
		}
		lb := k - 1
		for l < stack[len(stack)-1].d {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			emit(top.d, top.lb, k)
			lb = top.lb
		}
		if l > stack[len(stack)-1].d {
			stack = append(stack, frame{l, lb})
		}
	}
	sa = nil

	seeds := make([]scoredPiece, 0, min(t.o.SeedSentencePieceSize, len(allChars)+len(subs)))
	chars := make([]charCount, 0, len(allChars))
	for c, n := range allChars {
		chars = append(chars, charCount{c, n})
	}
	// Sorted() of a map from UTF-8 strings: count, then the string, which
	// orders like the code point.
	slices.SortFunc(chars, func(a, b charCount) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return cmp.Compare(a.c, b.c)
	})
	for _, cc := range chars {
		seeds = append(seeds, scoredPiece{string(cc.c), float32(cc.n)})
	}
	slices.SortFunc(subs, func(a, b substr) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.node, b.node)
	})
	for _, s := range subs {
		if len(seeds) >= t.o.SeedSentencePieceSize {
			break
		}
		pb = pb[:0]
		for _, c := range arr[s.off : s.off+s.len] {
			pb = utf8.AppendRune(pb, c)
		}
		seeds = append(seeds, scoredPiece{string(pb), float32(s.score)})
	}
	toLogProb(seeds)
	return seeds
}

// sortSuffixes returns the positions of arr that are not 0 sorted by the
// suffixes there, compared on their first depth characters; a 0 ends a
// suffix. A counting pass buckets them by first character, then each bucket
// is sorted by comparison.
func sortSuffixes(arr []int32, depth int) []int32 {
	less := func(x, y int32) int {
		a, b := arr[x:], arr[y:]
		for k := 0; k < depth; k++ {
			if a[k] != b[k] {
				return cmp.Compare(a[k], b[k])
			}
			if a[k] == 0 {
				break
			}
		}
		return cmp.Compare(x, y)
	}
	// Rank the distinct characters, then count them.
	rank := map[int32]int32{}
	for _, c := range arr {
		if c != 0 {
			rank[c] = 0
		}
	}
	keys := make([]int32, 0, len(rank))
	for c := range rank {
		keys = append(keys, c)
	}
	slices.Sort(keys)
	for i, c := range keys {
		rank[c] = int32(i)
	}
	count := make([]int, len(keys)+1)
	for _, c := range arr {
		if c != 0 {
			count[rank[c]+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	sa := make([]int32, count[len(keys)])
	next := append([]int(nil), count...)
	for i, c := range arr {
		if c != 0 {
			r := rank[c]
			sa[next[r]] = int32(i)
			next[r]++
		}
	}
	for i := 0; i+1 < len(count); i++ {
		slices.SortFunc(sa[count[i]:count[i+1]], less)
	}
	return sa
}

// toLogProb is ToLogProb: scores become log(score/sum), summed in float32.
func toLogProb(ps []scoredPiece) {
	var sum float32
	for _, p := range ps {
		sum += p.score
	}
	logsum := float32(math.Log(float64(sum)))
	for i := range ps {
		ps[i].score = float32(math.Log(float64(ps[i].score)) - float64(logsum))
	}
}

// digamma is the Digamma of unigram_model_trainer.cc.
func digamma(x float64) float64 {
	var result float64
	for ; x < 7; x++ {
		result -= 1 / x
	}
	x -= 1.0 / 2.0
	xx := 1.0 / x
	xx2 := xx * xx
	xx4 := xx2 * xx2
	result += math.Log(x) + (1.0/24.0)*xx2 - (7.0/960.0)*xx4 + (31.0/8064.0)*xx4*xx2 - (127.0/30720.0)*xx4*xx4
	return result
}

// trainModel is the TrainerModel of the current pieces: a trie and scores.
// Characters no piece covers become an unknown node with id 0, as in
// SentencePiece, whose TrainerModel leaves unk_id at 0.
type trainModel struct {
	pieces   []scoredPiece
	trie     *trie
	unkScore float32
}

func newTrainModel(ps []scoredPiece) *trainModel {
	pieces := make([]Piece, len(ps))
	minScore := float32(math.MaxFloat32)
	for i, p := range ps {
		pieces[i] = Piece{Text: p.text, Score: p.score, Type: Normal}
		minScore = min(minScore, p.score)
	}
	return &trainModel{pieces: ps, trie: newTrie(pieces), unkScore: minScore - unkPenalty}
}

// lattice holds one sentence's nodes, in SentencePiece's insertion order:
// by start character, then by length.
type lattice struct {
	nodes   []latNode
	charEnd []int32 // byte offset -> character index + 1 at boundaries
	starts  []int32 // first node index of each start character, plus the end
	fwd     []float32
	bwd     []float32
	vit     []float32
	vitNode []int32
	set     []bool
}

type latNode struct {
	begin, end int32 // character positions
	id         int32
	score      float32
}

func (l *lattice) populate(tm *trainModel, w string) int {
	l.nodes = l.nodes[:0]
	l.starts = l.starts[:0]
	if cap(l.charEnd) < len(w)+1 {
		l.charEnd = make([]int32, len(w)+1)
	}
	ce := l.charEnd[:len(w)+1]
	nc := int32(0)
	for i := 0; i < len(w); {
		n := min(oneCharLen(w[i]), len(w)-i)
		for j := 1; j < n; j++ {
			ce[i+j] = -1
		}
		i += n
		nc++
		ce[i] = nc
	}
	ce[0] = 0
	pos := int32(0)
	for b := 0; b < len(w); {
		l.starts = append(l.starts, int32(len(l.nodes)))
		mblen := min(oneCharLen(w[b]), len(w)-b)
		single := false
		node := int32(0)
		for k := b; k < len(w); {
			var ok bool
			node, ok = tm.trie.step(node, w[k])
			if !ok {
				break
			}
			k++
			id := tm.trie.value[node]
			if id < 0 || ce[k] < 0 {
				continue
			}
			l.nodes = append(l.nodes, latNode{pos, ce[k], id, tm.trie.score[id]})
			if k-b == mblen {
				single = true
			}
		}
		if !single {
			l.nodes = append(l.nodes, latNode{pos, pos + 1, 0, tm.unkScore})
		}
		b += mblen
		pos++
	}
	l.starts = append(l.starts, int32(len(l.nodes)))
	return int(pos)
}

func (l *lattice) grow(n int) {
	if cap(l.fwd) < n+1 {
		l.fwd = make([]float32, n+1)
		l.bwd = make([]float32, n+1)
		l.vit = make([]float32, n+1)
		l.vitNode = make([]int32, n+1)
		l.set = make([]bool, n+1)
	}
}

// logSumExp is SentencePiece's LogSumExp.
func logSumExp(x, y float32, init bool) float32 {
	if init {
		return y
	}
	vmin, vmax := min(x, y), max(x, y)
	if vmax > vmin+50 {
		return vmax
	}
	// float + double in SentencePiece: the sum is double, rounded once.
	return float32(float64(vmax) + math.Log(math.Exp(float64(vmin-vmax))+1.0))
}

// marginal is Lattice::PopulateMarginal: adds freq times each node's
// posterior to expected and returns freq times log Z.
func (l *lattice) marginal(n int, freq float32, expected []float32) float32 {
	l.grow(n)
	a, set := l.fwd[:n+1], l.set[:n+1]
	clear(set)
	a[0] = 0
	set[0] = true
	for _, nd := range l.nodes {
		a[nd.end] = logSumExp(a[nd.end], nd.score+a[nd.begin], !set[nd.end])
		set[nd.end] = true
	}
	b := l.bwd[:n+1]
	b[n] = 0
	for p := n - 1; p >= 0; p-- {
		first := true
		for _, nd := range l.nodes[l.starts[p]:l.starts[p+1]] {
			b[p] = logSumExp(b[p], nd.score+b[nd.end], first)
			first = false
		}
	}
	z := a[n]
	for _, nd := range l.nodes {
		// expected is float and the product double, as in SentencePiece,
		// whose += adds in double before rounding.
		expected[nd.id] = float32(float64(expected[nd.id]) + float64(freq)*math.Exp(float64(a[nd.begin]+nd.score+b[nd.end]-z)))
	}
	return freq * z
}

// viterbi returns the best path's node indexes, in order, appended to dst.
// skip, when non-negative, is a node index left out. ok is false when no
// path remains.
func (l *lattice) viterbi(n int, skip int, dst []int32) ([]int32, bool) {
	l.grow(n)
	v, set, from := l.vit[:n+1], l.set[:n+1], l.vitNode[:n+1]
	clear(set)
	v[0] = 0
	set[0] = true
	for i, nd := range l.nodes {
		if i == skip || !set[nd.begin] {
			continue
		}
		s := v[nd.begin] + nd.score
		if !set[nd.end] || s > v[nd.end] {
			v[nd.end] = s
			from[nd.end] = int32(i)
			set[nd.end] = true
		}
	}
	if !set[n] {
		return dst, false
	}
	start := len(dst)
	for p := int32(n); p > 0; p = l.nodes[from[p]].begin {
		dst = append(dst, from[p])
	}
	slices.Reverse(dst[start:])
	return dst, true
}

func (t *unigramTrainer) workers() int {
	return max(1, min(t.o.Threads, len(t.sents)))
}

// eStep is Trainer::RunEStep.
func (t *unigramTrainer) eStep(tm *trainModel) ([]float32, float32, int64) {
	nw := t.workers()
	expected := make([][]float32, nw)
	objs := make([]float32, nw)
	ntok := make([]int64, nw)
	var all int64
	for _, s := range t.sents {
		all += s.n
	}
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			var l lattice
			exp := make([]float32, len(tm.pieces))
			var path []int32
			for i := w; i < len(t.sents); i += nw {
				s := t.sents[i]
				n := l.populate(tm, s.w)
				z := l.marginal(n, float32(s.n), exp)
				path, _ = l.viterbi(n, -1, path[:0])
				ntok[w] += int64(len(path))
				objs[w] -= z / float32(all)
			}
			expected[w] = exp
		})
	}
	wg.Wait()
	for w := 1; w < nw; w++ {
		objs[0] += objs[w]
		ntok[0] += ntok[w]
		for k, v := range expected[w] {
			expected[0][k] += v
		}
	}
	return expected[0], objs[0], ntok[0]
}

// mStep is Trainer::RunMStep: drop pieces expected less than half a time,
// and score the rest by digamma(count) - digamma(total).
func mStep(pieces []scoredPiece, expected []float32) []scoredPiece {
	out := make([]scoredPiece, 0, len(pieces))
	var sum float32
	for i, f := range expected {
		if f < 0.5 {
			continue
		}
		out = append(out, scoredPiece{pieces[i].text, f})
		sum += f
	}
	logsum := float32(digamma(float64(sum)))
	for i := range out {
		out[i].score = float32(digamma(float64(out[i].score)) - float64(logsum))
	}
	return out
}

// prune is Trainer::PruneSentencePieces: keep the pieces with no
// alternative segmentation, and of the others those whose removal (their
// occurrences resegmented into their second-best segmentation) costs the
// most likelihood, down to ShrinkingFactor of the vocabulary.
func (t *unigramTrainer) prune(tm *trainModel, desired int) []scoredPiece {
	pieces := tm.pieces
	alwaysKeep := make([]bool, len(pieces))
	alternatives := make([][]int32, len(pieces))
	var l lattice
	var path, alt []int32
	for i, p := range pieces {
		alwaysKeep[i] = true
		n := l.populate(tm, p.text)
		var ok bool
		path, _ = l.viterbi(n, -1, path[:0])
		if len(path) >= 2 {
			alwaysKeep[i] = false
			continue
		}
		// The best path is the piece itself: the second best is the best
		// path without that node, if there is one.
		whole := int(path[0])
		alt, ok = l.viterbi(n, whole, alt[:0])
		if !ok {
			continue
		}
		for _, k := range alt {
			alternatives[i] = append(alternatives[i], l.nodes[k].id)
		}
	}

	nw := t.workers()
	freqs := make([][]float32, nw)
	vsums := make([]float32, nw)
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			var l lattice
			var path []int32
			f := make([]float32, len(pieces))
			for i := w; i < len(t.sents); i += nw {
				s := t.sents[i]
				n := l.populate(tm, s.w)
				path, _ = l.viterbi(n, -1, path[:0])
				vsums[w] += float32(s.n)
				for _, k := range path {
					f[l.nodes[k].id] += float32(s.n)
				}
			}
			freqs[w] = f
		})
	}
	wg.Wait()
	freq := freqs[0]
	vsum := vsums[0]
	for w := 1; w < nw; w++ {
		vsum += vsums[w]
		for k, v := range freqs[w] {
			freq[k] += v
		}
	}
	var sum64 float64
	for _, f := range freq {
		sum64 += float64(f)
	}
	sum := float32(sum64)
	logsum := float32(math.Log(float64(sum)))
	type cand struct {
		i    int
		loss float32
	}
	var cands []cand
	var out []scoredPiece
	for i := range pieces {
		switch {
		case freq[i] == 0 || !alwaysKeep[i]:
		case len(alternatives[i]) == 0:
			out = append(out, pieces[i])
		default:
			// SentencePiece counts the sentences holding the piece, once
			// per occurrence: that is freq[i].
			F := freq[i] / vsum
			logprobSP := float32(math.Log(float64(freq[i])) - float64(logsum))
			// As in SentencePiece, which multiplies by the number of
			// pieces (alternatives.size()) rather than of alternatives.
			logsumAlt := float32(math.Log(float64(sum + freq[i]*float32(len(pieces)-1))))
			var logprobAlt float32
			for _, k := range alternatives[i] {
				logprobAlt = float32(float64(logprobAlt) + (math.Log(float64(freq[k]+freq[i])) - float64(logsumAlt)))
			}
			cands = append(cands, cand{i, F * (logprobSP - logprobAlt)})
		}
	}
	pruned := max(desired, int(float32(t.o.ShrinkingFactor)*float32(len(pieces))))
	slices.SortFunc(cands, func(a, b cand) int {
		if a.loss != b.loss {
			return cmp.Compare(b.loss, a.loss)
		}
		return cmp.Compare(a.i, b.i)
	})
	for _, c := range cands {
		if len(out) == pruned {
			break
		}
		out = append(out, pieces[c.i])
	}
	t.logf("unigram: pruned %d pieces to %d", len(pieces), len(out))
	return out
}

// finalize is Trainer::FinalizeSentencePieces: the alphabet first (absent
// characters scored just below the lowest score), then the best-scored
// pieces up to the vocabulary size, sorted by score, then piece.
func (t *unigramTrainer) finalize(tm *trainModel) []scoredPiece {
	minScore := float32(math.MaxFloat32)
	have := map[string]float32{}
	for _, p := range tm.pieces {
		have[p.text] = p.score
		minScore = min(minScore, p.score)
	}
	final := map[string]float32{}
	var penalty float32
	for _, cc := range t.required {
		s := string(cc.c)
		if sc, ok := have[s]; ok {
			final[s] = sc
		} else {
			final[s] = minScore + penalty
			penalty += 0.0001
		}
	}
	size := t.o.VocabSize - len(t.bt.meta)
	sorted := slices.Clone(tm.pieces)
	sortScored(sorted)
	for _, p := range sorted {
		if _, ok := final[p.text]; ok {
			continue
		}
		if len(final) == size {
			break
		}
		final[p.text] = p.score
	}
	out := make([]scoredPiece, 0, len(final))
	for s, sc := range final {
		out = append(out, scoredPiece{s, sc})
	}
	sortScored(out)
	return out
}

// sortScored is Sorted() of (piece, score) pairs: score descending, then
// piece ascending.
func sortScored(ps []scoredPiece) {
	slices.SortFunc(ps, func(a, b scoredPiece) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return strings.Compare(a.text, b.text)
	})
}
