package fasttextstep

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/tokenmill/tokenmill/filters/fasttext"
	"github.com/tokenmill/tokenmill/pipeline"
)

// WikirefSpec is the "wikiref" step's recipe spec.
var WikirefSpec = pipeline.Spec{
	Name: "wikiref",
	Doc:  "Linear (fastText) classifier of Wikipedia-reference-like pages: sets quality = p(label) on the text with lines joined by spaces, drops documents under threshold.",
	Fields: []pipeline.Field{
		{Name: "model", Type: pipeline.TypeString, File: true, Doc: "fastText supervised model (.bin or .ftz)"},
		{Name: "label", Type: pipeline.TypeString, Default: "__label__wiki", Doc: "the positive label"},
		{Name: "threshold", Type: pipeline.TypeFloat, Default: 0.25, Min: pipeline.Bound(0), Max: pipeline.Bound(1),
			Doc: "minimum p(label) (LLaMA/RedPajama: 0.25)"},
	},
}

// Register adds the wikiref and fasttext_langid steps to r.
func Register(r *pipeline.Registry) {
	registerLangID(r)
	r.RegisterStep(WikirefSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		m, err := readModel(env, "wikiref", c.String("model"))
		if err != nil {
			return nil, err
		}
		return NewWikiref(m, c.String("label"), c.Float("threshold"))
	})
}

// readModel reads the fastText model a step's "model" field names.
func readModel(env *pipeline.Env, step, ref string) (*fasttext.Model, error) {
	b, err := env.ReadFile(ref)
	if err != nil {
		return nil, fmt.Errorf("%s.model: %w", step, err)
	}
	m, err := fasttext.Read(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s.model %s: %w", step, ref, err)
	}
	return m, nil
}

// Wikiref is the wikiref step.
type Wikiref struct {
	m         *fasttext.Model
	label     string
	threshold float64
	reason    string
}

// NewWikiref returns the step.
func NewWikiref(m *fasttext.Model, label string, threshold float64) (*Wikiref, error) {
	found := false
	for _, l := range m.Labels() {
		found = found || l == label
	}
	if !found {
		return nil, fmt.Errorf("wikiref: the model has no label %q (it has %s)", label, strings.Join(m.Labels(), ", "))
	}
	return &Wikiref{m: m, label: label, threshold: threshold, reason: fmt.Sprintf("wikiref:p<%g", threshold)}, nil
}

// Name implements pipeline.Step.
func (w *Wikiref) Name() string { return "wikiref" }

// Process implements pipeline.Step: the engine's DocProb gives p(label);
// the step keeps or drops on it.
func (w *Wikiref) Process(d *pipeline.Doc) (string, error) {
	p, ok := w.m.DocProb(d.Text, w.label)
	if !ok {
		p = 0
	}
	d.Quality = p
	if float64(p) < w.threshold || math.IsNaN(float64(p)) {
		return w.reason, nil
	}
	return "", nil
}
