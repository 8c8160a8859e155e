package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/recipes"
)

// demoPrefix marks the embedded sample: its corpus and its demo models (a
// 3-gram and a tokenizer trained on Go package docs, a small wikiref
// classifier). They are right for the sample and wrong for anything else:
// on real CommonCrawl pages the demo 3-gram puts most English pages in
// the tail bucket.
const demoPrefix = "embed://sample/"

// withDemoModelGuard adds --allow-demo-models to the build command and,
// before the build starts, refuses one that would use the sample's demo
// models on inputs that are not the sample. It reads the build's own flags
// (--recipe, --input, --only), so build.go needs no change.
func withDemoModelGuard(c *cobra.Command) *cobra.Command {
	var allow bool
	c.Flags().BoolVar(&allow, "allow-demo-models", false,
		"run even though the recipe uses the embedded sample's demo models (embed://sample/...) on other inputs")
	pre := c.PreRunE
	c.PreRunE = func(cmd *cobra.Command, args []string) error {
		if pre != nil {
			if err := pre(cmd, args); err != nil {
				return err
			}
		}
		if allow {
			return nil
		}
		return checkDemoModels(cmd, defaultRegistry())
	}
	return c
}

// demoUse is one demo model a build would use.
type demoUse struct {
	where string // "commoncrawl.perplexity.model (line 47)"
	ref   string
	fetch string // the catalogue name of the real model, "" if none
}

// checkDemoModels returns an error naming the demo models a build would
// use on real inputs and the commands that fetch the real ones. A recipe
// that does not parse is left to the build to report.
func checkDemoModels(cmd *cobra.Command, reg *pipeline.Registry) error {
	fl := cmd.Flags()
	path, _ := fl.GetString("recipe")
	inputs, _ := fl.GetStringArray("input")
	only, _ := fl.GetStringSlice("only")
	data, name := recipes.LLaMA(), "embedded:llama.yaml"
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		data, name = b, path
	}
	rec, err := pipeline.ParseRecipe(name, data, reg)
	if err != nil {
		return nil
	}
	uses := demoModels(rec, inputs, only, reg)
	if len(uses) == 0 {
		return nil
	}
	var lines, fetch []string
	seen := map[string]bool{}
	for _, u := range uses {
		l := "  " + u.where + ": " + u.ref
		if u.fetch != "" {
			l += "  (real model: " + u.fetch + ")"
			if !seen[u.fetch] {
				seen[u.fetch] = true
				fetch = append(fetch, u.fetch)
			}
		}
		lines = append(lines, l)
	}
	msg := "this build would run the embedded sample's demo models on inputs that are not the sample:\n" +
		strings.Join(lines, "\n") + "\nThey were trained on the sample only and would misjudge real data."
	if len(fetch) > 0 {
		sort.Strings(fetch)
		msg += "\nFetch the real ones with\n  tokenmill models fetch " + strings.Join(fetch, " ") +
			"\nand name them in the recipe (model: ccnet:en, spm: ccnet-sp:en, ...)."
	}
	msg += "\nTo run with the demo models anyway, pass --allow-demo-models."
	return usageError{fmt.Errorf("%s", msg)}
}

// demoModels lists the demo models of the sources a build runs on inputs
// that are not the sample (their --input overrides, else the recipe's).
func demoModels(rec *pipeline.Recipe, inputs, only []string, reg *pipeline.Registry) []demoUse {
	overrides := map[string][]string{}
	for _, in := range inputs {
		if src, p, ok := strings.Cut(in, "="); ok {
			overrides[src] = append(overrides[src], p)
		}
	}
	run := map[string]bool{}
	for _, o := range only {
		run[o] = true
	}
	var uses []demoUse
	real := false
	for _, s := range rec.Sources {
		if len(run) > 0 && !run[s.Name] {
			continue
		}
		ins := s.Inputs
		if o, ok := overrides[s.Name]; ok {
			ins = o
		}
		if !anyReal(ins) {
			continue
		}
		real = true
		for _, st := range s.Steps {
			spec, ok := reg.StepSpec(st.Kind)
			if !ok {
				continue
			}
			for _, f := range spec.Fields {
				if f.Type != pipeline.TypeString {
					continue
				}
				v := configString(st.Config, f.Name)
				if !strings.HasPrefix(v, demoPrefix) {
					continue
				}
				uses = append(uses, demoUse{where: fmt.Sprintf("%s.%s.%s (line %d)", s.Name, st.Kind, f.Name, st.Line),
					ref: v, fetch: realModel(st, f.Name)})
			}
		}
	}
	if real && rec.Output.Tokens && strings.HasPrefix(rec.Tokenizer, demoPrefix) {
		uses = append(uses, demoUse{where: "tokenizer.model", ref: rec.Tokenizer, fetch: "llama-tokenizer"})
	}
	return uses
}

func anyReal(inputs []string) bool {
	for _, in := range inputs {
		if !strings.HasPrefix(in, demoPrefix) {
			return true
		}
	}
	return false
}

// configString reads a string field without trusting that it is set.
func configString(c pipeline.Config, name string) (v string) {
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	return c.String(name)
}

// realModel names the catalogue entry that replaces a demo model, where
// there is one.
func realModel(st pipeline.StepSpec, field string) string {
	if st.Kind != "perplexity" {
		return ""
	}
	lang := configString(st.Config, "lang")
	if lang == "" {
		lang = "en"
	}
	switch field {
	case "model", "arpa":
		return "ccnet:" + lang
	case "spm":
		return "ccnet-sp:" + lang
	case "cutoffs":
		return "ccnet-cutoffs"
	}
	return ""
}
