package length

import (
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

// MinLengthSpec is the recipe spec of the "min_length" step.
var MinLengthSpec = pipeline.Spec{
	Name: "min_length",
	Doc:  "Drops documents shorter than min_chars characters (Unicode code points, as Python's len).",
	Fields: []pipeline.Field{
		{Name: "min_chars", Type: pipeline.TypeInt, Default: 300, Min: pipeline.Bound(0),
			Doc: "Minimum length in characters (CCNet: 300)."},
	},
}

// Register adds the min_length step to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(MinLengthSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return MinLength(c.Int("min_chars")), nil
	})
}

// MinLength drops documents under a number of characters.
type MinLength int

// Name implements pipeline.Step.
func (m MinLength) Name() string { return "min_length" }

// Process implements pipeline.Step. The byte length bounds the rune count
// from above, so most documents are kept without counting runes.
func (m MinLength) Process(d *pipeline.Doc) (string, error) {
	if len(d.Text) < int(m) || utf8.RuneCountInString(d.Text) < int(m) {
		return "min_length:short", nil
	}
	return "", nil
}

var _ pipeline.Step = MinLength(0)
