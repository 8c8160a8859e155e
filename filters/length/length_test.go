package length

import (
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

func TestMinLength(t *testing.T) {
	m := MinLength(5)
	for text, want := range map[string]string{"abcd": "min_length:short", "ééééé": "", "éééé": "min_length:short", "abcde": "", "": "min_length:short"} {
		if got, _ := m.Process(&pipeline.Doc{Text: text}); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

// TestRegistered: the recipe name and default are CCNet's.
func TestRegistered(t *testing.T) {
	r := pipeline.NewRegistry()
	Register(r)
	spec, ok := r.StepSpec("min_length")
	if !ok {
		t.Fatal("min_length not registered")
	}
	c, err := pipeline.NewConfig(spec, map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.NewStep("min_length", c, &pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	if s != MinLength(300) {
		t.Errorf("default step %v, want MinLength(300)", s)
	}
}
