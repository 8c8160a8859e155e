package kenlm

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// Normalizer turns raw text into the form the model was trained on; for
// CCNet models that is cc_net's text_normalizer.normalize. It must be safe
// for concurrent use if the DocScorer is used concurrently.
type Normalizer func(string) string

// Encoder splits normalised text into SentencePiece pieces, as
// sentencepiece's encode_as_pieces does. It must be safe for concurrent use
// if the DocScorer is used concurrently.
type Encoder interface {
	EncodeAsPieces(text string) []string
}

// IDEncoder is an Encoder that also encodes to vocabulary ids, as
// tokenize.Model does. With one, DocScorer scores a whole document from ids
// through a table from piece id to LM word, built once, instead of making,
// joining and re-splitting a string per piece; the result is the same.
type IDEncoder interface {
	Encoder
	VocabSize() int
	UnkID() int32
	IDToPiece(id int32) string
	AppendEncode(dst []int32, text []byte) []int32
}

// AppendNormalizer appends the normalised text to dst: the allocation-free
// form of a Normalizer, used on DocScorer's id path. It must give the bytes
// the Normalizer gives.
type AppendNormalizer func(dst []byte, text string) []byte

// DocScorer computes CCNet's document perplexity: normalise, encode, score
// with <s> and </s>, pp = 10^(-Σ log10 p / Σ (pieces+1)) rounded to 0.1.
//
// By default the whole document is one sentence. That is what cc_net does:
// its normalize deletes control characters, newlines included, before
// DocLM splits on "\n", so a document reaches KenLM as a single line (and the
// last word of a line is glued to the first of the next). With PerLine,
// the raw text is split on "\n" first and each line is normalised, encoded
// and scored as its own sentence, as DocLM would do on text whose newlines
// survived; empty lines count, as in DocLM (p(</s> | <s>), length 1).
type DocScorer struct {
	LM *Model
	// Normalize is applied before encoding; nil leaves the text as it is.
	Normalize Normalizer
	// Encoder gives the pieces; nil means the text already is pieces
	// separated by ASCII whitespace.
	Encoder Encoder
	// AppendNormalize, when set, is used instead of Normalize on the id
	// path (an IDEncoder and whole-document scoring) to save an allocation.
	AppendNormalize AppendNormalizer
	// PerLine scores each line as a sentence instead of the whole text.
	PerLine bool

	idOnce sync.Once
	ids    *idPath // nil when the Encoder is no IDEncoder
}

// DocScore is the score of one document.
type DocScore struct {
	LogProb float64 // Σ log10 p over all sentences, </s> included
	Pieces  int     // pieces scored, </s> excluded
	Length  int     // Σ (pieces + 1): the perplexity's denominator
	OOV     int     // pieces not in the vocabulary
	// Perplexity is 10^(-LogProb/Length) rounded to 0.1 as CCNet stores it.
	Perplexity float64
}

// Score scores one document. It is safe for concurrent use when the
// Normalizer and Encoder are. A DocScorer must not be copied after its
// first Score.
func (d *DocScorer) Score(text string) DocScore {
	var s DocScore
	if !d.PerLine {
		d.idOnce.Do(d.initIDs)
		if d.ids != nil && d.ids.score(d, &s, text) {
			s.Perplexity = roundPP(rawPerplexity(s.LogProb, s.Length))
			return s
		}
		s = DocScore{}
	}
	if d.PerLine {
		for line := range strings.SplitSeq(text, "\n") {
			d.addSentence(&s, line)
		}
	} else {
		d.addSentence(&s, text)
	}
	s.Perplexity = roundPP(rawPerplexity(s.LogProb, s.Length))
	return s
}

func (d *DocScorer) addSentence(s *DocScore, text string) {
	if d.Normalize != nil {
		text = d.Normalize(text)
	}
	if d.Encoder != nil {
		// cc_net joins the pieces with spaces and KenLM splits the line
		// again; scoring the joined line keeps that behaviour exactly.
		text = strings.Join(d.Encoder.EncodeAsPieces(text), " ")
	}
	lp, n, oov := d.LM.ScoreLine(text, true, true)
	s.LogProb += lp
	s.Pieces += n
	s.Length += n + 1
	s.OOV += oov
}

// DocPerplexity is CCNet's perplexity of a document scored as one sentence
// of nPieces pieces with total log10 probability sum (</s> included):
// 10^(-sum/(nPieces+1)) rounded to one decimal as Python's round does.
func DocPerplexity(sum float64, nPieces int) float64 {
	return roundPP(rawPerplexity(sum, nPieces+1))
}

func rawPerplexity(sum float64, length int) float64 {
	return math.Pow(10, -sum/float64(length))
}

// roundPP rounds to one decimal as Python's round(x, 1): to the nearest
// decimal of the exact binary value, ties to even, returned as the nearest
// double. strconv's correctly rounded formatting does exactly that.
func roundPP(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 1, 64), 64)
	return r
}
