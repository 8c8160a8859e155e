package normalize

import (
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
)

// Spec is the "normalize" step's recipe spec.
var Spec = pipeline.Spec{
	Name: "normalize",
	Doc: "Rewrites the text with one of CCNet's normalizations, line by line (newlines kept). " +
		"The LLaMA recipe does not need it: line dedup and perplexity normalize internally " +
		"and keep the original text; use it to export normalized text.",
	Fields: []pipeline.Field{
		{Name: "form", Type: pipeline.TypeString, Default: "ccnet", Enum: []string{"ccnet", "dedup"},
			Doc: `"ccnet": normalize (accents stripped, punctuation mapped); "dedup": normalize_for_dedup.`},
	},
}

// Register adds the normalize step to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return NewStep(c.String("form")), nil
	})
}

// Step applies a normalization to every line of a document. It never drops.
type Step struct {
	appendFn func([]byte, string) []byte
}

// NewStep returns the step for form "ccnet" (Normalize) or "dedup" (ForDedup).
func NewStep(form string) *Step {
	if form == "dedup" {
		return &Step{AppendForDedup}
	}
	return &Step{AppendNormalize}
}

// Name implements pipeline.Step.
func (s *Step) Name() string { return "normalize" }

// Process implements pipeline.Step.
func (s *Step) Process(d *pipeline.Doc) (string, error) {
	buf := make([]byte, 0, len(d.Text))
	text := d.Text
	for {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			buf = s.appendFn(buf, text)
			break
		}
		buf = s.appendFn(buf, text[:i])
		buf = append(buf, '\n')
		text = text[i+1:]
	}
	d.Text = string(buf)
	return "", nil
}
