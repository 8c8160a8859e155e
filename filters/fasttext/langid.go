package fasttext

import (
	"fmt"
	"math"
	"strings"
)

// LangID serves a fastText language-identification model, such as CCNet's
// lid.176.bin or lid.176.ftz, the way CCNet's split_by_lang.Classifier uses
// it: the newlines of the text are deleted (not replaced by spaces), the
// text is predicted as one line, and the top label loses its "__label__"
// prefix. With the same model file, Detect gives CCNet's language and score.
// A LangID is safe for concurrent use.
type LangID struct {
	m *Model
}

// NewLangID wraps m, whose labels must carry the "__label__" prefix.
func NewLangID(m *Model) (*LangID, error) {
	for _, l := range m.Labels() {
		if !strings.HasPrefix(l, LabelPrefix) {
			return nil, fmt.Errorf("fasttext: language model label %q lacks the %q prefix", l, LabelPrefix)
		}
	}
	return &LangID{m: m}, nil
}

// Detect returns the most probable language of text (e.g. "en") and its
// probability as fastText reports it. It returns ("", 0) for an empty text,
// which CCNet drops before it predicts.
func (l *LangID) Detect(text string) (lang string, prob float32) {
	if text == "" {
		return "", 0
	}
	s := l.m.getState()
	buf := s.text[:0]
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			buf = append(buf, text[i:]...)
			break
		}
		buf = append(buf, text[i:i+j]...)
		i += j + 1
	}
	s.text = buf
	var one [1]Prediction
	p := l.m.predict(s, one[:0], buf, true, 1, 0)
	l.m.states.Put(s)
	if len(p) == 0 {
		return "", 0
	}
	return p[0].Label[len(LabelPrefix):], p[0].Prob
}

// CCNetScore rounds a probability as CCNet stores it: numpy's round to two
// decimals (half to even) of the float64 value.
func CCNetScore(prob float32) float64 {
	return math.RoundToEven(float64(prob)*100) / 100
}

// CCNetKeep is CCNet's language-ID decision for a top-1 prediction: keep the
// document when its rounded score reaches threshold (CCNet's default 0.5).
func CCNetKeep(prob float32, threshold float64) bool {
	return !(CCNetScore(prob) < threshold)
}
