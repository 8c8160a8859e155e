package tokenize

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TrainOptions are the spm_train flags TrainBPE honours. Field names follow
// the TrainerSpec fields they are written to.
type TrainOptions struct {
	VocabSize                 int     // all pieces, meta and byte pieces included
	CharacterCoverage         float64 // fraction of characters the alphabet covers
	MaxPieceLength            int     // max_sentencepiece_length, in characters
	MaxSentenceLength         int     // lines longer than this (bytes) are skipped
	SplitByUnicodeScript      bool
	SplitByWhitespace         bool
	SplitByNumber             bool
	SplitDigits               bool
	TreatWhitespaceAsSuffix   bool
	AllowWhitespaceOnlyPieces bool
	ByteFallback              bool
	AddDummyPrefix            bool // normalizer: identity rules
	RemoveExtraWhitespaces    bool
	UnkID, BosID, EosID       int
	PadID                     int // -1: no padding piece
	// InputName and ModelPrefix are only recorded in the TrainerSpec, as
	// spm_train records its --input and --model_prefix.
	InputName, ModelPrefix string
	Threads                int // recorded as num_threads
}

// LLaMAOptions returns LLaMA's spm_train options (vocabulary 32000, BPE,
// split digits, byte fallback, character coverage 0.99995, identity
// normalization with a dummy prefix).
func LLaMAOptions() TrainOptions {
	return TrainOptions{
		VocabSize:                 32000,
		CharacterCoverage:         0.99995,
		MaxPieceLength:            16,
		MaxSentenceLength:         4192,
		SplitByUnicodeScript:      true,
		SplitByWhitespace:         true,
		SplitByNumber:             true,
		SplitDigits:               true,
		AllowWhitespaceOnlyPieces: true,
		ByteFallback:              true,
		AddDummyPrefix:            true,
		UnkID:                     0,
		BosID:                     1,
		EosID:                     2,
		PadID:                     -1,
		InputName:                 "input.txt",
		ModelPrefix:               "tokenizer",
		Threads:                   1,
	}
}

// Characters with a meaning of their own in SentencePiece's trainer.
const (
	wsChar       = 0x2581 // ▁
	unkChar      = 0x2047 // ⁇ replaces characters outside the alphabet
	boundaryChar = 0x09   // tab, never part of the alphabet
	unkStr       = "\u2047"
)

// TrainBPE trains a BPE model on r (one sentence per line) the way spm_train
// 0.1.97 does with model_type=bpe: identity normalization, an alphabet of the
// most frequent characters up to CharacterCoverage, whitespace-split words
// weighted by count, then greedy merges of the most frequent adjacent pair
// (ties: shorter piece, then byte-wise smaller), overlapping pairs counted
// as SentencePiece 0.1.97 counts them. spm_train rescans a window of active
// pairs; TrainBPE keeps all pairs in a lazily updated priority queue, which
// picks the same pair whenever spm's window holds the true maximum.
func TrainBPE(r io.Reader, opts TrainOptions) (*Model, error) {
	if opts.MaxPieceLength <= 0 || opts.MaxPieceLength > 512 {
		return nil, fmt.Errorf("tokenize: max piece length %d out of range", opts.MaxPieceLength)
	}
	t := &bpeTrainer{opts: opts, scripts: map[rune]int16{}}
	if err := t.initMeta(); err != nil {
		return nil, err
	}
	if err := t.loadSentences(r); err != nil {
		return nil, err
	}
	t.train()
	return t.save()
}

type metaPiece struct {
	text string
	typ  PieceType
}

type bpeTrainer struct {
	opts     TrainOptions
	meta     map[int]metaPiece
	required []charCount // alphabet, sorted by count desc then code point
	reqSet   map[rune]int64
	words    []wordCount

	scripts map[rune]int16
	// unkRune replaces characters outside the alphabet; 0 means unkChar.
	unkRune rune

	// BPE state, as in bpe_model_trainer.cc, packed: symbol texts live in
	// one arena and every word's symbols in one slice.
	pages   [][]trainSym // symbols in fixed pages: growing never copies them
	nsyms   int
	arena   []byte
	scratch []byte
	charSym map[rune]int32
	cache   map[uint64]int32 // pair (left sym, right sym) -> sym, or -1: not a valid piece
	seqData []int32          // symbol ids of all words, -1 where merged away
	seqOff  []uint32         // word sid is seqData[seqOff[sid]:seqOff[sid+1]]
	wfreq   []int64
	pending []int32
	heap    []heapEntry
	final   []scoredPiece

	nCached int     // symbols in spm's symbols_cache_: characters and live pairs
	resets  []int32 // symbols whose count was invalidated since the last window update
	dirty   []int32 // self pairs in the window whose count was invalidated
	freqBuf []int64
}

type charCount struct {
	c rune
	n int64
}

type wordCount struct {
	w string
	n int64
}

type scoredPiece struct {
	text  string
	score float32
}

type trainSym struct {
	left, right int32
	off         uint32 // text is arena[off : off+blen]
	blen        uint16
	nchars      uint16
	freq        int64
	positions   []uint64
	recompute   bool
	pending     bool
	active      bool // not yet accepted or dropped as a duplicate
	isUnk       bool
	// For pairs of a symbol with itself ("aa"), whose counts depend on when
	// they are recomputed (see computeFreq): membership of spm's window of
	// active symbols, and bookkeeping to recompute them when spm does.
	self     bool
	inCache  bool
	inWindow bool
	dirty    bool
	listed   bool
}

const symPage = 1 << 12

func (t *bpeTrainer) sym(id int32) *trainSym { return &t.pages[id/symPage][id%symPage] }

func (t *bpeTrainer) newSym(s trainSym) int32 {
	if t.nsyms%symPage == 0 {
		t.pages = append(t.pages, make([]trainSym, symPage))
	}
	id := int32(t.nsyms)
	*t.sym(id) = s
	t.nsyms++
	return id
}

func (t *bpeTrainer) text(id int32) []byte {
	s := t.sym(id)
	return t.arena[s.off : s.off+uint32(s.blen)]
}

func (t *bpeTrainer) seq(sid int) []int32 { return t.seqData[t.seqOff[sid]:t.seqOff[sid+1]] }

func (t *bpeTrainer) initMeta() error {
	o := t.opts
	t.meta = map[int]metaPiece{}
	add := func(id int, text string, typ PieceType) error {
		if id < 0 {
			return nil
		}
		if id >= o.VocabSize {
			return fmt.Errorf("tokenize: id %d of %s is not below vocab size %d", id, text, o.VocabSize)
		}
		if _, dup := t.meta[id]; dup {
			return fmt.Errorf("tokenize: id %d is given to two special pieces", id)
		}
		t.meta[id] = metaPiece{text, typ}
		return nil
	}
	if o.UnkID < 0 {
		return errors.New("tokenize: unk_id must be defined")
	}
	if err := add(o.UnkID, "<unk>", Unknown); err != nil {
		return err
	}
	if err := add(o.BosID, "<s>", Control); err != nil {
		return err
	}
	if err := add(o.EosID, "</s>", Control); err != nil {
		return err
	}
	if err := add(o.PadID, "<pad>", Control); err != nil {
		return err
	}
	if o.ByteFallback {
		id := 0
		for b := 0; b < 256; b++ {
			for t.meta[id].text != "" {
				id++
			}
			if err := add(id, fmt.Sprintf("<0x%02X>", b), Byte); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadSentences is TrainerInterface::LoadSentences followed by
// SplitSentencesByWhitespace: read, skip, normalize, pick the alphabet,
// replace rare characters by ⁇, and count words.
func (t *bpeTrainer) loadSentences(r io.Reader) error {
	o := t.opts
	norm := &Model{addDummyPrefix: o.AddDummyPrefix, removeExtraWS: o.RemoveExtraWhitespaces, escapeWS: true, wsSuffix: o.TreatWhitespaceAsSuffix}
	br := bufio.NewReaderSize(r, 1<<20)
	// Words are counted as lines are read (no copy of the text is kept).
	// spm_train replaces rare characters by ⁇ before splitting into words;
	// splitting first gives the same words because the split only looks at
	// ▁, which is always in the alphabet (checked below).
	raw := map[string]int64{}
	var buf, mbuf []byte
	lineNo := 0
	// spm_train replaces the text of special pieces (<unk>, <s>, </s>,
	// <0x00>..) in its input by a tab, which never joins a piece.
	var metaTexts []string
	for _, mp := range t.meta {
		metaTexts = append(metaTexts, mp.text)
	}
	meta := newPrefixMatcher(metaTexts)
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
			if len(line) <= o.MaxSentenceLength && !strings.Contains(string(line), unkStr) {
				buf = norm.normalize(buf[:0], line)
				if meta.has(buf) {
					mbuf = meta.replace(mbuf[:0], buf)
					buf, mbuf = mbuf, buf
				}
				splitWords(buf, o.TreatWhitespaceAsSuffix, o.AllowWhitespaceOnlyPieces, func(w []byte) {
					raw[string(w)]++
				})
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("tokenize: training input line %d: %w", lineNo+1, err)
		}
	}
	// Character counts and the alphabet.
	chars := map[rune]int64{}
	var all int64
	for s, n := range raw {
		for _, c := range s {
			if c == 0 || c == ' ' || !validCodepoint(c) {
				continue
			}
			chars[c] += n
			all += n
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
	t.reqSet = map[rune]int64{}
	var acc int64
	cov := float32(o.CharacterCoverage)
	for _, cc := range sorted {
		coverage := float32(1.0 * float64(acc) / float64(all))
		if coverage >= cov {
			break
		}
		acc += cc.n
		if cc.c == boundaryChar {
			continue
		}
		t.reqSet[cc.c] = cc.n
		t.required = append(t.required, cc)
	}
	if len(t.required)+len(t.meta) >= o.VocabSize {
		return fmt.Errorf("tokenize: vocabulary size %d is smaller than the %d required characters and %d special pieces; raise it or lower the character coverage",
			o.VocabSize, len(t.required), len(t.meta))
	}
	if _, ok := t.reqSet[wsChar]; !ok && len(raw) > 0 {
		return errors.New("tokenize: U+2581 (whitespace) is not in the alphabet; the text is too small or has no spaces")
	}
	// Rare characters become ⁇; words that become equal are merged.
	words := make(map[string]int64, len(raw))
	var rb []byte
	for w, n := range raw {
		rb = rb[:0]
		changed := false
		for _, c := range w {
			if _, ok := t.reqSet[c]; !ok {
				c = unkChar
				changed = true
			}
			rb = utf8.AppendRune(rb, c)
		}
		if changed {
			words[string(rb)] += n
		} else {
			words[w] += n
		}
		delete(raw, w)
	}
	t.words = make([]wordCount, 0, len(words))
	for w, n := range words {
		t.words = append(t.words, wordCount{w, n})
	}
	slices.SortFunc(t.words, func(a, b wordCount) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return strings.Compare(a.w, b.w)
	})
	return nil
}

func trimNewline(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return b[:len(b)-1]
	}
	return b
}

func validCodepoint(c rune) bool {
	return c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF)
}

// splitWords is SentencePiece's SplitIntoWords for ▁-escaped text.
func splitWords(text []byte, wsSuffix, allowWSOnly bool, emit func([]byte)) {
	const sp = spaceSymbol
	start, end := -1, 0
	inWS := false
	flush := func() {
		if start >= 0 {
			emit(text[start:end])
		}
	}
	for i := 0; i < len(text); {
		n := min(oneCharLen(text[i]), len(text)-i)
		isWS := string(text[i:i+n]) == sp
		if wsSuffix {
			if start < 0 {
				start = i
			}
			end = i + n
			i += n
			if isWS {
				if !allowWSOnly || i >= len(text) || string(text[i:min(i+3, len(text))]) != sp {
					flush()
					start = -1
				}
			}
			continue
		}
		if i == 0 || (isWS && (!inWS || !allowWSOnly)) {
			flush()
			start = i
			inWS = true
		}
		if inWS && !isWS {
			inWS = false
		}
		end = i + n
		i += n
	}
	flush()
}

// script returns a small id for c's Unicode script as SentencePiece's
// IsValidSentencePiece sees it: kana are Han, unlisted characters Common.
func (t *bpeTrainer) script(c rune) int16 {
	if s, ok := t.scripts[c]; ok {
		return s
	}
	s := scriptOf(c)
	t.scripts[c] = s
	return s
}

var scriptNames = func() []string {
	names := make([]string, 0, len(unicode.Scripts))
	for n := range unicode.Scripts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}()

const (
	scriptAny       = -1
	scriptInherited = -2
)

func scriptOf(c rune) int16 {
	if c == 0x30FC { // the prolonged sound mark: Han for the trainers
		return scriptIndex("Han")
	}
	if name, ok := spmScript(c); ok {
		if name == "Inherited" {
			return scriptInherited
		}
		return scriptIndex(name)
	}
	return scriptOfUnicode(c)
}

// scriptOfUnicode is the script of c in Go's Unicode tables.
func scriptOfUnicode(c rune) int16 {
	if c == 0x30FC {
		return scriptIndex("Han")
	}
	for i, n := range scriptNames {
		if unicode.Is(unicode.Scripts[n], c) {
			switch n {
			case "Hiragana", "Katakana":
				return scriptIndex("Han")
			case "Inherited":
				return scriptInherited
			}
			return int16(i)
		}
	}
	return scriptIndex("Common")
}

func scriptIndex(name string) int16 {
	i, _ := slices.BinarySearch(scriptNames, name)
	return int16(i)
}

func (t *bpeTrainer) unk() rune {
	if t.unkRune != 0 {
		return t.unkRune
	}
	return unkChar
}

// validPiece is TrainerInterface::IsValidSentencePiece.
func (t *bpeTrainer) validPiece(s []byte) bool {
	o := t.opts
	n := utf8.RuneCount(s)
	if n == 0 || n > o.MaxPieceLength {
		return false
	}
	allWS := true
	for _, c := range string(s) {
		if c != wsChar {
			allWS = false
			break
		}
	}
	prev := int16(scriptAny)
	pos := 0
	for _, c := range string(s) {
		switch {
		case c == t.unk(), c == 0, c == boundaryChar, c == ' ', !validCodepoint(c):
			return false
		}
		if c == wsChar {
			if !allWS || !o.AllowWhitespaceOnlyPieces {
				if o.TreatWhitespaceAsSuffix {
					if (o.SplitByWhitespace && pos < n-1) || (!o.SplitByWhitespace && pos < n-1 && pos == 0) {
						return false
					}
				} else {
					if (o.SplitByWhitespace && pos > 0) || (!o.SplitByWhitespace && pos > 0 && pos == n-1) {
						return false
					}
				}
			}
		} else {
			s := t.script(c)
			if s == scriptInherited {
				s = prev
			}
			// is_unicode_decimal_number: ASCII and fullwidth digits.
			isNum := (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19)
			if !o.SplitByNumber && isNum {
				s = scriptAny
			}
			if o.SplitDigits && isNum && n > 1 {
				return false
			}
			if o.SplitByUnicodeScript && s != scriptAny && prev != scriptAny && prev != s {
				return false
			}
			prev = s
		}
		pos++
	}
	return true
}

// ---- the merge loop ----

type heapEntry struct {
	freq int64
	sym  int32
}

func (t *bpeTrainer) better(a, b heapEntry) bool {
	if a.freq != b.freq {
		return a.freq > b.freq
	}
	sa, sb := t.sym(a.sym), t.sym(b.sym)
	if sa.nchars != sb.nchars {
		return sa.nchars < sb.nchars
	}
	if c := bytes.Compare(t.text(a.sym), t.text(b.sym)); c != 0 {
		return c < 0
	}
	return a.sym < b.sym
}

func (t *bpeTrainer) push(e heapEntry) {
	h := append(t.heap, e)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !t.better(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	t.heap = h
}

func (t *bpeTrainer) pop() heapEntry {
	h := t.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && t.better(h[r], h[l]) {
			c = r
		}
		if !t.better(h[c], h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	t.heap = h
	return top
}

func encodePos(sid, l, r int) uint64 { return uint64(sid)<<32 | uint64(l)<<16 | uint64(r) }
func decodePos(p uint64) (sid, l, r int) {
	return int(p >> 32), int(p >> 16 & 0xFFFF), int(p & 0xFFFF)
}

func (t *bpeTrainer) charSymbol(c rune) int32 {
	if id, ok := t.charSym[c]; ok {
		return id
	}
	freq, ok := t.reqSet[c]
	if !ok {
		freq = 1
	}
	off := uint32(len(t.arena))
	t.arena = utf8.AppendRune(t.arena, c)
	id := t.newSym(trainSym{left: -1, right: -1, off: off, blen: uint16(len(t.arena) - int(off)), nchars: 1, freq: freq, isUnk: c == unkChar})
	t.charSym[c] = id
	t.nCached++
	return id
}

func symPairKey(l, r int32) uint64 { return uint64(uint32(l))<<32 | uint64(uint32(r)) }

// pairSymbol is GetPairSymbol: the cached symbol for left+right, created on
// first use, or -1 when the concatenation is not a valid piece.
func (t *bpeTrainer) pairSymbol(l, r int32) int32 {
	if l < 0 || r < 0 || t.sym(l).isUnk || t.sym(r).isUnk {
		return -1
	}
	k := symPairKey(l, r)
	if id, ok := t.cache[k]; ok {
		return id
	}
	t.scratch = append(append(t.scratch[:0], t.text(l)...), t.text(r)...)
	if !t.validPiece(t.scratch) {
		t.cache[k] = -1 // spm re-checks each time; the answer cannot change
		return -1
	}
	off := uint32(len(t.arena))
	t.arena = append(t.arena, t.scratch...)
	id := t.newSym(trainSym{left: l, right: r, off: off, blen: uint16(len(t.scratch)),
		nchars: t.sym(l).nchars + t.sym(r).nchars, recompute: true, active: true, self: l == r, inCache: true})
	t.cache[k] = id
	t.nCached++
	return id
}

func (t *bpeTrainer) computeFreq(id int32) {
	s := t.sym(id)
	if !s.recompute && s.freq > 0 { // spm recomputes whenever the count is 0
		return
	}
	s.freq = 0
	kept := s.positions[:0]
	slices.Sort(s.positions)
	prevSid, prevR := -1, -1
	for _, p := range s.positions {
		sid, l, r := decodePos(p)
		seq := t.seq(sid)
		if seq[l] != s.left || seq[r] != s.right {
			continue
		}
		if sid == prevSid && l == prevR {
			// 0.1.97 counts "AAA" once for "AA": an occurrence that
			// overlaps the last counted one is dropped for good.
			continue
		}
		kept = append(kept, p)
		prevSid, prevR = sid, r
		s.freq += t.wfreq[sid]
	}
	if cap(kept) > 2*len(kept)+32 {
		// Give back what merges consumed; position lists are most of the memory.
		kept = append([]uint64(nil), kept...)
	}
	s.positions = kept
	s.recompute = false
}

func (t *bpeTrainer) addNewPair(sid, l, r int) {
	if l < 0 || r < 0 {
		return
	}
	seq := t.seq(sid)
	id := t.pairSymbol(seq[l], seq[r])
	if id < 0 {
		return
	}
	s := t.sym(id)
	s.positions = append(s.positions, encodePos(sid, l, r))
	s.inWindow = true
	if s.self && (s.recompute || s.freq == 0) {
		t.markDirty(id)
	}
	if !s.pending {
		s.pending = true
		t.pending = append(t.pending, id)
	}
}

func (t *bpeTrainer) resetFreq(sid, l, r int, best int32) {
	if l < 0 || r < 0 {
		return
	}
	seq := t.seq(sid)
	id := t.pairSymbol(seq[l], seq[r])
	if id >= 0 && id != best {
		// Lazily: its queue entry is recomputed when it reaches the top,
		// or at the next window update, or (self pairs in the window) at
		// the next iteration, when spm would recompute it.
		s := t.sym(id)
		s.recompute = true
		if !s.listed {
			s.listed = true
			t.resets = append(t.resets, id)
		}
		if s.self && s.inWindow {
			t.markDirty(id)
		}
	}
}

func (t *bpeTrainer) markDirty(id int32) {
	if s := t.sym(id); !s.dirty {
		s.dirty = true
		t.dirty = append(t.dirty, id)
	}
}

// uncache is symbols_cache_.erase plus active_symbols_.erase.
func (t *bpeTrainer) uncache(id int32) {
	s := t.sym(id)
	delete(t.cache, symPairKey(s.left, s.right))
	if s.inCache {
		s.inCache = false
		t.nCached--
	}
	s.active = false
	s.inWindow = false
}

// updateWindow is spm's UpdateActiveSymbols, kept for its side effects on
// self pairs: every invalidated count in the cache is recomputed, and the
// window becomes the max(1000, 5% of the cache) most frequent pairs.
func (t *bpeTrainer) updateWindow() {
	for _, id := range t.resets {
		s := t.sym(id)
		s.listed = false
		if s.inCache && s.active && s.recompute {
			t.computeFreq(id)
			t.push(heapEntry{s.freq, id})
		}
	}
	t.resets = t.resets[:0]
	freqs := t.freqBuf[:0]
	for i := 0; i < t.nsyms; i++ {
		s := t.sym(int32(i))
		if s.left >= 0 && s.inCache {
			if s.freq == 0 {
				t.computeFreq(int32(i))
			}
			freqs = append(freqs, s.freq)
		}
	}
	t.freqBuf = freqs
	size := min(max(1000, int(float32(t.nCached)*0.05)), len(freqs))
	if size == 0 {
		return
	}
	cutoff := kthLargest(freqs, size)
	for i := 0; i < t.nsyms; i++ {
		s := t.sym(int32(i))
		if s.self && s.inCache {
			s.inWindow = s.freq >= cutoff
		}
	}
}

// kthLargest returns the k-th largest value (1-based) of v, reordering v.
func kthLargest(v []int64, k int) int64 {
	lo, hi := 0, len(v)-1
	k--
	for lo < hi {
		p := v[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for v[i] > p {
				i++
			}
			for v[j] < p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}

func nextIndex(seq []int32, i int) int {
	for j := i + 1; j < len(seq); j++ {
		if seq[j] >= 0 {
			return j
		}
	}
	return -1
}

func prevIndex(seq []int32, i int) int {
	for j := i - 1; j >= 0; j-- {
		if seq[j] >= 0 {
			return j
		}
	}
	return -1
}

func (t *bpeTrainer) flushPending() {
	for _, id := range t.pending {
		s := t.sym(id)
		s.pending = false
		if !s.active {
			continue
		}
		t.computeFreq(id)
		t.push(heapEntry{s.freq, id})
	}
	t.pending = t.pending[:0]
}

func (t *bpeTrainer) train() {
	t.charSym = map[rune]int32{}
	t.cache = map[uint64]int32{}
	total := 0
	for _, w := range t.words {
		total += utf8.RuneCountInString(w.w)
	}
	t.seqData = make([]int32, 0, total)
	t.seqOff = make([]uint32, 1, len(t.words)+1)
	t.wfreq = make([]int64, len(t.words))
	for sid, w := range t.words {
		for _, c := range w.w {
			t.seqData = append(t.seqData, t.charSymbol(c))
		}
		t.seqOff = append(t.seqOff, uint32(len(t.seqData)))
		t.wfreq[sid] = w.n
	}
	t.words = nil
	// Size every pair's position list exactly before filling it: they are
	// the bulk of the memory.
	var count []int32
	for sid := range t.wfreq {
		seq := t.seq(sid)
		for i := 1; i < len(seq); i++ {
			if id := t.pairSymbol(seq[i-1], seq[i]); id >= 0 {
				for int(id) >= len(count) {
					count = append(count, 0)
				}
				count[id]++
			}
		}
	}
	for id, n := range count {
		if n > 0 {
			t.sym(int32(id)).positions = make([]uint64, 0, n)
		}
	}
	count = nil
	for sid := range t.wfreq {
		seq := t.seq(sid)
		for i := 1; i < len(seq); i++ {
			t.addNewPair(sid, i-1, i)
		}
	}
	t.flushPending()
	vocab := t.opts.VocabSize - len(t.meta) - len(t.required)
	dup := map[string]struct{}{}
	for len(t.final) < vocab {
		if len(t.final)%100 == 0 {
			t.updateWindow()
		}
		for _, id := range t.dirty {
			s := t.sym(id)
			s.dirty = false
			if s.active && s.inWindow && (s.recompute || s.freq == 0) {
				t.computeFreq(id)
				t.push(heapEntry{s.freq, id})
			}
		}
		t.dirty = t.dirty[:0]
		best := int32(-1)
		for len(t.heap) > 0 {
			e := t.pop()
			s := t.sym(e.sym)
			if !s.active || e.freq != s.freq {
				continue
			}
			if s.recompute {
				t.computeFreq(e.sym)
				t.push(heapEntry{s.freq, e.sym})
				continue
			}
			best = e.sym
			break
		}
		if best < 0 {
			break
		}
		text := string(t.text(best))
		if _, seen := dup[text]; seen {
			t.uncache(best)
			continue
		}
		dup[text] = struct{}{}
		t.final = append(t.final, scoredPiece{text, -float32(len(t.final))})
		t.accept(best)
		t.flushPending()
	}
	for _, cc := range t.required {
		t.final = append(t.final, scoredPiece{string(cc.c), -float32(len(t.final))})
	}
}

// accept merges every occurrence of symbol best, in position order.
func (t *bpeTrainer) accept(best int32) {
	positions := t.sym(best).positions
	slices.Sort(positions)
	for _, p := range positions {
		sid, l, r := decodePos(p)
		seq := t.seq(sid)
		if seq[l] < 0 {
			continue // consumed by the previous overlapping occurrence
		}
		next := nextIndex(seq, r)
		prev := prevIndex(seq, l)
		t.resetFreq(sid, prev, l, best)
		t.resetFreq(sid, r, next, best)
		seq[l] = best
		seq[r] = -1
		t.addNewPair(sid, prev, l)
		t.addNewPair(sid, l, next)
	}
	t.uncache(best)
	t.sym(best).positions = nil
}

// save is TrainerInterface::Serialize: meta pieces at their ids, learned
// pieces and the alphabet in between, and the specs spm_train 0.1.97 writes.
func (t *bpeTrainer) save() (*Model, error) {
	o := t.opts
	pieces, err := placePieces(o.VocabSize, t.meta, t.final)
	if err != nil {
		return nil, err
	}
	return buildModel(o, specExtras{typ: BPE, inputFormat: "text", normName: "identity", charsmap: []byte{}, seedSize: 1000000, shrinking: 0.75, subIters: 2, inputSentenceSize: 200000000}, pieces)
}

// specExtras are the TrainerSpec and NormalizerSpec values that differ
// between the model types spm_train writes.
type specExtras struct {
	typ               ModelType
	inputFormat       string
	normName          string
	charsmap          []byte
	seedSize          int
	shrinking         float32
	subIters          int
	inputSentenceSize int
}

// buildModel writes the specs spm_train 0.1.97 writes, in its field order,
// around the pieces.
func buildModel(o TrainOptions, x specExtras, pieces []Piece) (*Model, error) {
	b2u := func(b bool) uint64 {
		if b {
			return 1
		}
		return 0
	}
	i32 := func(v int) uint64 { return uint64(int64(v)) }
	var ts message
	add := func(num int, wire int, u uint64, b string) {
		ts.fields = append(ts.fields, field{num: num, wire: wire, u: u, b: []byte(b)})
	}
	add(1, wireBytes, 0, o.InputName)
	add(2, wireBytes, 0, o.ModelPrefix)
	add(3, wireVarint, uint64(x.typ), "")
	add(4, wireVarint, i32(o.VocabSize), "")
	add(6, wireVarint, 0, "")           // self_test_sample_size
	add(7, wireBytes, 0, x.inputFormat) // input_format
	add(10, wireFixed32, uint64(math.Float32bits(float32(o.CharacterCoverage))), "")
	add(11, wireVarint, i32(x.inputSentenceSize), "")               // input_sentence_size
	add(14, wireVarint, i32(x.seedSize), "")                        // seed_sentencepiece_size
	add(15, wireFixed32, uint64(math.Float32bits(x.shrinking)), "") // shrinking_factor
	add(16, wireVarint, i32(max(o.Threads, 1)), "")
	add(17, wireVarint, i32(x.subIters), "") // num_sub_iterations
	add(18, wireVarint, i32(o.MaxSentenceLength), "")
	add(19, wireVarint, 1, "") // shuffle_input_sentence
	add(20, wireVarint, i32(o.MaxPieceLength), "")
	add(21, wireVarint, b2u(o.SplitByUnicodeScript), "")
	add(22, wireVarint, b2u(o.SplitByWhitespace), "")
	add(23, wireVarint, b2u(o.SplitByNumber), "")
	add(24, wireVarint, b2u(o.TreatWhitespaceAsSuffix), "")
	add(25, wireVarint, b2u(o.SplitDigits), "")
	add(26, wireVarint, b2u(o.AllowWhitespaceOnlyPieces), "")
	add(32, wireVarint, 1, "") // vocabulary_output_piece_score
	add(33, wireVarint, 1, "") // hard_vocab_limit
	add(34, wireVarint, 0, "") // use_all_vocab
	add(35, wireVarint, b2u(o.ByteFallback), "")
	add(36, wireBytes, 0, "") // required_chars
	add(40, wireVarint, i32(o.UnkID), "")
	add(41, wireVarint, i32(o.BosID), "")
	add(42, wireVarint, i32(o.EosID), "")
	add(43, wireVarint, i32(o.PadID), "")
	add(44, wireBytes, 0, defaultUnkSurface)
	add(45, wireBytes, 0, "<unk>")
	add(46, wireBytes, 0, "<s>")
	add(47, wireBytes, 0, "</s>")
	add(48, wireBytes, 0, "<pad>")
	add(49, wireVarint, 0, "") // train_extremely_large_corpus
	add(50, wireVarint, 0, "") // (0.1.97 writes these three as zero)
	add(51, wireFixed32, 0, "")
	add(52, wireVarint, 0, "")
	var ns message
	ns.fields = []field{
		{num: nsName, wire: wireBytes, b: []byte(x.normName)},
		{num: nsCharsmap, wire: wireBytes, b: x.charsmap},
		{num: nsAddDummyPrefix, wire: wireVarint, u: b2u(o.AddDummyPrefix)},
		{num: nsRemoveExtraWS, wire: wireVarint, u: b2u(o.RemoveExtraWhitespaces)},
		{num: 6, wire: wireBytes, b: []byte{}},
	}
	return newModel(pieces, ts, ns)
}

// ErrVocabTooHigh is returned by the trainers when the text yields fewer
// pieces than the vocabulary size asks for (spm_train's hard_vocab_limit).
var ErrVocabTooHigh = errors.New("tokenize: vocabulary size too high")

// placePieces is the piece loop of TrainerInterface::Serialize: meta pieces
// at their ids, the learned pieces in order in the ids left.
func placePieces(vocabSize int, meta map[int]metaPiece, final []scoredPiece) ([]Piece, error) {
	var pieces []Piece
	fid := 0
	for id := 0; id < vocabSize; id++ {
		if mp, ok := meta[id]; ok {
			pieces = append(pieces, Piece{Text: mp.text, Score: 0, Type: mp.typ})
		} else if fid < len(final) {
			pieces = append(pieces, Piece{Text: final[fid].text, Score: final[fid].score, Type: Normal})
			fid++
		}
	}
	if len(pieces) < vocabSize {
		// spm_train fails the same way (hard_vocab_limit).
		return nil, fmt.Errorf("%w (%d): the text yields %d pieces", ErrVocabTooHigh, vocabSize, len(pieces))
	}
	return pieces, nil
}
