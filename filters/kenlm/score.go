package kenlm

// State is the context a word is scored in: the most recent words first and
// the backoff of each context suffix, as in KenLM's lm::ngram::State. Its
// length never exceeds order-1 and only covers words that can still extend
// a match, so equal States give equal scores. The zero State is the empty
// context (KenLM's NullContextState).
type State struct {
	n       int
	words   [MaxOrder - 1]uint32
	backoff [MaxOrder - 1]float32
}

// Len returns the number of context words the state keeps.
func (s *State) Len() int { return s.n }

// BeginSentence returns the context "<s>" (KenLM's BeginSentenceState).
func (m *Model) BeginSentence() State {
	var s State
	if m.order > 1 {
		s.n = 1
		s.words[0] = m.bos
		if m.bin != nil {
			s.backoff[0] = m.bin.unigramBackoff(m.bos)
		} else {
			s.backoff[0] = m.uniBackoff[m.bos]
		}
	}
	return s
}

// ScoreWord returns log10 p(w | in) and fills out with the context that
// follows w; in and out must not be the same State. The value is KenLM's
// FullScore: the probability of the longest stored n-gram ending in w plus
// the backoffs of the longer context suffixes, added in float32 in the same
// order as KenLM.
func (m *Model) ScoreWord(in *State, w uint32, out *State) float32 {
	if m.bin != nil {
		return m.bin.scoreWord(in, w, out)
	}
	p := m.uniProb[w]
	matched := 1
	if m.order > 1 {
		out.backoff[0] = m.uniBackoff[w]
		cur := w
		top := m.order - 2
		for k := 0; k < in.n; k++ {
			t := &m.tables[k]
			if k == top {
				if i := t.find(cur, in.words[k]); i >= 0 {
					p = t.top[i].prob
					matched = k + 2
				}
				break
			}
			i := t.find(cur, in.words[k])
			if i < 0 {
				break
			}
			s := &t.mid[i]
			p = s.prob
			out.backoff[k+1] = s.backoff
			cur = uint32(i)
			matched = k + 2
		}
	}
	for j := matched - 1; j < in.n; j++ {
		p += in.backoff[j]
	}
	n := matched
	if n > m.order-1 {
		n = m.order - 1
	}
	if n > 0 {
		out.words[0] = w
		copy(out.words[1:n], in.words[:n-1])
	}
	out.n = n
	return p
}

// Score returns log10 p(pieces) and the number of pieces scored as <unk>
// (those not in the vocabulary, and <unk> itself, as KenLM's query counts). With bos the context starts as <s>; with
// eos the probability of </s> is included. Both true is KenLM's query and
// Python's Model.score(s) default; both false is query -n. Per-word values
// are float32 as in KenLM and their total is added in float64, so it matches
// the exact sum of KenLM's per-word values (KenLM's own float32 total drifts
// from it by up to 1e-3 on lines of thousands of words).
func (m *Model) Score(pieces []string, bos, eos bool) (log10 float64, oov int) {
	var st [2]State
	if bos {
		st[0] = m.BeginSentence()
	}
	cur := 0
	for _, p := range pieces {
		id := m.lookup(p)
		if id == m.unk { // a literal <unk> counts too, as in KenLM's query
			oov++
		}
		log10 += float64(m.ScoreWord(&st[cur], id, &st[1-cur]))
		cur = 1 - cur
	}
	if eos {
		log10 += float64(m.ScoreWord(&st[cur], m.eos, &st[1-cur]))
	}
	return log10, oov
}

// ScoreLine is Score on a line of space-separated pieces, split as KenLM
// splits them (on space, \t, \n, \v, \f and \r); it does not allocate. It
// also returns the number of pieces.
func (m *Model) ScoreLine(line string, bos, eos bool) (log10 float64, tokens, oov int) {
	log10, _, tokens, oov = m.scoreLine(line, bos, eos)
	return log10, tokens, oov
}

// ScoreLineFloat32 is ScoreLine with the total KenLM's query prints: the
// same per-word values added up in float32, in the same order, so it is
// KenLM's "Total:" to the bit (and drifts from the exact sum on long lines,
// by about 1e-6 of the total).
func (m *Model) ScoreLineFloat32(line string, bos, eos bool) (total float32, tokens, oov int) {
	_, total, tokens, oov = m.scoreLine(line, bos, eos)
	return total, tokens, oov
}

func (m *Model) scoreLine(line string, bos, eos bool) (log10 float64, total float32, tokens, oov int) {
	var st [2]State
	if bos {
		st[0] = m.BeginSentence()
	}
	cur := 0
	i := 0
	for i < len(line) {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j == i {
			break
		}
		id := m.lookup(line[i:j])
		if id == m.unk {
			oov++
		}
		tokens++
		p := m.ScoreWord(&st[cur], id, &st[1-cur])
		log10 += float64(p)
		total += p
		cur = 1 - cur
		i = j
	}
	if eos {
		p := m.ScoreWord(&st[cur], m.eos, &st[1-cur])
		log10 += float64(p)
		total += p
	}
	return log10, total, tokens, oov
}
