package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/filters/models"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
)

func newRecipeCmd() *cobra.Command {
	c := &cobra.Command{Use: "recipe", Short: "Check, show and document recipes"}
	c.AddCommand(&cobra.Command{
		Use:   "check [FILE]",
		Short: "Check a recipe (default: the embedded one); every problem is reported with its line",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			}
			reg := defaultRegistry()
			r, err := loadRecipe(path, reg)
			if err != nil {
				return err
			}
			if err := checkRecipeFiles(cmd.Context(), r, reg); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d sources, sha256 %s)\n", r.Path, len(r.Sources), r.Digest)
			return nil
		},
	}, &cobra.Command{
		Use:   "show [real]",
		Short: "Print the embedded LLaMA recipe (sample and demo models), or with real: the one for real dumps and models",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data := recipes.LLaMA()
			if len(args) == 1 {
				if args[0] != "real" {
					return usageError{fmt.Errorf("recipe show %q: the recipes are the default one and real", args[0])}
				}
				data = recipes.LLaMAReal()
			}
			_, err := cmd.OutOrStdout().Write(data)
			return err
		},
	}, &cobra.Command{
		Use:   "docs",
		Short: "List every source format and step with its options",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := defaultRegistry()
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, "Source formats:")
			for _, n := range reg.SourceNames() {
				s, _ := reg.SourceSpec(n)
				fmt.Fprintf(w, "\n  %s: %s\n", n, s.Doc)
				for _, f := range s.Fields {
					fmt.Fprintf(w, "    %-18s %-8s default %-10v %s\n", f.Name, f.Type, f.Default, f.Doc)
				}
			}
			fmt.Fprintln(w, "\nSteps:")
			for _, n := range reg.StepNames() {
				s, _ := reg.StepSpec(n)
				fmt.Fprintf(w, "\n  %s: %s\n", n, s.Doc)
				for _, f := range s.Fields {
					def := fmt.Sprint(f.Default)
					if f.Default == nil {
						def = "(required)"
					}
					extra := ""
					if len(f.Enum) > 0 {
						extra = " one of " + strings.Join(f.Enum, "|")
					}
					fmt.Fprintf(w, "    %-18s %-8s default %-10s %s%s\n", f.Name, f.Type, def, f.Doc, extra)
				}
			}
			return nil
		},
	})
	return c
}

// checkRecipeFiles makes sure every file the recipe names (the tokenizer,
// models, word lists: step fields marked File) exists, relative paths being
// relative to the recipe. Every missing file is reported, with its line.
func checkRecipeFiles(ctx context.Context, r *pipeline.Recipe, reg *pipeline.Registry) error {
	storage.RegisterEmbedded("sample", recipes.Sample())
	stores := pipeline.NewStores()
	defer stores.Close()
	dir := "."
	if !strings.HasPrefix(r.Path, "embedded:") {
		dir = filepath.Dir(r.Path)
	}
	var problems []string
	check := func(line int, what, ref string) {
		if models.IsName(ref) { // a catalogue name: its file in the cache
			if err := checkCatalogueModel(ref); err != nil {
				problems = append(problems, fmt.Sprintf("%s:%d: %s: %v", r.Path, line, what, err))
			}
			return
		}
		if !strings.Contains(ref, "://") && !filepath.IsAbs(ref) {
			ref = filepath.Join(dir, ref)
		}
		if _, err := stores.Stat(ctx, ref); err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %s: %v", r.Path, line, what, err))
		}
	}
	if r.Tokenizer != "" {
		check(0, "tokenizer.model", r.Tokenizer)
	}
	for _, src := range r.Sources {
		for _, st := range src.Steps {
			spec, _ := reg.StepSpec(st.Kind)
			files := st.Config.Files(spec)
			for _, field := range slices.Sorted(maps.Keys(files)) {
				check(st.Line, fmt.Sprintf("sources.%s.%s.%s", src.Name, st.Kind, field), files[field])
			}
		}
	}
	if len(problems) > 0 {
		return &pipeline.RecipeError{Problems: problems}
	}
	return nil
}

// checkCatalogueModel makes sure a model the recipe names from the
// catalogue (ccnet:en, lid176) has been fetched into the cache.
func checkCatalogueModel(name string) error {
	m, err := models.Lookup(name)
	if err != nil {
		return err
	}
	c, err := models.NewCache()
	if err != nil {
		return err
	}
	_, err = c.Resolve(m)
	return err
}
