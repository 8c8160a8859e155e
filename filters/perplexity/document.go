package perplexity

import (
	"math"
	"strconv"
	"strings"
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
	// PerLine scores each line as a sentence instead of the whole text.
	PerLine bool
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
// Normalizer and Encoder are.
func (d *DocScorer) Score(text string) DocScore {
	var s DocScore
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
