package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
)

type buildFlags struct {
	recipe      string
	out         string
	only        []string
	inputs      []string
	workers     int
	noDocs      bool
	progress    string
	memory      string // --memory: the whole build's budget ("4GiB")
	memoryMB    int64  // --memory-mb: the same in MiB (older flag)
	noSpill     bool
	keepDropped bool
}

func newBuildCmd() *cobra.Command {
	var f buildFlags
	c := &cobra.Command{
		Use:   "build",
		Short: "Run a recipe: read sources, clean, filter, dedup, tokenize, write shards and a manifest",
		Long: `Runs a recipe (by default the embedded LLaMA recipe on the embedded sample corpus)
and writes text shards, token shards, stats.json and, last, manifest.json under --out
(a folder, file://, s3:// or gs:// URL). Rerunning with the same recipe and output skips
the input shards already committed, so an interrupted build is finished by running it again.
An input whose storage fails (after retries) is named in the summary and stats.json and left
out of the manifest; the rest is built and the exit status is 1. One build at a time may
write an output: a second one fails and names the holder of the output's lock.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runBuild(cmd, f, defaultRegistry()) },
	}
	fl := c.Flags()
	fl.StringVar(&f.recipe, "recipe", "", "recipe file (default: the embedded LLaMA recipe)")
	fl.StringVar(&f.out, "out", "out", "output folder or URL")
	fl.StringSliceVar(&f.only, "only", nil, "run only these sources (repeatable or comma-separated)")
	fl.StringArrayVar(&f.inputs, "input", nil, "SOURCE=PATH: replace a source's inputs (file, glob, folder or *.paths.gz listing; repeatable)")
	fl.IntVar(&f.workers, "workers", 0, "worker goroutines, at least 1 (default: all cores)")
	fl.BoolVar(&f.noDocs, "no-docs", false, "write token shards only, not text shards")
	fl.StringVar(&f.progress, "progress", "auto", "progress display: auto, bar, lines or none")
	fl.StringVar(&f.memory, "memory", "", "memory budget of the whole build, e.g. 4GiB: the Go runtime's limit (GOMEMLIMIT), half of it for dedup state (which spills beyond), part for document batches (default: none)")
	fl.Int64Var(&f.memoryMB, "memory-mb", 0, "the memory budget in MiB (same as --memory)")
	fl.BoolVar(&f.keepDropped, "keep-dropped", false, "also write the dropped documents, with the reason and the steps' scores, to dropped/<source>/<input>.parquet (as the recipe's output.dropped)")
	fl.BoolVar(&f.noSpill, "no-spill", false, "read inputs from storage in every phase of a dedup group, rather than once (kept zstd-compressed in the temporary folder)")
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

// parseBytes reads a size: a number of bytes with an optional unit, IEC
// (KiB, MiB, GiB, TiB, or K, M, G, T) or SI (KB, MB, GB, TB).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToUpper(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "B": 1, "K": 1 << 10, "KIB": 1 << 10, "KB": 1e3, "M": 1 << 20, "MIB": 1 << 20, "MB": 1e6,
		"G": 1 << 30, "GIB": 1 << 30, "GB": 1e9, "T": 1 << 40, "TIB": 1 << 40, "TB": 1e12}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 || v*mult > math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size (e.g. 4GiB, 512MiB)", s)
	}
	return int64(v * mult), nil
}

// buildOptions checks the flags and turns them into the plan's options.
func buildOptions(cmd *cobra.Command, f buildFlags) (pipeline.Options, error) {
	o := pipeline.Options{Out: f.out, Only: f.only, Workers: f.workers, NoDocs: f.noDocs, NoSpill: f.noSpill, KeepDropped: f.keepDropped, Inputs: map[string][]string{}}
	if fl := cmd.Flags().Lookup("workers"); (fl != nil && fl.Changed || f.workers != 0) && f.workers < 1 {
		return o, usageError{fmt.Errorf("--workers %d: want at least 1 (leave it out for all cores)", f.workers)}
	}
	if strings.TrimSpace(f.out) == "" {
		return o, usageError{fmt.Errorf("--out is empty: name the output folder or URL")}
	}
	for _, in := range f.inputs {
		src, p, ok := strings.Cut(in, "=")
		if !ok || src == "" || p == "" {
			return o, usageError{fmt.Errorf("--input %q: want SOURCE=PATH", in)}
		}
		o.Inputs[src] = append(o.Inputs[src], p)
	}
	switch {
	case f.memory != "" && f.memoryMB != 0:
		return o, usageError{fmt.Errorf("give --memory or --memory-mb, not both")}
	case f.memory != "":
		n, err := parseBytes(f.memory)
		if err != nil {
			return o, usageError{fmt.Errorf("--memory: %w", err)}
		}
		o.MemoryBytes = n
	case f.memoryMB < 0:
		return o, usageError{fmt.Errorf("--memory-mb %d: must not be negative", f.memoryMB)}
	default:
		o.MemoryBytes = f.memoryMB << 20
	}
	if f.recipe != "" {
		o.RecipeDir = filepath.Dir(f.recipe)
	}
	return o, nil
}

func runBuild(cmd *cobra.Command, f buildFlags, reg *pipeline.Registry) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	storage.RegisterEmbedded("sample", recipes.Sample())
	log, err := newLogger(cmd, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	opt, err := buildOptions(cmd, f)
	if err != nil {
		return err
	}
	rec, err := loadRecipe(f.recipe, reg)
	if err != nil {
		return err
	}
	if opt.MemoryBytes > 0 {
		// The runtime collects harder as the heap nears the budget.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(opt.MemoryBytes))
	}
	prog := newProgress(cmd.ErrOrStderr(), f.progress)
	opt.Logger, opt.Progress, opt.Tool, opt.ResolveModel = log, prog.update, versionString(), resolveModel
	plan, err := pipeline.NewPlan(ctx, rec, reg, opt)
	if err != nil {
		var oe *pipeline.OptionError
		if errors.As(err, &oe) {
			return usageError{err}
		}
		return err
	}
	defer plan.Close()
	var names []string
	var totals []int
	for _, sp := range plan.Sources {
		names, totals = append(names, sp.Name), append(totals, len(sp.Inputs))
	}
	every := 5 * time.Second
	if prog.mode == "bar" {
		every = 500 * time.Millisecond
	}
	prog.watch(plan.Live, names, totals, every)
	stats, err := plan.Run(ctx)
	prog.finish()
	if stats != nil {
		printSummary(cmd.OutOrStdout(), stats)
	}
	var failed *pipeline.FailedError
	if err != nil && !errors.As(err, &failed) {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\nwrote %s\n", plan.Out.URL("manifest.json"))
	return err
}

// printSummary prints the end-of-build table: per source, docs and bytes in
// and out per step, time per step, drop reasons and skipped input records.
func printSummary(w io.Writer, st *pipeline.Stats) {
	for _, s := range st.Sources {
		fmt.Fprintf(w, "\n%s: %d inputs (%d resumed, %d failed), %d docs / %s in, %d docs / %s out, %d tokens, %.1fs\n",
			s.Name, s.Inputs, s.Resumed, len(s.Failed), s.DocsIn, human(s.BytesIn), s.DocsOut, human(s.BytesOut), s.Tokens, s.Seconds)
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
	if failed := st.Failed(); len(failed) > 0 {
		fmt.Fprintf(w, "\n%d input(s) FAILED (not in the manifest; rerun the build to retry them):\n", len(failed))
		for _, f := range failed {
			fmt.Fprintf(w, "  %s: %s\n", f.Input, f.Error)
		}
	}
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
