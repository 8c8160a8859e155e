package pipeline

import (
	"strings"
	"testing"
)

func testRegistry() *Registry {
	r := NewRegistry()
	r.RegisterSource(Spec{Name: "commoncrawl", Fields: []Field{{Name: "repair_utf8", Type: TypeBool, Default: true}}},
		func(c Config, env *Env) (Source, error) { return nil, nil })
	r.RegisterStep(Spec{Name: "langid", Fields: []Field{
		{Name: "keep", Type: TypeStrings, Default: []string{}},
		{Name: "threshold", Type: TypeFloat, Default: 0.5, Min: Bound(0), Max: Bound(1)},
		{Name: "mode", Type: TypeString, Default: "fast", Enum: []string{"fast", "accurate"}},
	}}, func(c Config, env *Env) (Step, error) { return nil, nil })
	r.RegisterStep(Spec{Name: "need", Fields: []Field{{Name: "model", Type: TypeString}}},
		func(c Config, env *Env) (Step, error) { return nil, nil })
	return r
}

func TestParseRecipe(t *testing.T) {
	r, err := ParseRecipe("ok.yaml", []byte(`
name: t
seed: 7
output: {docs: false, row_group_mb: 64}
sources:
  - name: commoncrawl
    weight: 0.67
    inputs: [a, b]
    group: 50
    steps:
      - langid: {keep: [en, de], threshold: 0.75}
      - need: {model: m.bin}
`), testRegistry())
	if err != nil {
		t.Fatal(err)
	}
	s := r.Sources[0]
	if r.Seed != 7 || r.Output.Docs || !r.Output.Tokens || r.Output.RowGroupBytes != 64<<20 || s.Format != "commoncrawl" ||
		s.Group != 50 || len(s.Inputs) != 2 || !s.Options.Bool("repair_utf8") {
		t.Errorf("recipe %+v", r)
	}
	lid := s.Steps[0].Config
	if strings.Join(lid.Strings("keep"), ",") != "en,de" || lid.Float("threshold") != 0.75 || lid.String("mode") != "fast" {
		t.Errorf("langid config %+v", lid)
	}
}

// TestRecipeErrors: every problem is reported at once, with file:line:col.
func TestRecipeErrors(t *testing.T) {
	_, err := ParseRecipe("bad.yaml", []byte(`name: t
colour: blue
sources:
  - name: commoncrawl
    weight: 1.5
    inputs: [a]
    steps:
      - langid: {threshold: 2, mode: slow, keepp: [en]}
      - need
      - nosuchstep
  - name: other
    format: nosuchformat
`), testRegistry())
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		"bad.yaml:2:1: colour: unknown key (known: name, output, seed, sources, tokenizer)",
		"bad.yaml:5:13: sources[0].weight: must be within [0,1]",
		"bad.yaml:8:44: sources[0].steps[0].langid.keepp: unknown field (known: keep, threshold, mode)",
		"bad.yaml:8:29: sources[0].steps[0].langid.threshold: must be within [0,1]",
		"bad.yaml:8:38: sources[0].steps[0].langid.mode: must be one of [fast accurate], not \"slow\"",
		"bad.yaml:9:9: sources[0].steps[1].need.model: required",
		"bad.yaml:10:9: sources[0].steps[2]: unknown step \"nosuchstep\" (known: langid, need)",
		"bad.yaml:11:5: sources.other.format: unknown source format \"nosuchformat\" (known: commoncrawl)",
		"bad.yaml:1:1: sources: weights add up to 1.5000, more than 1",
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in\n%s", w, got)
		}
	}
	if n := len(err.(*RecipeError).Problems); n != len(want) {
		t.Errorf("%d problems, want %d:\n%s", n, len(want), got)
	}
}
