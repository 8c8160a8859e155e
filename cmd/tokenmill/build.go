package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
	"github.com/tokenmill/tokenmill/stages/parquet"
	"github.com/tokenmill/tokenmill/stages/tokenizer"
)

type buildFlags struct {
	recipe   string
	out      string
	only     []string
	inputs   []string
	workers  int
	noDocs   bool
	progress string
	memory   int64
}

func newBuildCmd() *cobra.Command {
	var f buildFlags
	c := &cobra.Command{
		Use:   "build",
		Short: "Run a recipe: read sources, clean, filter, dedup, tokenize, write shards and a manifest",
		Long: `Runs a recipe (by default the embedded LLaMA recipe on the embedded sample corpus)
and writes text shards, token shards, stats.json and, last, manifest.json under --out
(a folder, file://, s3:// or gs:// URL). Rerunning with the same recipe and output skips
the input shards already committed, so an interrupted build is finished by running it again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runBuild(cmd, f, defaultRegistry()) },
	}
	fl := c.Flags()
	fl.StringVar(&f.recipe, "recipe", "", "recipe file (default: the embedded LLaMA recipe)")
	fl.StringVar(&f.out, "out", "out", "output folder or URL")
	fl.StringSliceVar(&f.only, "only", nil, "run only these sources (repeatable or comma-separated)")
	fl.StringArrayVar(&f.inputs, "input", nil, "SOURCE=PATH: replace a source's inputs (file, glob, folder or *.paths.gz listing; repeatable)")
	fl.IntVar(&f.workers, "workers", 0, "worker goroutines (default: all cores)")
	fl.BoolVar(&f.noDocs, "no-docs", false, "write token shards only, not text shards")
	fl.StringVar(&f.progress, "progress", "auto", "progress display: auto, bar, lines or none")
	fl.Int64Var(&f.memory, "memory-mb", 0, "memory that dedup may hold before spilling to disk (default: the step's own)")
	return c
}

// loadRecipe reads the recipe file or the embedded one.
func loadRecipe(path string, reg *pipeline.Registry) (*pipeline.Recipe, error) {
	data, name := recipes.LLaMA(), "embedded:llama.yaml"
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, usageError{err}
		}
		name = path
	}
	return pipeline.ParseRecipe(name, data, reg)
}

func runBuild(cmd *cobra.Command, f buildFlags, reg *pipeline.Registry) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	storage.RegisterEmbedded("sample", recipes.Sample())
	log, err := newLogger(cmd, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	rec, err := loadRecipe(f.recipe, reg)
	if err != nil {
		return err
	}
	overrides := map[string][]string{}
	for _, in := range f.inputs {
		src, p, ok := strings.Cut(in, "=")
		if !ok || src == "" || p == "" {
			return usageError{fmt.Errorf("--input %q: want SOURCE=PATH", in)}
		}
		overrides[src] = append(overrides[src], p)
	}
	only := map[string]bool{}
	for _, o := range f.only {
		only[o] = true
	}
	known := map[string]bool{}
	for _, s := range rec.Sources {
		known[s.Name] = true
	}
	for n := range only {
		if !known[n] {
			return usageError{fmt.Errorf("--only %s: the recipe has no such source", n)}
		}
	}
	for n := range overrides {
		if !known[n] {
			return usageError{fmt.Errorf("--input %s=...: the recipe has no such source", n)}
		}
	}
	stores := pipeline.NewStores()
	defer stores.Close()
	out, err := stores.Get(ctx, f.out)
	if err != nil {
		return err
	}
	workers := f.workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	tmp, err := os.MkdirTemp("", "tokenmill-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	recipeDir := "."
	if f.recipe != "" {
		recipeDir = filepath.Dir(f.recipe)
	}
	readFile := func(ref string) ([]byte, error) {
		if !strings.Contains(ref, "://") && !filepath.IsAbs(ref) {
			ref = filepath.Join(recipeDir, ref)
		}
		return stores.ReadFile(ctx, ref)
	}

	var tokInfo *manifest.Tokenizer
	// The tokenize step ends every chain when the recipe names a model.
	var tok pipeline.Step
	if rec.Tokenizer != "" && rec.Output.Tokens {
		cfg, err := pipeline.NewConfig(tokenizer.Spec, map[string]any{"model": rec.Tokenizer})
		if err != nil {
			return err
		}
		step, err := reg.NewStep(tokenizer.Spec.Name, cfg, &pipeline.Env{Logger: log, Seed: rec.Seed, ReadFile: readFile})
		if err != nil {
			return err
		}
		tok = step
		tokInfo = step.(*tokenizer.Step).Info()
		// The output carries its tokenizer: a trainer or a reader of the
		// token shards needs nothing else.
		if err := out.WriteFile(ctx, manifest.TokenizerFile, step.(*tokenizer.Step).ModelFile()); err != nil {
			return err
		}
	} else if rec.Output.Tokens {
		log.Warn("the recipe names no tokenizer model: writing text shards only")
	}

	b := &pipeline.Build{
		Out: out,
		Sink: &parquet.Sink{Out: out, Docs: rec.Output.Docs && !f.noDocs, Tokens: tok != nil,
			Opts: parquet.Options{RowGroupBytes: rec.Output.RowGroupBytes, Metadata: shardMeta(tokInfo, rec.Digest)}},
		Tokenizer: tokInfo,
		Files:     stores,
		Workers:   workers,
		RecipeSHA: rec.Digest,
		Tool:      versionString(),
		Logger:    log,
	}
	for _, s := range rec.Sources {
		if len(only) > 0 && !only[s.Name] {
			continue
		}
		env := &pipeline.Env{Logger: log.With("source", s.Name), Source: s.Name, BaseURL: s.BaseURL, TempDir: filepath.Join(tmp, s.Name),
			Workers: workers, MemoryBytes: f.memory << 20, Seed: rec.Seed, ReadFile: readFile}
		os.MkdirAll(env.TempDir, 0o755)
		src, err := reg.NewSource(s.Format, s.Options, env)
		if err != nil {
			return fmt.Errorf("source %s: %w", s.Name, err)
		}
		// Recipe paths are relative to the recipe; --input paths to the
		// working folder.
		var specs []string
		for _, in := range s.Inputs {
			if !strings.Contains(in, "://") && !filepath.IsAbs(in) {
				in = filepath.Join(recipeDir, in)
			}
			specs = append(specs, in)
		}
		if o, ok := overrides[s.Name]; ok {
			specs = o
		}
		ins, err := src.Inputs(ctx, stores, specs)
		if err != nil {
			return fmt.Errorf("source %s: %w", s.Name, err)
		}
		sp := pipeline.SourcePlan{Name: s.Name, Source: src, Inputs: ins, GroupSize: s.Group, Weight: s.Weight, Epochs: s.Epochs}
		for _, st := range s.Steps {
			step, err := reg.NewStep(st.Kind, st.Config, env)
			if err != nil {
				return fmt.Errorf("%s:%d: source %s, step %s: %w", rec.Path, st.Line, s.Name, st.Kind, err)
			}
			sp.Steps = append(sp.Steps, step)
		}
		steps := s.Steps
		sp.Rebuild = func(i int) (pipeline.Step, error) {
			return reg.NewStep(steps[i].Kind, steps[i].Config, env)
		}
		if tok != nil {
			sp.Steps = append(sp.Steps, tok)
		}
		b.Sources = append(b.Sources, sp)
		log.Info("source planned", "source", s.Name, "inputs", len(ins), "steps", len(sp.Steps))
	}
	if len(b.Sources) == 0 {
		return usageError{fmt.Errorf("nothing to build")}
	}
	prog := newProgress(cmd.ErrOrStderr(), f.progress)
	b.Progress = prog.update
	stats, err := b.Run(ctx)
	prog.finish()
	if stats != nil {
		printSummary(cmd.OutOrStdout(), stats)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\nwrote %s\n", out.URL("manifest.json"))
	return nil
}

// shardMeta is the key/value metadata of every shard: the tool and recipe
// that wrote it and which tokenizer made the tokens, so a shard found alone
// still says how to decode and frame them.
func shardMeta(t *manifest.Tokenizer, recipeSHA string) map[string]string {
	m := map[string]string{manifest.MetaTool: versionString(), manifest.MetaRecipeSHA256: recipeSHA}
	if t != nil {
		m[manifest.MetaTokenizerSHA256] = t.SHA256
		m[manifest.MetaTokenizerPath] = t.Path
		m[manifest.MetaTokenizerVocabSize] = fmt.Sprint(t.VocabSize)
		m[manifest.MetaTokenizerBOS] = fmt.Sprint(t.BOS)
		m[manifest.MetaTokenizerEOS] = fmt.Sprint(t.EOS)
		m[manifest.MetaBOSEOS] = "none"
	}
	return m
}

// printSummary prints the end-of-build table: per source, docs and bytes in
// and out per step, time per step, drop reasons and skipped input records.
func printSummary(w io.Writer, st *pipeline.Stats) {
	for _, s := range st.Sources {
		fmt.Fprintf(w, "\n%s: %d inputs (%d resumed), %d docs / %s in, %d docs / %s out, %d tokens, %.1fs\n",
			s.Name, s.Inputs, s.Resumed, s.DocsIn, human(s.BytesIn), s.DocsOut, human(s.BytesOut), s.Tokens, s.Seconds)
		fmt.Fprintf(w, "  %-16s %10s %10s %10s %10s %9s\n", "step", "docs in", "docs out", "bytes in", "bytes out", "time")
		for _, p := range s.Steps {
			fmt.Fprintf(w, "  %-16s %10d %10d %10s %10s %8.2fs\n", p.Name, p.DocsIn, p.DocsOut, human(p.BytesIn), human(p.BytesOut), p.Seconds)
			keys := make([]string, 0, len(p.Counters))
			for k := range p.Counters {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(w, "  %-16s   %s=%d\n", "", k, p.Counters[k])
			}
		}
		if len(s.Drops) > 0 {
			fmt.Fprintf(w, "  dropped:\n")
			for _, k := range s.DropReasons() {
				fmt.Fprintf(w, "    %-40s %8d\n", k, s.Drops[k])
			}
		}
		if len(s.Skipped) > 0 {
			keys := make([]string, 0, len(s.Skipped))
			for k := range s.Skipped {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			fmt.Fprintf(w, "  input records skipped or repaired:\n")
			for _, k := range keys {
				fmt.Fprintf(w, "    %-40s %8d\n", k, s.Skipped[k])
			}
			for _, e := range s.SkipExamples[:min(3, len(s.SkipExamples))] {
				fmt.Fprintf(w, "    e.g. %s\n", e)
			}
		}
	}
	fmt.Fprintf(w, "\ntotal %.1fs with %d workers\n", st.Seconds, st.Workers)
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
