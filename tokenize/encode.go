package tokenize

import (
	"sync"
)

// span is one piece of the model's raw segmentation: bytes [start,end) of
// the normalized text and the id SentencePiece's model would return.
type span struct {
	start, end int32
	id         int32
}

// encoder holds the buffers one Encode call needs; encoders are pooled per
// model so that concurrent calls share nothing and steady state allocates
// only the returned slice.
type encoder struct {
	norm     []byte
	syms     []bpeSymbol
	heap     []bpePair
	spans    []span
	best     []bestNode
	revMerge map[string][2]string
	cache    wordCache // BPE: ids of recent words
	pairs    pairCache // BPE: recent merge-table answers
}

type encoderPool struct{ p sync.Pool }

func (m *Model) getEncoder() *encoder {
	if e, ok := m.pool.p.Get().(*encoder); ok {
		return e
	}
	return &encoder{}
}

func (m *Model) putEncoder(e *encoder) {
	if cap(e.norm) > 1<<20 { // do not pin buffers sized for one huge document
		e.norm, e.syms, e.heap, e.spans, e.best = nil, nil, nil, nil, nil
	}
	m.pool.p.Put(e)
}

// Encode returns the ids SentencePiece's Encode gives for text (no BOS or
// EOS). It is safe for concurrent use.
func (m *Model) Encode(text string) []int32 {
	return m.AppendEncode(nil, []byte(text))
}

// EncodeBytes is Encode for a byte slice; text is not retained.
func (m *Model) EncodeBytes(text []byte) []int32 { return m.AppendEncode(nil, text) }

// AppendEncode appends the ids of text to dst and returns the extended slice.
// It is the allocation-free form of Encode for callers that reuse dst.
func (m *Model) AppendEncode(dst []int32, text []byte) []int32 {
	e := m.getEncoder()
	defer m.putEncoder(e)
	e.norm = m.normalize(e.norm[:0], text)
	e.spans = e.spans[:0]
	if len(e.norm) == 0 {
		return dst
	}
	switch m.typ {
	case BPE:
		if m.wordSplit {
			return m.appendBPEWords(dst, e)
		}
		m.encodeBPE(e)
	case Unigram:
		m.encodeUnigram(e)
	}
	return m.postprocess(dst, e)
}

// postprocess applies SentencePieceProcessor's rules to the model's raw
// segmentation: an unknown piece becomes its UTF-8 bytes when byte_fallback
// is on, and otherwise a run of unknown pieces becomes one <unk>.
func (m *Model) postprocess(dst []int32, e *encoder) []int32 {
	prevUnk := false
	for _, s := range e.spans {
		isUnk := s.id == m.unkID
		switch {
		case isUnk && m.byteFallback:
			for _, b := range e.norm[s.start:s.end] {
				dst = append(dst, m.byteID[b])
			}
		case isUnk && prevUnk:
			// merged into the previous <unk>
		default:
			dst = append(dst, s.id)
		}
		prevUnk = isUnk
	}
	return dst
}

// EncodePieces returns the vocabulary pieces of Encode(text) (IDToPiece of
// each id). Byte pieces read "<0xNN>" as in spm_encode --output_format=piece;
// an unknown piece reads "<unk>", where spm_encode prints the text it covers
// (EncodeAsPieces does that).
func (m *Model) EncodePieces(text string) []string {
	ids := m.Encode(text)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = m.pieces[id].Text
	}
	return out
}

// EncodeAsPieces returns what SentencePiece's EncodeAsPieces (and spm_encode
// --output_format=piece, and CCNet's tokenizer) returns: the pieces of
// Encode(text), except that an unknown piece is the normalized text it
// covers (a run of them, merged as Encode merges their <unk> ids) rather
// than "<unk>". N-gram models trained on such output have those surfaces as
// words, so a perplexity scorer must see them too.
func (m *Model) EncodeAsPieces(text string) []string {
	ids := m.Encode(text)
	unk := false
	for _, id := range ids {
		unk = unk || id == m.unkID
	}
	if !unk {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = m.pieces[id].Text
		}
		return out
	}
	// Redo the raw segmentation, which keeps each piece's span.
	e := m.getEncoder()
	defer m.putEncoder(e)
	e.norm = m.normalize(e.norm[:0], []byte(text))
	e.spans = e.spans[:0]
	switch m.typ {
	case BPE:
		m.encodeBPE(e)
	case Unigram:
		m.encodeUnigram(e)
	}
	out := make([]string, 0, len(ids))
	prevUnk := false
	for _, s := range e.spans {
		isUnk := s.id == m.unkID
		surface := string(e.norm[s.start:s.end])
		switch {
		case isUnk && m.byteFallback:
			for _, b := range e.norm[s.start:s.end] {
				out = append(out, m.pieces[m.byteID[b]].Text)
			}
		case isUnk && prevUnk:
			out[len(out)-1] += surface
		case isUnk:
			out = append(out, surface)
		default:
			out = append(out, m.pieces[s.id].Text)
		}
		prevUnk = isUnk
	}
	return out
}

// ---- BPE ----

type bpeSymbol struct {
	start, len int32 // bytes of the normalized text; len 0 once merged away
	prev, next int32
	id         int32 // merge-table symbol id, -1 when it can merge with nothing
	freeze     bool
}

type bpePair struct {
	score       float32
	left, right int32
	size        int32
	id          int32 // the merged piece
}

// before orders the agenda as SentencePiece's SymbolPairComparator does:
// higher score first, then the leftmost pair.
func (a *bpePair) before(b *bpePair) bool {
	return a.score > b.score || (a.score == b.score && a.left < b.left)
}

func heapPush(h []bpePair, p bpePair) []bpePair {
	h = append(h, p)
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h[i].before(&h[parent]) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
	return h
}

func heapPop(h []bpePair) (bpePair, []bpePair) {
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && h[r].before(&h[l]) {
			c = r
		}
		if !h[c].before(&h[i]) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	return top, h
}

// encodeBPE is bpe::Model::Encode of SentencePiece 0.1.97: split into
// characters (user-defined pieces stay whole and frozen), then repeatedly
// merge the adjacent pair whose concatenation is the best-scoring piece.
func (m *Model) encodeBPE(e *encoder) {
	m.encodeBPERange(e, 0, len(e.norm))
}

// appendBPEWords encodes e.norm word by word, where a word starts at a U+2581
// that follows another character, and caches the ids of words without
// unknown pieces. Only valid when m.wordSplit.
func (m *Model) appendBPEWords(dst []int32, e *encoder) []int32 {
	norm := e.norm
	prevUnk := false
	for lo := 0; lo < len(norm); {
		hi := lo + 1
		for hi < len(norm) {
			if norm[hi] == 0xE2 && hi+2 < len(norm) && norm[hi+1] == 0x96 && norm[hi+2] == 0x81 &&
				!(hi >= 3 && norm[hi-3] == 0xE2 && norm[hi-2] == 0x96 && norm[hi-1] == 0x81) {
				break
			}
			hi++
		}
		word := norm[lo:hi]
		if c, ok := e.cache.get(word); ok {
			dst = append(dst, c...)
			prevUnk = false
			lo = hi
			continue
		}
		e.spans = e.spans[:0]
		m.encodeBPERange(e, lo, hi)
		first := len(dst)
		hasUnk := false
		for _, s := range e.spans {
			isUnk := s.id == m.unkID
			switch {
			case isUnk && m.byteFallback:
				for _, b := range norm[s.start:s.end] {
					dst = append(dst, m.byteID[b])
				}
			case isUnk && prevUnk:
			default:
				dst = append(dst, s.id)
			}
			prevUnk = isUnk
			hasUnk = hasUnk || isUnk
		}
		if !hasUnk && len(word) <= maxCachedWord {
			e.cache.put(word, dst[first:])
		}
		lo = hi
	}
	return dst
}

// maxCachedWord bounds the words worth caching: long ones rarely repeat.
const maxCachedWord = 64

// smallWord is the symbol count up to which a linear scan for the best
// pair beats the priority queue.
const smallWord = 32

type smallSym struct {
	start, len int32
	id         int32 // merge-table symbol id
	freeze     bool
	pair       int32 // piece id of this symbol + the next, or -1
	score      float32
}

// encodeBPESmall is encodeBPERange for short words: the best pair is found by
// scanning the current pairs left to right (highest score, leftmost on ties),
// the order the priority queue would give.
func (m *Model) encodeBPESmall(e *encoder, lo, hi int) bool {
	norm := e.norm[:hi]
	mt := m.merges
	var buf [smallWord]smallSym
	syms := buf[:0]
	for i := lo; i < len(norm); {
		if len(syms) == smallWord {
			return false
		}
		n := 0
		freeze := false
		if m.user != nil {
			if n = m.user.match(norm[i:]); n > 0 {
				freeze = true
			}
		}
		if n == 0 {
			n = min(oneCharLen(norm[i]), len(norm)-i)
		}
		syms = append(syms, smallSym{start: int32(i), len: int32(n), freeze: freeze, id: mt.symbol(norm[i : i+n]), pair: -1})
		i += n
	}
	setPair := func(i int) {
		a, b := &syms[i], &syms[i+1]
		a.pair = -1
		if a.freeze || b.freeze {
			return
		}
		a.pair, a.score = e.pairs.merge(mt, a.id, b.id)
	}
	for i := 0; i+1 < len(syms); i++ {
		setPair(i)
	}
	for {
		best := -1
		for i := 0; i+1 < len(syms); i++ {
			if syms[i].pair >= 0 && (best < 0 || syms[i].score > syms[best].score) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		a := &syms[best]
		a.len += syms[best+1].len
		a.id = a.pair
		syms = append(syms[:best+1], syms[best+2:]...)
		if best+1 < len(syms) {
			setPair(best)
		} else {
			a.pair = -1
		}
		if best > 0 {
			setPair(best - 1)
		}
	}
	for _, s := range syms {
		id := s.id
		if id < 0 || int(id) >= len(m.pieces) {
			id = m.PieceToID(string(norm[s.start : s.start+s.len]))
		}
		e.spans = append(e.spans, span{start: s.start, end: s.start + s.len, id: id})
	}
	return true
}

// encodeBPERange runs the merge loop over norm[lo:hi] and appends its spans.
func (m *Model) encodeBPERange(e *encoder, lo, hi int) {
	if !m.hasUnused && hi-lo <= 4*smallWord && m.encodeBPESmall(e, lo, hi) {
		return
	}
	norm := e.norm[:hi]
	mt := m.merges
	syms := e.syms[:0]
	for i := lo; i < len(norm); {
		n := 0
		freeze := false
		if m.user != nil {
			if n = m.user.match(norm[i:]); n > 0 {
				freeze = true
			}
		}
		if n == 0 {
			n = min(oneCharLen(norm[i]), len(norm)-i)
		}
		idx := int32(len(syms))
		syms = append(syms, bpeSymbol{start: int32(i), len: int32(n), prev: idx - 1, next: idx + 1, freeze: freeze, id: mt.symbol(norm[i : i+n])})
		i += n
	}
	syms[len(syms)-1].next = -1
	e.syms = syms
	h := e.heap[:0]
	if e.revMerge != nil {
		clear(e.revMerge)
	}
	hasUnused := false
	addPair := func(left, right int32) {
		if left < 0 || right < 0 {
			return
		}
		l, r := &syms[left], &syms[right]
		if l.freeze || r.freeze {
			return
		}
		id, _ := mt.merge(l.id, r.id)
		if id < 0 {
			return
		}
		p := &m.pieces[id]
		h = heapPush(h, bpePair{score: p.Score, left: left, right: right, size: l.len + r.len, id: id})
		if p.Type == Unused {
			if e.revMerge == nil {
				e.revMerge = map[string][2]string{}
			}
			hasUnused = true
			e.revMerge[p.Text] = [2]string{string(norm[l.start : l.start+l.len]), string(norm[r.start : r.start+r.len])}
		}
	}
	for i := int32(1); i < int32(len(syms)); i++ {
		addPair(i-1, i)
	}
	for len(h) > 0 {
		var top bpePair
		top, h = heapPop(h)
		l, r := &syms[top.left], &syms[top.right]
		if l.len == 0 || r.len == 0 || l.len+r.len != top.size {
			continue
		}
		l.len += r.len
		l.id = top.id
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = top.left
		}
		r.len = 0
		addPair(l.prev, top.left)
		addPair(top.left, l.next)
	}
	e.heap = h
	for i := int32(0); i != -1; i = syms[i].next {
		s := &syms[i]
		if hasUnused {
			m.resegment(e, string(norm[s.start:s.start+s.len]), s.start)
			continue
		}
		id := s.id
		if id < 0 || int(id) >= len(m.pieces) {
			id = m.PieceToID(string(norm[s.start : s.start+s.len]))
		}
		e.spans = append(e.spans, span{start: s.start, end: s.start + s.len, id: id})
	}
}

// resegment splits a piece of type UNUSED back into the pieces it was merged
// from, recursively, as SentencePiece does.
func (m *Model) resegment(e *encoder, w string, start int32) {
	id := m.PieceToID(w)
	if m.pieces[id].Type == Unused {
		if p, ok := e.revMerge[w]; ok {
			m.resegment(e, p[0], start)
			m.resegment(e, p[1], start+int32(len(p[0])))
			return
		}
	}
	e.spans = append(e.spans, span{start: start, end: start + int32(len(w)), id: id})
}

// ---- Unigram ----

type bestNode struct {
	id       int32
	score    float32
	startsAt int32
}

const unkPenalty = 10.0

// encodeUnigram is unigram::Model::EncodeOptimized of SentencePiece 0.1.97:
// a Viterbi pass over the trie matches at each character boundary, with an
// unknown-piece candidate for characters no piece covers.
func (m *Model) encodeUnigram(e *encoder) {
	norm := e.norm
	size := len(norm)
	unkScore := m.minScore - unkPenalty
	best := e.best[:0]
	for i := 0; i <= size; i++ {
		best = append(best, bestNode{id: -1, startsAt: -1})
	}
	for startsAt := 0; startsAt < size; {
		base := best[startsAt].score
		hasSingle := false
		mblen := min(oneCharLen(norm[startsAt]), size-startsAt)
		node := int32(0)
		for keyPos := startsAt; keyPos < size; {
			var ok bool
			node, ok = m.trie.step(node, norm[keyPos])
			if !ok {
				break
			}
			keyPos++
			id := m.trie.value[node]
			if id < 0 {
				continue
			}
			kind := m.trie.kind[id]
			if kind == kindUnused {
				continue
			}
			length := keyPos - startsAt
			// SentencePiece's score here is a double (the ternary mixes
			// float and double), so the sum and the comparison are in
			// double precision and ties between paths break like theirs.
			var score float64
			if kind == kindUser {
				score = float64(float32(length)*m.maxScore) - 0.1
			} else {
				score = float64(m.trie.score[id])
			}
			cand := score + float64(base)
			t := &best[keyPos]
			if t.startsAt == -1 || cand > float64(t.score) {
				t.score = float32(cand)
				t.startsAt = int32(startsAt)
				t.id = id
			}
			if !hasSingle && length == mblen {
				hasSingle = true
			}
		}
		if !hasSingle {
			t := &best[startsAt+mblen]
			cand := unkScore + base
			if t.startsAt == -1 || cand > t.score {
				t.score = cand
				t.startsAt = int32(startsAt)
				t.id = m.unkID
			}
		}
		startsAt += mblen
	}
	e.best = best
	// Backtrack, then reverse into spans.
	first := len(e.spans)
	for end := size; end > 0; {
		n := best[end]
		e.spans = append(e.spans, span{start: n.startsAt, end: int32(end), id: n.id})
		end = int(n.startsAt)
	}
	s := e.spans[first:]
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// pairCache is a small direct-mapped cache in front of the merge table: the
// few thousand pairs of common characters answer from L1 instead of a
// probe into a megabyte-sized table.
type pairCache struct {
	e [2048]pairCacheEntry
}

type pairCacheEntry struct {
	key   uint64
	id    int32
	score float32
}

func (c *pairCache) merge(mt *mergeTable, a, b int32) (int32, float32) {
	if a < 0 || b < 0 {
		return -1, 0
	}
	k := pairKey(a, b)
	slot := &c.e[(k*0x9E3779B97F4A7C15)>>53]
	if slot.key == k {
		return slot.id, slot.score
	}
	id, score := mt.merge(a, b)
	*slot = pairCacheEntry{k, id, score}
	return id, score
}
