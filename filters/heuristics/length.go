package heuristics

import (
	"fmt"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

// MinLength drops documents with fewer than Chars characters (Unicode code
// points, as Python's len counts them: CCNet drops CC pages under 300).
type MinLength struct {
	Chars  int
	reason string
}

// NewMinLength returns the step.
func NewMinLength(chars int) *MinLength {
	return &MinLength{Chars: chars, reason: fmt.Sprintf("min_length:chars<%d", chars)}
}

// Name implements pipeline.Step.
func (m *MinLength) Name() string { return "min_length" }

// Process implements pipeline.Step.
func (m *MinLength) Process(d *pipeline.Doc) (string, error) {
	if len(d.Text) < m.Chars || utf8.RuneCountInString(d.Text) < m.Chars {
		return m.reason, nil
	}
	return "", nil
}

// Register adds the heuristics steps to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(pipeline.Spec{
		Name: "min_length",
		Doc:  "drop documents shorter than chars characters (code points)",
		Fields: []pipeline.Field{
			{Name: "chars", Type: pipeline.TypeInt, Default: 300, Min: pipeline.Bound(0), Doc: "minimum length in characters"},
		},
	}, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return NewMinLength(int(c.Int("chars"))), nil
	})
}
