package kenlm

import (
	"strings"
	"sync"
)

// idPath scores whole documents from an IDEncoder's ids. Each piece id maps
// to the LM word its piece spells (the LM's <unk> where the LM lacks it), so
// the sum is exactly what ScoreLine gives on the pieces joined by spaces.
// Ids whose piece cannot be mapped once for all are marked slow and send
// the document to the string path: the unknown piece (its text is the input
// it covers) and pieces that are empty or hold whitespace (KenLM would split
// them).
type idPath struct {
	enc     IDEncoder
	word    []uint32
	slow    []bool
	scratch sync.Pool // *idScratch
}

type idScratch struct {
	norm []byte
	ids  []int32
}

func (d *DocScorer) initIDs() {
	enc, ok := d.Encoder.(IDEncoder)
	if !ok {
		return
	}
	p := &idPath{enc: enc, word: make([]uint32, enc.VocabSize()), slow: make([]bool, enc.VocabSize())}
	for id := range p.word {
		piece := enc.IDToPiece(int32(id))
		p.word[id], _ = d.LM.Index(piece)
		p.slow[id] = int32(id) == enc.UnkID() || piece == "" || strings.ContainsAny(piece, " \t\n\v\f\r")
	}
	d.ids = p
}

// score fills s for text scored as one sentence; ok is false where a piece
// needs the string path.
func (p *idPath) score(d *DocScorer, s *DocScore, text string) (ok bool) {
	sc, _ := p.scratch.Get().(*idScratch)
	if sc == nil {
		sc = &idScratch{}
	}
	defer p.scratch.Put(sc)
	switch {
	case d.AppendNormalize != nil:
		sc.norm = d.AppendNormalize(sc.norm[:0], text)
	case d.Normalize != nil:
		sc.norm = append(sc.norm[:0], d.Normalize(text)...)
	default:
		sc.norm = append(sc.norm[:0], text...)
	}
	sc.ids = p.enc.AppendEncode(sc.ids[:0], sc.norm)
	lm := d.LM
	var st [2]State
	st[0] = lm.BeginSentence()
	cur := 0
	for _, id := range sc.ids {
		if id < 0 || int(id) >= len(p.word) || p.slow[id] {
			return false
		}
		w := p.word[id]
		if w == lm.unk {
			s.OOV++
		}
		s.LogProb += float64(lm.ScoreWord(&st[cur], w, &st[1-cur]))
		cur = 1 - cur
	}
	s.LogProb += float64(lm.ScoreWord(&st[cur], lm.eos, &st[1-cur]))
	s.Pieces = len(sc.ids)
	s.Length = len(sc.ids) + 1
	return true
}
