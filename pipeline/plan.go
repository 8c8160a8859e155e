package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// TokenizeStep is the registered name of the step that ends every chain
// when the recipe names a tokenizer model; its Config has one field, model.
const TokenizeStep = "tokenize"

// Options say where and how a plan runs; the recipe says what. They are
// plain data (but Stores, Logger, Executor and Progress), so a worker on
// another machine makes the same plan from the same recipe and options.
type Options struct {
	// Out is the output folder or URL (a local path, file://, s3://, gs://).
	Out string
	// Stores opens inputs and outputs; nil makes one that Plan.Close closes.
	Stores *Stores
	// Only, when not empty, names the sources to build.
	Only []string
	// Inputs replaces the input specs of the named sources (paths relative
	// to the working folder, not to the recipe).
	Inputs map[string][]string
	// RecipeDir is the folder relative paths of the recipe are joined to
	// ("" means the working folder).
	RecipeDir string
	// Workers is the size of the worker pool; 0 means all cores.
	Workers int
	// NoDocs writes token shards only.
	NoDocs bool
	// KeepDropped writes the dropped documents too (as the recipe's
	// output.dropped does).
	KeepDropped bool
	// MemoryBytes is the build's memory budget, 0 for none: half of it is
	// split among the cross-document steps of each chain (dedup indexes,
	// which spill to disk beyond their share), an eighth bounds the text
	// of the document batches in flight, and the rest is headroom for
	// readers, models and the garbage collector. The CLI also hands the
	// whole budget to the Go runtime (debug.SetMemoryLimit).
	MemoryBytes int64
	// TempDir is where the build's scratch folder is made; "" means
	// os.TempDir(). Scratch folders of killed builds are removed there.
	TempDir string
	Logger  *slog.Logger
	// Executor runs each phase's tasks; nil means a LocalExecutor with
	// Workers goroutines.
	Executor Executor
	// Progress, when set, is called after every committed task.
	Progress func(source string, done, total int)
	// Tool is the program's version, recorded in the manifest and in every
	// shard's metadata.
	Tool string
	// ResolveModel maps a recipe's reference to a catalogue model ("lid176",
	// "ccnet:en") to the local file it stands for and what the manifest
	// records of it; ok is false for ordinary paths and URLs. Nil: none.
	ResolveModel func(ref string) (path string, m manifest.Model, ok bool, err error)
	// NoSpill reads a group's inputs from their storage in every phase,
	// instead of keeping them in the scratch folder after the first (which
	// takes about a third of their text's size on disk per group).
	NoSpill bool
	// SpillBytes bounds the spills of a group on disk; 0 means half the
	// free space of the scratch folder's file system. Inputs beyond it are
	// read from storage in every phase.
	SpillBytes int64
}

// OptionError is a problem with the options (a source the recipe does not
// have, a worker count below one): the caller's mistake, not a failure.
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

func optionErrorf(format string, args ...any) error {
	return &OptionError{fmt.Errorf(format, args...)}
}

// SourcePlan is one source of a build: its reader, resolved inputs and chain.
type SourcePlan struct {
	Name   string
	Source Source
	Inputs []Input
	Steps  []Step
	// GroupSize is the number of inputs that cross-document steps
	// (Gatherers) see together; 0 means all of the source's inputs.
	GroupSize int
	Weight    float64
	Epochs    float64
	// Rebuild makes a fresh instance of step i. A Gatherer holds one group's
	// state, so each group after the first gets new instances of the
	// gatherers (the others are kept: models are loaded once). Nil means the
	// source has a single group.
	Rebuild func(i int) (Step, error)
}

// liveCounts are a source's documents and text bytes read by this run's
// write tasks, updated as they are read (not when a task commits).
type liveCounts struct{ docs, bytes atomic.Int64 }

// Live returns the documents and text bytes this run's write tasks have
// read so far from a source's inputs, for progress displays: they move
// while a task runs, where Progress is called only when one commits.
func (p *Plan) Live(source string) (docs, bytes int64) {
	if c := p.live[source]; c != nil {
		return c.docs.Load(), c.bytes.Load()
	}
	return 0, 0
}

// groups returns the [start, end) input ranges of the source's groups: runs
// of GroupSize inputs, cut where the inputs' Group key changes.
func (sp *SourcePlan) groups() [][2]int {
	n := sp.GroupSize
	if n <= 0 {
		n = len(sp.Inputs)
	}
	var out [][2]int
	g0 := 0
	for i := 1; i <= len(sp.Inputs); i++ {
		if i == len(sp.Inputs) || i-g0 == n || sp.Inputs[i].Group != sp.Inputs[g0].Group {
			out = append(out, [2]int{g0, i})
			g0 = i
		}
	}
	return out
}

// Plan is a build made explicit: the sources with their resolved inputs and
// chains, the writer, the output and the recipe digest. Run executes it as
// phases of tasks (see Phase); Close releases what NewPlan opened.
type Plan struct {
	Recipe    *Recipe
	Sources   []*SourcePlan
	Out       *storage.Store
	Files     Files
	Sink      Sink
	Tokenizer *manifest.Tokenizer
	// TokenizerModel is the tokenizer's model file, which Run copies into
	// the output (manifest.TokenizerFile): an output holds what its ids need.
	TokenizerModel []byte
	// Tool: see Options.Tool.
	Tool string
	// Models are the catalogue models the recipe names, in the manifest.
	Models []manifest.Model
	// live counts, per source, what this run's write tasks have read so far.
	live    map[string]*liveCounts
	Workers int
	// TempDir is the build's scratch folder, removed by Close.
	TempDir  string
	Logger   *slog.Logger
	Executor Executor
	Progress func(source string, done, total int)
	// NoSpill, SpillBytes: see Options.
	NoSpill    bool
	SpillBytes int64
	// batchBytes bounds the text of one batch (0: documents only).
	batchBytes int64

	stores    *Stores
	ownStores bool
}

// NewPlan resolves a recipe into a plan: it opens the output, makes the
// scratch folder (removing those of killed builds), builds every source and
// step through the registry (and the tokenize step and the writer the
// registry has), and lists each source's inputs.
func NewPlan(ctx context.Context, rec *Recipe, reg *Registry, opt Options) (p *Plan, err error) {
	if strings.TrimSpace(opt.Out) == "" {
		return nil, optionErrorf("the output is empty: name a folder or URL")
	}
	if opt.Workers < 0 {
		return nil, optionErrorf("workers must be at least 1, not %d", opt.Workers)
	}
	if opt.MemoryBytes < 0 {
		return nil, optionErrorf("the memory budget must not be negative")
	}
	known := map[string]bool{}
	for _, s := range rec.Sources {
		known[s.Name] = true
	}
	only := map[string]bool{}
	for _, o := range opt.Only {
		if !known[o] {
			return nil, optionErrorf("--only %s: the recipe has no such source", o)
		}
		only[o] = true
	}
	for n := range opt.Inputs {
		if !known[n] {
			return nil, optionErrorf("--input %s=...: the recipe has no such source", n)
		}
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	workers := opt.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	p = &Plan{Recipe: rec, Tool: opt.Tool, Workers: workers, Logger: log, Executor: opt.Executor, Progress: opt.Progress,
		NoSpill: opt.NoSpill, SpillBytes: opt.SpillBytes, stores: opt.Stores}
	if p.stores == nil {
		p.stores, p.ownStores = NewStores(), true
	}
	p.Files = p.stores
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if p.Executor == nil {
		p.Executor = LocalExecutor{Workers: workers}
	}
	if p.Out, err = p.stores.Get(ctx, opt.Out); err != nil {
		return p, err
	}
	tmpRoot := opt.TempDir
	if tmpRoot == "" {
		tmpRoot = os.TempDir()
	}
	removeDeadScratch(tmpRoot, log)
	if p.TempDir, err = os.MkdirTemp(tmpRoot, scratchName()); err != nil {
		return p, err
	}
	if opt.MemoryBytes > 0 {
		p.batchBytes = max(opt.MemoryBytes/8/int64(2*workers+2), 1<<16)
	}
	// Catalogue models the recipe names (the tokenizer, any step's file
	// fields): the manifest records them, and files are read from the cache.
	if opt.ResolveModel != nil {
		seen := map[string]bool{}
		note := func(ref string) error {
			if seen[ref] {
				return nil
			}
			seen[ref] = true
			_, m, ok, err := opt.ResolveModel(ref)
			if ok && err == nil {
				p.Models = append(p.Models, m)
			}
			return err
		}
		if rec.Tokenizer != "" {
			if err := note(rec.Tokenizer); err != nil {
				return p, err
			}
		}
		for _, s := range rec.Sources {
			for _, st := range s.Steps {
				spec, _ := reg.StepSpec(st.Kind)
				files := st.Config.Files(spec)
				for _, k := range slices.Sorted(maps.Keys(files)) {
					if err := note(files[k]); err != nil {
						return p, fmt.Errorf("%s:%d: source %s, step %s: %w", rec.Path, st.Line, s.Name, st.Kind, err)
					}
				}
			}
		}
	}
	readFile := func(ref string) ([]byte, error) {
		if opt.ResolveModel != nil {
			if path, _, ok, err := opt.ResolveModel(ref); ok {
				if err != nil {
					return nil, err
				}
				return os.ReadFile(path)
			}
		}
		if !strings.Contains(ref, "://") && !filepath.IsAbs(ref) && opt.RecipeDir != "" {
			ref = filepath.Join(opt.RecipeDir, ref)
		}
		return p.stores.ReadFile(ctx, ref)
	}

	// The tokenize step ends every chain when the recipe names a model.
	var tok Step
	if rec.Tokenizer != "" && rec.Output.Tokens {
		spec, ok := reg.StepSpec(TokenizeStep)
		if !ok {
			return p, fmt.Errorf("the recipe names a tokenizer, and the registry has no %s step", TokenizeStep)
		}
		cfg, err := NewConfig(spec, map[string]any{"model": rec.Tokenizer})
		if err != nil {
			return p, err
		}
		if tok, err = reg.NewStep(TokenizeStep, cfg, &Env{Logger: log, Seed: rec.Seed, ReadFile: readFile}); err != nil {
			return p, err
		}
		if ti, ok := tok.(interface{ Info() *manifest.Tokenizer }); ok {
			p.Tokenizer = ti.Info()
		}
		if mf, ok := tok.(interface{ ModelFile() []byte }); ok {
			p.TokenizerModel = mf.ModelFile()
		}
	} else if rec.Output.Tokens {
		log.Warn("the recipe names no tokenizer model: writing text shards only")
	}
	if reg.sink == nil {
		return p, fmt.Errorf("the registry has no shard writer (RegisterSink)")
	}
	if p.Sink, err = reg.sink(p.Out, SinkOptions{Docs: rec.Output.Docs && !opt.NoDocs, Tokens: tok != nil,
		RowGroupBytes: rec.Output.RowGroupBytes, Tokenizer: p.Tokenizer, Tool: opt.Tool, RecipeSHA256: rec.Digest,
		Dropped: rec.Output.Dropped || opt.KeepDropped}); err != nil {
		return p, err
	}

	for _, s := range rec.Sources {
		if len(only) > 0 && !only[s.Name] {
			continue
		}
		env := &Env{Logger: log.With("source", s.Name), Source: s.Name, BaseURL: s.BaseURL, TempDir: filepath.Join(p.TempDir, s.Name),
			Workers: workers, Seed: rec.Seed, ReadFile: readFile}
		if opt.MemoryBytes > 0 {
			env.MemoryBytes = opt.MemoryBytes / 2
		}
		if err := os.MkdirAll(env.TempDir, 0o755); err != nil {
			return p, err
		}
		src, err := reg.NewSource(s.Format, s.Options, env)
		if err != nil {
			return p, fmt.Errorf("source %s: %w", s.Name, err)
		}
		// Recipe paths are relative to the recipe; --input paths to the
		// working folder.
		var specs []string
		for _, in := range s.Inputs {
			if !strings.Contains(in, "://") && !filepath.IsAbs(in) && opt.RecipeDir != "" {
				in = filepath.Join(opt.RecipeDir, in)
			}
			specs = append(specs, in)
		}
		if o, ok := opt.Inputs[s.Name]; ok {
			specs = o
		}
		ins, err := src.Inputs(ctx, p.stores, specs)
		if err != nil {
			return p, fmt.Errorf("source %s: %w", s.Name, err)
		}
		if err := checkInputs(s.Name, ins); err != nil {
			return p, err
		}
		// Inputs of one group key are contiguous (see Input.Group).
		sort.SliceStable(ins, func(i, j int) bool { return ins[i].Group < ins[j].Group })
		if p.live == nil {
			p.live = map[string]*liveCounts{}
		}
		p.live[s.Name] = &liveCounts{}
		sp := &SourcePlan{Name: s.Name, Source: src, Inputs: ins, GroupSize: s.Group, Weight: s.Weight, Epochs: s.Epochs}
		steps := s.Steps
		stepEnv := env
		sp.Rebuild = func(i int) (Step, error) { return reg.NewStep(steps[i].Kind, steps[i].Config, stepEnv) }
		for _, st := range s.Steps {
			step, err := reg.NewStep(st.Kind, st.Config, env)
			if err != nil {
				return p, fmt.Errorf("%s:%d: source %s, step %s: %w", rec.Path, st.Line, s.Name, st.Kind, err)
			}
			sp.Steps = append(sp.Steps, step)
		}
		// The memory share of cross-document steps is split among them:
		// remake the gatherers with their part when there are several.
		if n := countGatherers(sp.Steps); opt.MemoryBytes > 0 && n > 1 {
			share := *env
			share.MemoryBytes = opt.MemoryBytes / 2 / int64(n)
			stepEnv = &share
			for i, st := range sp.Steps {
				if _, ok := st.(Gatherer); ok {
					if c, ok := st.(Closer); ok {
						c.Close()
					}
					if sp.Steps[i], err = sp.Rebuild(i); err != nil {
						return p, fmt.Errorf("source %s, step %s: %w", s.Name, steps[i].Kind, err)
					}
				}
			}
		}
		if tok != nil {
			sp.Steps = append(sp.Steps, tok)
		}
		p.Sources = append(p.Sources, sp)
		log.Info("source planned", "source", s.Name, "inputs", len(ins), "steps", len(sp.Steps))
	}
	if len(p.Sources) == 0 {
		return p, optionErrorf("nothing to build")
	}
	return p, nil
}

// checkInputs refuses a source whose inputs repeat a name (their outputs
// would overwrite each other) or the same part of the same file (its
// documents would be built twice), naming both.
func checkInputs(source string, ins []Input) error {
	names := map[string]int{}
	parts := map[string]int{}
	for i, in := range ins {
		if j, dup := names[in.Name]; dup {
			return fmt.Errorf("source %s: inputs %s and %s have the same name %q", source, describe(ins[j]), describe(in), in.Name)
		}
		names[in.Name] = i
		k := in.URL + "\x00" + in.Part
		if j, dup := parts[k]; dup {
			return fmt.Errorf("source %s: the same input is listed twice, as %q and %q (%s)", source, ins[j].Name, in.Name, describe(in))
		}
		parts[k] = i
	}
	return nil
}

// sameStep reports whether a and b are the same instance; steps of types
// that cannot be compared (structs holding slices) never are.
func sameStep(a, b Step) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	return ta == tb && ta.Comparable() && a == b
}

func countGatherers(steps []Step) int {
	n := 0
	for _, st := range steps {
		if _, ok := st.(Gatherer); ok {
			n++
		}
	}
	return n
}

// Close closes the plan's steps and stores and removes its scratch folder.
func (p *Plan) Close() error {
	var first error
	// The tokenize step ends every chain: close each instance once.
	var closed []Step
	for _, sp := range p.Sources {
		for _, st := range sp.Steps {
			c, ok := st.(Closer)
			if !ok || slices.ContainsFunc(closed, func(o Step) bool { return sameStep(o, st) }) {
				continue
			}
			closed = append(closed, st)
			if err := c.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	if p.TempDir != "" {
		os.RemoveAll(p.TempDir)
	}
	if p.ownStores && p.stores != nil {
		p.stores.Close()
	}
	return first
}

// scratchPrefix starts the name of every build's scratch folder, followed
// by the host name and the pid of the build that made it.
const scratchPrefix = "tokenmill-build-"

// scratchName is the start of this process's scratch folder's name.
func scratchName() string {
	host, _ := os.Hostname()
	return scratchPrefix + host + "-" + strconv.Itoa(os.Getpid()) + "-"
}

// removeDeadScratch removes the scratch folders that builds of this host
// left when they were killed: those whose pid no longer runs. A folder of
// another host (a temporary folder shared between machines) is left alone.
func removeDeadScratch(root string, log *slog.Logger) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	me, _ := os.Hostname()
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), scratchPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		// HOST-PID-RANDOM, and the host may hold dashes.
		i := strings.LastIndexByte(rest, '-')
		if i < 0 {
			continue
		}
		j := strings.LastIndexByte(rest[:i], '-')
		if j < 0 {
			continue
		}
		host := rest[:j]
		pid, err := strconv.Atoi(rest[j+1 : i])
		if err != nil || host != me || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if os.RemoveAll(filepath.Join(root, e.Name())) == nil {
			log.Info("removed the scratch folder of a killed build", "path", filepath.Join(root, e.Name()), "pid", pid)
		}
	}
}
