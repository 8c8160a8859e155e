package fasttextstep

import (
	"fmt"

	"github.com/tokenmill/tokenmill/filters/fasttext"
	"github.com/tokenmill/tokenmill/pipeline"
)

// FastTextLangIDSpec is the "fasttext_langid" step's recipe spec: language
// ID with a fastText model, for users who have CCNet's lid.176.bin and want
// CCNet's exact decisions (the built-in langid step, on lingua-go, stays the
// default).
var FastTextLangIDSpec = pipeline.Spec{
	Name: "fasttext_langid",
	Doc: "Language ID with a fastText model (CCNet's lid.176.bin or .ftz): newlines deleted, top-1 label, " +
		"score rounded to two decimals as CCNet stores it; drops documents under threshold (langid:score<T) " +
		"and, when keep is not empty, other languages (langid:lang=xx).",
	Fields: []pipeline.Field{
		{Name: "model", Type: pipeline.TypeString, File: true, Doc: "fastText language-ID model"},
		{Name: "keep", Type: pipeline.TypeStrings, Default: []string{}, Doc: "language codes to keep; empty keeps all"},
		{Name: "threshold", Type: pipeline.TypeFloat, Default: 0.5, Min: pipeline.Bound(0), Max: pipeline.Bound(1),
			Doc: "minimum rounded score (CCNet: 0.5)"},
	},
}

// FastTextLangID is the fasttext_langid step.
type FastTextLangID struct {
	l         *fasttext.LangID
	keep      map[string]bool
	threshold float64
	low       string
}

// NewFastTextLangID returns the step over a loaded model.
func NewFastTextLangID(m *fasttext.Model, keep []string, threshold float64) (*FastTextLangID, error) {
	l, err := fasttext.NewLangID(m)
	if err != nil {
		return nil, err
	}
	s := &FastTextLangID{l: l, threshold: threshold, low: fmt.Sprintf("langid:score<%g", threshold)}
	if len(keep) > 0 {
		s.keep = map[string]bool{}
		for _, k := range keep {
			s.keep[k] = true
		}
	}
	return s, nil
}

// Name implements pipeline.Step.
func (s *FastTextLangID) Name() string { return "fasttext_langid" }

// Process implements pipeline.Step: it sets Lang and LangScore (rounded as
// CCNet stores it) and keeps or drops as CCNet's split_by_lang does.
func (s *FastTextLangID) Process(d *pipeline.Doc) (string, error) {
	lang, p := s.l.Detect(d.Text)
	d.Lang, d.LangScore = lang, float32(fasttext.CCNetScore(p))
	switch {
	case !fasttext.CCNetKeep(p, s.threshold):
		return s.low, nil
	case s.keep != nil && !s.keep[lang]:
		return "langid:lang=" + lang, nil
	}
	return "", nil
}

func registerLangID(r *pipeline.Registry) {
	r.RegisterStep(FastTextLangIDSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		m, err := readModel(env, "fasttext_langid", c.String("model"))
		if err != nil {
			return nil, err
		}
		return NewFastTextLangID(m, c.Strings("keep"), c.Float("threshold"))
	})
}
