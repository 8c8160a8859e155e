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
		{Name: "match_meta", Type: pipeline.TypeString, Default: "",
			Doc: "Check mode: the meta key holding the language the document should be in (wikipedia: wiki_lang). " +
				"A document detected in another language with a score of at least threshold is dropped " +
				"(langid:lang!=<key>); one scored under threshold is kept, since the check is not sure. " +
				"Croatian, Bosnian and Serbian count as one language (srwiki is written in both scripts). keep still applies."},
	},
}

// Register adds the langid step to r. Every step built shares one Detector.
func Register(r *pipeline.Registry) {
	r.RegisterStep(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		s := NewStep(Shared(), c.Strings("keep"), c.Float("threshold"), int(c.Int("sample_bytes")))
		s.SetMatchMeta(c.String("match_meta"))
		return s, nil
	})
}

// Step is the langid step.
type Step struct {
	det         *Detector
	keep        map[string]bool
	threshold   float64
	sampleBytes int
	lowReason   string
	matchMeta   string // check mode's meta key; "" when off
	matchReason string
}

// SetMatchMeta turns on the check mode (see the match_meta field): the
// detected language must be the one in the document's meta key.
func (s *Step) SetMatchMeta(key string) {
	s.matchMeta, s.matchReason = key, "langid:lang!="+key
}

// sameLanguage: the Serbo-Croatian continuum counts as one language, as
// the detector cannot tell Latin-script Serbian from Croatian or Bosnian.
func sameLanguage(a, b string) bool {
	if a == b {
		return true
	}
	sc := func(l string) bool { return l == "hr" || l == "bs" || l == "sr" || l == "sh" }
	return sc(a) && sc(b)
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
	if s.matchMeta != "" {
		r := s.det.Detect(Sample(d.Text, s.sampleBytes))
		d.Lang, d.LangScore = r.Lang, float32(r.Score)
		if want := d.Meta[s.matchMeta]; want != "" && r.Score >= s.threshold && !sameLanguage(r.Lang, want) {
			return s.matchReason, nil
		}
		if s.keep != nil && !s.keep[r.Lang] {
			return "langid:lang=" + r.Lang, nil
		}
		return "", nil
	}
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
