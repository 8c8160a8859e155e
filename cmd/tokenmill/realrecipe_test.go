package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/recipes"
)

// TestRealRecipe: llama-real.yaml is the embedded recipe with real models
// and inputs: the same sources, weights, epochs, groups and steps; it names
// no demo model, and its models are catalogue names.
func TestRealRecipe(t *testing.T) {
	reg := defaultRegistry()
	demo, err := pipeline.ParseRecipe("llama.yaml", recipes.LLaMA(), reg)
	if err != nil {
		t.Fatal(err)
	}
	real, err := pipeline.ParseRecipe("llama-real.yaml", recipes.LLaMAReal(), reg)
	if err != nil {
		t.Fatal(err)
	}
	shape := func(r *pipeline.Recipe) string {
		var b strings.Builder
		for _, s := range r.Sources {
			fmt.Fprintf(&b, "%s %s w=%g e=%g g=%d:", s.Name, s.Format, s.Weight, s.Epochs, s.Group)
			for _, st := range s.Steps {
				if st.Kind != "wikiref" { // no public model: commented out in the real recipe
					b.WriteString(" " + st.Kind)
				}
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	if d, r := shape(demo), shape(real); d != r {
		t.Errorf("the recipes differ:\n%s\nvs\n%s", d, r)
	}
	if strings.Contains(string(recipes.LLaMAReal()), "embed://") {
		t.Error("llama-real.yaml names the embedded sample")
	}
	if real.Tokenizer != "llama-tokenizer" {
		t.Errorf("tokenizer %q", real.Tokenizer)
	}
	out, err := runCLI(t, "", true, "recipe", "show", "real")
	if err != nil || out != string(recipes.LLaMAReal()) {
		t.Errorf("recipe show real: %v", err)
	}
}
