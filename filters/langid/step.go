package langid

import (
	"fmt"
	"strings"

	"github.com/pemistahl/lingua-go"

	"github.com/tokenmill/tokenmill/pipeline"
)

// Spec is the "langid" step's recipe spec.
var Spec = pipeline.Spec{
	Name: "langid",
	Doc: "Sets the document's language (ISO 639-1) and score; drops documents scoring under threshold " +
		"(langid:score<T) and, when keep is not empty, documents in other languages (langid:lang=xx). " +
		"Reads a bounded sample of the text (start, middle and end windows, newlines as spaces).",
	Fields: []pipeline.Field{
		{Name: "keep", Type: pipeline.TypeStrings, Default: []string{}, Check: checkCodes,
			Doc: "ISO 639-1 codes to keep; empty keeps every language (CC in the LLaMA recipe: [en])."},
		{Name: "threshold", Type: pipeline.TypeFloat, Default: 0.5, Min: pipeline.Bound(0), Max: pipeline.Bound(1),
			Doc: "Minimum score (CCNet: 0.5)."},
		{Name: "sample_bytes", Type: pipeline.TypeInt, Default: DefaultSampleBytes, Min: pipeline.Bound(60),
			Doc: "Bytes of each document examined: all of it when shorter, else three windows of a third each."},
	},
}

// Register adds the langid step to r. Every step built shares one Detector.
func Register(r *pipeline.Registry) {
	r.RegisterStep(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return NewStep(Shared(), c.Strings("keep"), c.Float("threshold"), int(c.Int("sample_bytes"))), nil
	})
}

// Step is the langid step.
type Step struct {
	det         *Detector
	keep        map[string]bool
	threshold   float64
	sampleBytes int
	lowReason   string
}

// NewStep returns a step over det; keep may be empty (keep all languages).
func NewStep(det *Detector, keep []string, threshold float64, sampleBytes int) *Step {
	s := &Step{det: det, threshold: threshold, sampleBytes: sampleBytes,
		lowReason: fmt.Sprintf("langid:score<%g", threshold)}
	if len(keep) > 0 {
		s.keep = map[string]bool{}
		for _, k := range keep {
			s.keep[k] = true
		}
	}
	return s
}

// Decide is the step's decision on a text: the result and the drop reason
// ("" to keep). `tokenmill langid` prints the same decision.
func (s *Step) Decide(text string) (Result, string) {
	r := s.det.Detect(Sample(text, s.sampleBytes))
	switch {
	case r.Score < s.threshold:
		return r, s.lowReason
	case s.keep != nil && !s.keep[r.Lang]:
		return r, "langid:lang=" + r.Lang
	}
	return r, ""
}

// Name implements pipeline.Step.
func (s *Step) Name() string { return "langid" }

// Process implements pipeline.Step.
func (s *Step) Process(d *pipeline.Doc) (string, error) {
	r, drop := s.Decide(d.Text)
	d.Lang, d.LangScore = r.Lang, float32(r.Score)
	return drop, nil
}

// Counters reports which path decided how many documents (shared by every
// step built on the same Detector).
func (s *Step) Counters() map[string]int64 {
	st := s.det.Stats()
	return map[string]int64{"by_script": st.Script, "by_words": st.Words, "by_lingua": st.Lingua, "no_letters": st.Empty, "junk": st.Junk}
}

// checkCodes refuses language codes the detector cannot return ("english",
// "EN", "eng"): such a keep list would drop every document.
func checkCodes(v any) error {
	known := Codes()
	for _, c := range v.([]string) {
		if !known[c] {
			return fmt.Errorf("%q is not an ISO 639-1 code the detector knows (e.g. en, de, fr)", c)
		}
	}
	return nil
}

// Codes returns the ISO 639-1 codes of every language the detector can
// return, lowercase.
func Codes() map[string]bool {
	out := map[string]bool{}
	for _, l := range lingua.AllLanguages() {
		out[strings.ToLower(l.IsoCode639_1().String())] = true
	}
	return out
}
