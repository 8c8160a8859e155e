package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/internal/invariants"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// SourcePlan is one source of a build: its reader, resolved inputs and chain.
type SourcePlan struct {
	Name   string
	Source Source
	Inputs []Input
	Steps  []Step
	// GroupSize is the number of input shards that cross-document steps
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

// Sink makes the outputs of one input shard. The pipeline does not know
// their format; Commit returns the manifest entries of what it wrote.
type Sink interface {
	Open(ctx context.Context, source string, in Input) (ShardSink, error)
}

// ShardResult is what a committed shard sink reports for the manifest.
type ShardResult struct {
	Shards []manifest.Shard
	Docs   int64
	Tokens int64
	Bytes  int64
}

// Build runs sources through their chains and writes shards, completion
// markers, stats.json and, last, manifest.json under Out.
type Build struct {
	Sources []SourcePlan
	Out     *storage.Store
	Sink    Sink
	// Files is the storage sources read their inputs through.
	Files Files
	// Workers is the size of the worker pool; 0 means all cores.
	Workers   int
	RecipeSHA string
	// Tool is the version string the manifest records.
	Tool      string
	Tokenizer *manifest.Tokenizer
	Logger    *slog.Logger
	// Progress, when set, is called after every committed shard.
	Progress func(source string, done, total int, st *SourceStats)
}

// marker is the completion record of one input shard's task.
type marker struct {
	RecipeSHA256 string           `json:"recipe_sha256"`
	Input        manifest.Input   `json:"input"`
	Shards       []manifest.Shard `json:"shards"`
	Docs         int64            `json:"docs"`
	Tokens       int64            `json:"tokens"`
	Bytes        int64            `json:"bytes"`
}

func markerKey(source, name string) string { return "_tasks/" + source + "/" + name + ".json" }

// Run executes the build. A task whose completion marker (with the same
// recipe digest) exists is skipped, so rerunning after a crash finishes the
// build; a killed run loses at most the shards in flight, whose outputs were
// never committed.
func (b *Build) Run(ctx context.Context) (*Stats, error) {
	if b.Workers <= 0 {
		b.Workers = runtime.NumCPU()
	}
	if b.Logger == nil {
		b.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	start := time.Now()
	stats := &Stats{Workers: b.Workers}
	man := &manifest.Manifest{Format: manifest.FormatVersion, Version: 1, RecipeSHA256: b.RecipeSHA, Tool: b.Tool, Tokenizer: b.Tokenizer}
	for i := range b.Sources {
		sp := &b.Sources[i]
		ss := newSourceStats(sp.Name, sp.Steps)
		stats.Sources = append(stats.Sources, ss)
		markers, err := b.runSource(ctx, sp, ss)
		for _, st := range sp.Steps {
			if c, ok := st.(Closer); ok {
				if cerr := c.Close(); cerr != nil && err == nil {
					err = cerr
				}
			}
		}
		ss.finish(sp.Steps)
		if err != nil {
			return stats, err
		}
		ms := manifest.Source{Name: sp.Name, Weight: sp.Weight, Epochs: sp.Epochs}
		for _, m := range markers {
			ms.Shards = append(ms.Shards, m.Shards...)
			ms.Inputs = append(ms.Inputs, m.Input)
			ms.Docs += m.Docs
			ms.Tokens += m.Tokens
			ms.Bytes += m.Bytes
		}
		man.Sources = append(man.Sources, ms)
	}
	stats.Seconds = time.Since(start).Seconds()
	if err := b.writeOutputs(ctx, man, stats); err != nil {
		return stats, err
	}
	return stats, nil
}

// writeOutputs writes stats.json and then the manifest, merging with a
// previous manifest in the same place (incremental ingestion).
func (b *Build) writeOutputs(ctx context.Context, man *manifest.Manifest, stats *Stats) error {
	sj, err := stats.JSON()
	if err != nil {
		return err
	}
	if err := b.Out.WriteFile(ctx, "stats.json", sj); err != nil {
		return err
	}
	if old, err := b.Out.ReadFile(ctx, "manifest.json"); err == nil {
		if prev, perr := manifest.Parse(old); perr == nil {
			merged := mergeManifests(prev, man)
			mb, _ := merged.Marshal()
			pb, _ := prev.Marshal()
			if string(mb) == string(pb) {
				return nil // nothing new: keep version N as it is
			}
			merged.Version = prev.Version + 1
			man = merged
		}
	}
	data, err := man.Marshal()
	if err != nil {
		return err
	}
	return b.Out.WriteFile(ctx, "manifest.json", data)
}

// mergeManifests lists the previous manifest's shards plus the new ones; a
// shard path present in both takes the new entry.
func mergeManifests(prev, cur *manifest.Manifest) *manifest.Manifest {
	out := *cur
	out.Version = prev.Version
	out.Sources = nil
	byName := map[string]manifest.Source{}
	var order []string
	for _, s := range prev.Sources {
		byName[s.Name] = s
		order = append(order, s.Name)
	}
	for _, s := range cur.Sources {
		old, ok := byName[s.Name]
		if !ok {
			order = append(order, s.Name)
			byName[s.Name] = s
			continue
		}
		shards := map[string]manifest.Shard{}
		for _, sh := range old.Shards {
			shards[sh.Kind+"\x00"+sh.Path] = sh
		}
		for _, sh := range s.Shards {
			shards[sh.Kind+"\x00"+sh.Path] = sh
		}
		inputs := map[string]manifest.Input{}
		for _, in := range old.Inputs {
			inputs[in.Path+"\x00"+in.Part] = in
		}
		for _, in := range s.Inputs {
			inputs[in.Path+"\x00"+in.Part] = in
		}
		m := s
		m.Shards, m.Inputs, m.Docs, m.Tokens, m.Bytes = nil, nil, 0, 0, 0
		for _, sh := range shards {
			m.Shards = append(m.Shards, sh)
			if sh.Kind == manifest.KindTokens || !hasKind(shards, manifest.KindTokens) {
				m.Docs += sh.Rows
			}
			m.Tokens += sh.Tokens
			m.Bytes += sh.Bytes
		}
		for _, in := range inputs {
			m.Inputs = append(m.Inputs, in)
		}
		byName[s.Name] = m
	}
	for _, n := range order {
		out.Sources = append(out.Sources, byName[n])
	}
	return &out
}

func hasKind(m map[string]manifest.Shard, kind string) bool {
	for _, sh := range m {
		if sh.Kind == kind {
			return true
		}
	}
	return false
}

// runSource runs one source group by group and returns its markers in input order.
func (b *Build) runSource(ctx context.Context, sp *SourcePlan, ss *SourceStats) ([]*marker, error) {
	ss.Inputs = len(sp.Inputs)
	markers := make([]*marker, len(sp.Inputs))
	group := sp.GroupSize
	if group <= 0 {
		group = len(sp.Inputs)
	}
	done, groups := 0, 0
	for g0 := 0; g0 < len(sp.Inputs); g0 += group {
		g1 := min(g0+group, len(sp.Inputs))
		var pending []int
		for i := g0; i < g1; i++ {
			m, err := b.readMarker(ctx, sp.Name, sp.Inputs[i])
			if err != nil {
				return nil, err
			}
			if m != nil {
				markers[i] = m
				ss.Resumed++
				done++
				continue
			}
			pending = append(pending, i)
		}
		if len(pending) == 0 {
			continue
		}
		if groups++; groups > 1 {
			if err := renewGatherers(sp, ss); err != nil {
				return nil, err
			}
		}
		if err := b.runGroup(ctx, sp, ss, g0, g1, pending, markers, &done); err != nil {
			return nil, err
		}
	}
	return markers, nil
}

func (b *Build) readMarker(ctx context.Context, source string, in Input) (*marker, error) {
	data, err := b.Out.ReadFile(ctx, markerKey(source, in.Name))
	if errors.Is(err, storage.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m marker
	if json.Unmarshal(data, &m) != nil || m.RecipeSHA256 != b.RecipeSHA {
		return nil, nil // another recipe's output: redo it
	}
	// The marker is written after the shards it names were committed, but
	// check they are still there before trusting it.
	for _, sh := range m.Shards {
		if ok, err := b.Out.Exists(ctx, sh.Path); err != nil || !ok {
			return nil, err
		}
	}
	return &m, nil
}

// renewGatherers replaces the source's gatherers with fresh instances for
// the next group, keeping the old ones' counters and closing them.
func renewGatherers(sp *SourcePlan, ss *SourceStats) error {
	for i, st := range sp.Steps {
		if _, ok := st.(Gatherer); !ok {
			continue
		}
		if sp.Rebuild == nil {
			return fmt.Errorf("%s: step %s needs a fresh instance per group of inputs, and the plan cannot make one", sp.Name, st.Name())
		}
		fresh, err := sp.Rebuild(i)
		if err != nil {
			return fmt.Errorf("%s: step %s: %w", sp.Name, st.Name(), err)
		}
		ss.Steps[i].keep(st)
		if c, ok := st.(Closer); ok {
			if err := c.Close(); err != nil {
				return err
			}
		}
		sp.Steps[i] = fresh
	}
	return nil
}

// runGroup makes the pre-passes the group's gatherers need, then the main
// pass over its pending shards.
func (b *Build) runGroup(ctx context.Context, sp *SourcePlan, ss *SourceStats, g0, g1 int, pending []int, markers []*marker, done *int) error {
	for gi, st := range sp.Steps {
		g, ok := st.(Gatherer)
		if !ok {
			continue
		}
		before := make([]map[string]int64, gi)
		for j := range before {
			before[j] = counters(sp.Steps[j])
		}
		p := b.newPass(sp, sp.Steps[:gi], nil)
		err := b.eachShard(ctx, g0, g1, nil, func(ctx context.Context, idx int) error {
			return p.runShard(ctx, sp.Inputs[idx], func(d *Doc) error { return g.Observe(idx-g0, d) })
		})
		p.close()
		for j := range before {
			if after := counters(sp.Steps[j]); after != nil {
				ss.Steps[j].discount(before[j], after)
			}
		}
		if err != nil {
			return err
		}
		if err := g.Seal(ctx); err != nil {
			return fmt.Errorf("%s: %s: %w", sp.Name, g.Name(), err)
		}
	}
	p := b.newPass(sp, sp.Steps, ss)
	defer p.close()
	var mu sync.Mutex
	var ids sync.Map // invariants: IDs are unique within a source's group
	return b.eachShard(ctx, g0, g1, pending, func(ctx context.Context, idx int) error {
		in := sp.Inputs[idx]
		sink, err := b.Sink.Open(ctx, sp.Name, in)
		if err != nil {
			return err
		}
		digest, err := p.runShardDigest(ctx, in, func(d *Doc) error {
			if invariants.Enabled {
				if prev, dup := ids.LoadOrStore(d.ID, in.URL); dup {
					panic(fmt.Sprintf("pipeline: invariant: document ID %q in %s and in %s", d.ID, prev, in.URL))
				}
			}
			ss.dout.Add(1)
			ss.bout.Add(int64(len(d.Text)))
			ss.toks.Add(int64(len(d.Tokens)))
			return sink.Write(d)
		})
		if err != nil {
			sink.Abort()
			return err
		}
		res, err := sink.Commit()
		if err != nil {
			return err
		}
		r, _ := res.(ShardResult)
		size := in.Size
		if digest != nil && digest.eof {
			size = digest.n
		}
		m := &marker{RecipeSHA256: b.RecipeSHA, Input: manifest.Input{Path: in.URL, Part: in.Part, Size: size, SHA256: digest.Sum(), ETag: in.ETag},
			Shards: r.Shards, Docs: r.Docs, Tokens: r.Tokens, Bytes: r.Bytes}
		data, _ := json.MarshalIndent(m, "", "  ")
		if err := b.Out.WriteFile(ctx, markerKey(sp.Name, in.Name), data); err != nil {
			return err
		}
		mu.Lock()
		markers[idx] = m
		*done++
		n := *done
		mu.Unlock()
		if b.Progress != nil {
			b.Progress(sp.Name, n, len(sp.Inputs), ss)
		}
		return nil
	})
}

func (b *Build) newPass(sp *SourcePlan, steps []Step, ss *SourceStats) *pass {
	p := &pass{src: sp.Source, steps: steps, stats: ss, files: b.Files, jobs: make(chan *batch, b.Workers), workers: b.Workers}
	var wg sync.WaitGroup
	startWorkers(b.Workers, p.jobs, &wg, p.apply)
	p.wait = wg.Wait
	return p
}

func (p *pass) close() {
	close(p.jobs)
	p.wait()
}

// eachShard runs fn over the shards [g0,g1) (or only those in subset), up
// to Workers at once; the first error cancels the others.
func (b *Build) eachShard(ctx context.Context, g0, g1 int, subset []int, fn func(context.Context, int) error) error {
	idxs := subset
	if idxs == nil {
		for i := g0; i < g1; i++ {
			idxs = append(idxs, i)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, b.Workers)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, i := range idxs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			if err := fn(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}(i)
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// Digest returns the hex SHA-256 of data, for recipes and inputs.
func Digest(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}
