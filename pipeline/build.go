package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/internal/invariants"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

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

// RecordFormat is the layout version of task and group records; a record
// of another version is not trusted and its work is done again.
const RecordFormat = 2

// TaskRecord is written, atomically, when a task has committed its input's
// shards: what it wrote (for the manifest) and everything it counted (for
// stats.json). The build's manifest and stats are merged from task and
// group records, so they are the same whether the build ran at once, was
// killed and resumed, or had its tasks run on other machines. It holds no
// timings: the same task makes the same bytes.
type TaskRecord struct {
	Format       int              `json:"format"`
	RecipeSHA256 string           `json:"recipe_sha256"`
	Input        manifest.Input   `json:"input"`
	Shards       []manifest.Shard `json:"shards"`
	Docs         int64            `json:"docs"`
	Tokens       int64            `json:"tokens"`
	Bytes        int64            `json:"bytes"`
	// Group is, where the chain has a Gatherer, the digest of the names of
	// the inputs the gatherers observed with this one (see groupDigest): an
	// output made while another input of its group had failed is not the
	// output of the whole group, and the next run makes it again.
	Group string     `json:"group,omitempty"`
	Stats *TaskStats `json:"stats"`
}

// groupDigest names a set of inputs observed together.
func groupDigest(names []string) string { return Digest([]byte(strings.Join(names, "\n"))) }

// GroupRecord is written when every task of a group of inputs has
// committed: the counters each step of the chain reported for the group
// (StatsReporter), which belong to step instances, not to one input.
type GroupRecord struct {
	Format       int    `json:"format"`
	RecipeSHA256 string `json:"recipe_sha256"`
	// Inputs names the group's inputs in order: a record made for another
	// grouping is not this group's.
	Inputs   []string           `json:"inputs"`
	Counters []map[string]int64 `json:"counters"`
}

// TaskRecordKey is where the task record of a source's input is stored.
func TaskRecordKey(source, name string) string { return "_tasks/" + source + "/" + name + ".json" }

// GroupRecordKey is where the record of a source's group is stored.
func GroupRecordKey(source string, group int) string {
	return "_groups/" + source + "/" + strconv.Itoa(group) + ".json"
}

// previousManifestKey keeps the manifest of an earlier build while this
// one writes: manifest.json never lists shards that are being replaced.
const previousManifestKey = "_previous/manifest.json"

// FailedError ends a build some of whose inputs failed; everything else
// was built, and the manifest lists it.
type FailedError struct{ Failed []FailedInput }

func (e *FailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d input(s) failed:", len(e.Failed))
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "\n  %s: %s", f.Input, f.Error)
	}
	return b.String()
}

// run is the state of one execution of a plan.
type run struct {
	p       *Plan
	superOn sync.Once
	superE  error
}

// Run executes the plan: it locks the output, runs each source's groups as
// phases through the Executor, skipping the tasks whose records (with the
// same recipe digest) exist, so rerunning after a crash finishes the build,
// and writes stats.json and, last, manifest.json. A killed run loses at most
// the tasks in flight, whose outputs were never committed. Inputs that fail
// are named in the stats and the returned *FailedError; the rest is built.
func (p *Plan) Run(ctx context.Context) (*Stats, error) {
	release, err := lockOutput(ctx, p.Out)
	if err != nil {
		return nil, err
	}
	defer release()
	if p.TokenizerModel != nil {
		// The output carries its tokenizer: a trainer or a reader of the
		// token shards needs nothing else.
		if err := p.Out.WriteFile(ctx, manifest.TokenizerFile, p.TokenizerModel); err != nil {
			return nil, err
		}
	}
	r := &run{p: p}
	start := time.Now()
	stats := &Stats{Workers: p.Workers}
	man := &manifest.Manifest{Format: manifest.FormatVersion, Version: 1, RecipeSHA256: p.Recipe.Digest, Tool: p.Tool, Tokenizer: p.Tokenizer, Models: p.Models}
	for _, sp := range p.Sources {
		ss, ms, err := r.source(ctx, sp)
		if ss != nil {
			stats.Sources = append(stats.Sources, ss)
		}
		if err != nil {
			return stats, err
		}
		man.Sources = append(man.Sources, *ms)
	}
	stats.Seconds = time.Since(start).Seconds()
	if err := r.writeOutputs(ctx, man, stats); err != nil {
		return stats, err
	}
	if f := stats.Failed(); len(f) > 0 {
		return stats, &FailedError{Failed: f}
	}
	return stats, nil
}

// sourceRun is the state of one source during a run.
type sourceRun struct {
	r      *run
	sp     *SourcePlan
	tot    *sourceTotals
	recs   []*TaskRecord // by input index, nil until committed
	mu     sync.Mutex
	failed map[int]error
	done   int
	used   bool // the gatherers have seen a group: the next needs fresh ones
}

func (r *run) newSource(sp *SourcePlan) *sourceRun {
	s := &sourceRun{r: r, sp: sp, tot: newSourceTotals(sp.Name, sp.Steps), recs: make([]*TaskRecord, len(sp.Inputs)), failed: map[int]error{}}
	s.tot.s.Inputs = len(sp.Inputs)
	return s
}

func (r *run) source(ctx context.Context, sp *SourcePlan) (*SourceStats, *manifest.Source, error) {
	s := r.newSource(sp)
	if err := s.readRecords(ctx); err != nil {
		return s.tot.finish(), nil, err
	}
	for gi, g := range sp.groups() {
		if err := s.group(ctx, gi, g[0], g[1]); err != nil {
			return s.tot.finish(), nil, err
		}
	}
	ms := &manifest.Source{Name: sp.Name, Weight: sp.Weight, Epochs: sp.Epochs}
	for i, rec := range s.recs {
		if err, bad := s.failed[i]; bad {
			s.tot.s.Failed = append(s.tot.s.Failed, FailedInput{Input: describe(sp.Inputs[i]), Error: err.Error()})
			continue
		}
		if rec == nil {
			continue
		}
		s.tot.addTask(rec.Stats)
		ms.Shards = append(ms.Shards, rec.Shards...)
		ms.Inputs = append(ms.Inputs, rec.Input)
		ms.Docs += rec.Docs
		ms.Tokens += rec.Tokens
		ms.Bytes += rec.Bytes
	}
	return s.tot.finish(), ms, nil
}

// readRecords loads the task records a previous run left, trusting those of
// this recipe and record format whose shards are all there.
func (s *sourceRun) readRecords(ctx context.Context) error {
	p := s.r.p
	objs, err := p.Out.List(ctx, "_tasks/"+s.sp.Name+"/")
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, o := range objs {
		have[o.Key] = true
	}
	for i, in := range s.sp.Inputs {
		key := TaskRecordKey(s.sp.Name, in.Name)
		if !have[key] {
			continue
		}
		data, err := p.Out.ReadFile(ctx, key)
		if errors.Is(err, storage.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		var rec TaskRecord
		if json.Unmarshal(data, &rec) != nil || rec.Format != RecordFormat || rec.RecipeSHA256 != p.Recipe.Digest || rec.Stats == nil {
			continue // another recipe's or version's output: redo it
		}
		ok := true
		for _, sh := range rec.Shards {
			if ok, err = p.Out.Exists(ctx, sh.Path); err != nil {
				return err
			} else if !ok {
				break
			}
		}
		if ok {
			s.recs[i] = &rec
			s.tot.s.Resumed++
			s.done++
		}
	}
	return nil
}

func (s *sourceRun) readGroupRecord(ctx context.Context, gi int, names []string) (*GroupRecord, error) {
	data, err := s.r.p.Out.ReadFile(ctx, GroupRecordKey(s.sp.Name, gi))
	if errors.Is(err, storage.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var g GroupRecord
	if json.Unmarshal(data, &g) != nil || g.Format != RecordFormat || g.RecipeSHA256 != s.r.p.Recipe.Digest || !slices.Equal(g.Inputs, names) {
		return nil, nil
	}
	return &g, nil
}

// hasCounters reports whether a step of the chain keeps counters.
func hasCounters(steps []Step) bool {
	for _, st := range steps {
		if _, ok := st.(StatsReporter); ok {
			return true
		}
	}
	return false
}

// groupState is what a group needs, from the records a run finds.
type groupState struct {
	names   []string
	pending []int        // inputs to write
	recount []int        // committed inputs to run again for the counters
	grec    *GroupRecord // the group's record, nil if missing
}

// state reads what is left of a group. Records of outputs made while part
// of the group had failed are dropped: those inputs are written again.
func (s *sourceRun) state(ctx context.Context, gi, g0, g1 int) (*groupState, error) {
	sp := s.sp
	st := &groupState{names: make([]string, 0, g1-g0)}
	for i := g0; i < g1; i++ {
		st.names = append(st.names, sp.Inputs[i].Name)
	}
	want := ""
	if countGatherers(sp.Steps) > 0 {
		want = groupDigest(st.names)
	}
	var committed []int
	for i := g0; i < g1; i++ {
		if rec := s.recs[i]; rec != nil && rec.Group != want {
			s.recs[i] = nil
			s.tot.s.Resumed--
			s.done--
		}
		if s.recs[i] == nil {
			st.pending = append(st.pending, i)
		} else {
			committed = append(committed, i)
		}
	}
	var err error
	if st.grec, err = s.readGroupRecord(ctx, gi, st.names); err != nil {
		return nil, err
	}
	// A group whose counters were never recorded runs its committed inputs
	// again, writing nothing, when the chain has counters to recount.
	if st.grec == nil && hasCounters(sp.Steps) {
		st.recount = committed
	}
	return st, nil
}

// phases lists the phases a group still needs: none when it is complete.
func (s *sourceRun) phases(gi, g0, g1 int, st *groupState) []*Phase {
	sp := s.sp
	if len(st.pending) == 0 && (st.grec != nil || len(st.recount) == 0) {
		return nil
	}
	var out []*Phase
	for gs, step := range sp.Steps {
		if _, ok := step.(Gatherer); !ok {
			continue
		}
		ph := &Phase{Source: sp.Name, Group: gi, Kind: PhaseObserve, Step: gs}
		for i := g0; i < g1; i++ {
			ph.Tasks = append(ph.Tasks, Task{Source: sp.Name, Index: i, Shard: i - g0, Input: sp.Inputs[i]})
		}
		out = append(out, ph)
	}
	ph := &Phase{Source: sp.Name, Group: gi, Kind: PhaseWrite, Step: -1}
	for _, i := range st.pending {
		ph.Tasks = append(ph.Tasks, Task{Source: sp.Name, Index: i, Shard: i - g0, Input: sp.Inputs[i]})
	}
	for _, i := range st.recount {
		ph.Tasks = append(ph.Tasks, Task{Source: sp.Name, Index: i, Shard: i - g0, Input: sp.Inputs[i], CountOnly: true})
	}
	slices.SortFunc(ph.Tasks, func(a, b Task) int { return a.Index - b.Index })
	return append(out, ph)
}

// Phases lists the phases a run of the plan would run now, given the
// records in the output: the groups already complete have none. Run makes
// the same phases, leaving out of each the inputs that failed before it.
func (p *Plan) Phases(ctx context.Context) ([]*Phase, error) {
	r := &run{p: p}
	var out []*Phase
	for _, sp := range p.Sources {
		s := r.newSource(sp)
		if err := s.readRecords(ctx); err != nil {
			return nil, err
		}
		for gi, g := range sp.groups() {
			st, err := s.state(ctx, gi, g[0], g[1])
			if err != nil {
				return nil, err
			}
			out = append(out, s.phases(gi, g[0], g[1], st)...)
		}
	}
	return out, nil
}

// group runs one group of inputs [g0, g1): an observe phase per gatherer,
// then the write phase, then its group record.
func (s *sourceRun) group(ctx context.Context, gi, g0, g1 int) error {
	p, sp := s.r.p, s.sp
	st, err := s.state(ctx, gi, g0, g1)
	if err != nil {
		return err
	}
	names := st.names
	phases := s.phases(gi, g0, g1, st)
	if len(phases) == 0 {
		if st.grec != nil {
			s.tot.addCounters(st.grec.Counters)
			return nil
		}
		return s.writeGroupRecord(ctx, gi, names, make([]map[string]int64, len(sp.Steps)))
	}
	if s.used {
		if err := s.renewGatherers(); err != nil {
			return err
		}
	}
	s.used = true

	// Step counters: a gatherer is fresh for the group, its counters are
	// the group's; a shared step's are the group's difference. Counts made
	// while a step ran in a later gatherer's observe phase are subtracted:
	// those documents pass it again in the write phase.
	start := make([]map[string]int64, len(sp.Steps))
	for i, st := range sp.Steps {
		if _, ok := st.(Gatherer); !ok {
			start[i] = counters(st)
		}
	}
	observed := make([]map[string]int64, len(sp.Steps))
	// The first phase keeps the inputs in spill files that the later
	// phases read instead of the inputs (see spill.go).
	var sps *spills
	if countGatherers(sp.Steps) > 0 && !p.NoSpill {
		if sps, err = newSpills(filepath.Join(p.TempDir, "spill", sp.Name, strconv.Itoa(gi)), p.SpillBytes); err != nil {
			return err
		}
		sps.record = true
		defer sps.remove()
	}
	// Inputs that failed in an earlier phase are left out of the later ones.
	live := func(ph *Phase) *Phase {
		ph.Tasks = slices.DeleteFunc(ph.Tasks, func(t Task) bool { return s.isFailed(t.Index) })
		return ph
	}
	for _, ph := range phases[:len(phases)-1] {
		gs := ph.Step
		g := sp.Steps[gs].(Gatherer)
		live(ph)
		before := make([]map[string]int64, gs)
		for j := range before {
			before[j] = counters(sp.Steps[j])
		}
		ps := p.newPass(sp, sp.Steps[:gs], sps)
		err := p.Executor.Run(ctx, ph, s.guard(func(ctx context.Context, t Task) error {
			_, err := ps.runShard(ctx, t.Input, nil, func(d *Doc) error {
				if err := g.Observe(t.Shard, d); err != nil {
					return fmt.Errorf("%s: %s, observing %s: %w%s", sp.Name, g.Name(), describe(t.Input), err, shardNames(err, sp.Inputs[g0:g1]))
				}
				return nil
			})
			return err
		}))
		ps.close()
		if sps != nil {
			sps.record = false
		}
		for j := range before {
			observed[j] = addDiff(observed[j], counters(sp.Steps[j]), before[j])
		}
		if err != nil {
			return err
		}
		if err := g.Seal(ctx); err != nil {
			return fmt.Errorf("%s: %s: %w", sp.Name, g.Name(), err)
		}
	}

	ph := live(phases[len(phases)-1])
	observedBy := ""
	if countGatherers(sp.Steps) > 0 {
		var seen []string
		for i := g0; i < g1; i++ {
			if !s.isFailed(i) {
				seen = append(seen, sp.Inputs[i].Name)
			}
		}
		observedBy = groupDigest(seen)
	}
	ps := p.newPass(sp, sp.Steps, sps)
	var ids sync.Map // invariants: IDs are unique within a source's group
	err = p.Executor.Run(ctx, ph, s.guard(func(ctx context.Context, t Task) error {
		return s.write(ctx, ps, t, observedBy, &ids)
	}))
	ps.close()
	if err != nil {
		return err
	}
	cs := make([]map[string]int64, len(sp.Steps))
	for i, st := range sp.Steps {
		c := counters(st)
		if c == nil {
			continue
		}
		cs[i] = addDiff(nil, c, start[i])
		for k, v := range observed[i] {
			cs[i][k] -= v
		}
	}
	s.tot.addCounters(cs)
	for i := g0; i < g1; i++ {
		if s.isFailed(i) {
			return nil // no group record: the next run redoes what failed
		}
	}
	return s.writeGroupRecord(ctx, gi, names, cs)
}

// shardNames names the inputs a gatherer's error refers to as "shard N"
// (their index in the group), which only the pipeline can name.
func shardNames(err error, group []Input) string {
	var b strings.Builder
	seen := map[int]bool{}
	f := strings.Fields(err.Error())
	for i := 0; i+1 < len(f); i++ {
		if f[i] != "shard" {
			continue
		}
		n, perr := strconv.Atoi(strings.TrimRight(f[i+1], ",.:;)"))
		if perr != nil || n < 0 || n >= len(group) || seen[n] {
			continue
		}
		seen[n] = true
		fmt.Fprintf(&b, "; shard %d is %s", n, describe(group[n]))
	}
	return b.String()
}

// addDiff adds after-before to acc (made when nil) and returns it.
func addDiff(acc, after, before map[string]int64) map[string]int64 {
	if after == nil {
		return acc
	}
	if acc == nil {
		acc = map[string]int64{}
	}
	for k, v := range after {
		acc[k] += v - before[k]
	}
	return acc
}

func (s *sourceRun) writeGroupRecord(ctx context.Context, gi int, names []string, cs []map[string]int64) error {
	data, err := json.MarshalIndent(&GroupRecord{Format: RecordFormat, RecipeSHA256: s.r.p.Recipe.Digest, Inputs: names, Counters: cs}, "", "  ")
	if err != nil {
		return err
	}
	return s.r.p.Out.WriteFile(ctx, GroupRecordKey(s.sp.Name, gi), data)
}

func (s *sourceRun) isFailed(i int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, bad := s.failed[i]
	return bad
}

// guard turns an input's failure into a failed task: recorded, logged, and
// not an error of the phase. Other errors stop the build.
func (s *sourceRun) guard(fn TaskFunc) TaskFunc {
	return func(ctx context.Context, t Task) error {
		err := fn(ctx, t)
		var ie *InputError
		if err == nil || !errors.As(err, &ie) || ctx.Err() != nil {
			return err
		}
		s.r.p.Logger.Error("input failed", "source", t.Source, "input", describe(t.Input), "err", err)
		s.mu.Lock()
		s.failed[t.Index] = err
		s.mu.Unlock()
		return nil
	}
}

// write runs one write task: the whole chain over the input, its shards
// committed, then its task record.
func (s *sourceRun) write(ctx context.Context, ps *pass, t Task, group string, ids *sync.Map) error {
	p, sp, in := s.r.p, s.sp, t.Input
	if t.CountOnly {
		_, err := ps.runShard(ctx, in, nil, func(*Doc) error { return nil })
		return err
	}
	tc := newTaskCounter(len(sp.Steps))
	tc.live = p.live[sp.Name]
	sink, err := p.Sink.Open(ctx, sp.Name, in)
	if err != nil {
		return err
	}
	if dw, ok := sink.(DroppedWriter); ok && dw.KeepsDropped() {
		tc.keep = dw.WriteDropped
	}
	digest, err := ps.runShard(ctx, in, tc, func(d *Doc) error {
		if invariants.Enabled {
			if prev, dup := ids.LoadOrStore(d.ID, in.URL); dup {
				panic(fmt.Sprintf("pipeline: invariant: document ID %q in %s and in %s", d.ID, prev, in.URL))
			}
		}
		tc.dout.Add(1)
		tc.bout.Add(int64(len(d.Text)))
		tc.toks.Add(int64(len(d.Tokens)))
		return sink.Write(d)
	})
	if err == nil {
		err = s.r.supersede(ctx)
	}
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
	rec := &TaskRecord{Format: RecordFormat, RecipeSHA256: p.Recipe.Digest,
		Input:  manifest.Input{Path: in.URL, Part: in.Part, Size: size, SHA256: digest.Sum(), ETag: in.ETag},
		Shards: r.Shards, Docs: r.Docs, Tokens: r.Tokens, Bytes: r.Bytes, Group: group, Stats: tc.stats()}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := p.Out.WriteFile(ctx, TaskRecordKey(sp.Name, in.Name), data); err != nil {
		return err
	}
	s.mu.Lock()
	s.recs[t.Index] = rec
	s.tot.addTime(tc)
	s.done++
	n := s.done
	s.mu.Unlock()
	if p.Progress != nil {
		p.Progress(sp.Name, n, len(sp.Inputs))
	}
	return nil
}

// renewGatherers replaces the source's gatherers with fresh instances for
// the next group, closing the old ones.
func (s *sourceRun) renewGatherers() error {
	sp := s.sp
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
		if c, ok := st.(Closer); ok {
			if err := c.Close(); err != nil {
				return err
			}
		}
		sp.Steps[i] = fresh
	}
	return nil
}

// supersede moves an earlier build's manifest.json aside before this build
// commits its first shard, so that manifest.json never lists a shard that
// is being replaced (a killed rebuild leaves no manifest, not a wrong one).
// The moved manifest stays the base of the merge, for the rerun too.
func (r *run) supersede(ctx context.Context) error {
	r.superOn.Do(func() {
		out := r.p.Out
		data, err := out.ReadFile(ctx, "manifest.json")
		if errors.Is(err, storage.ErrNotExist) {
			return
		}
		if err == nil {
			err = out.WriteFile(ctx, previousManifestKey, data)
		}
		if err == nil {
			err = out.Remove(ctx, "manifest.json")
		}
		if err != nil {
			r.superE = fmt.Errorf("supersede the previous manifest: %w", err)
		}
	})
	return r.superE
}

// writeOutputs writes stats.json and then the manifest, merging with a
// previous manifest in the same place (incremental ingestion).
func (r *run) writeOutputs(ctx context.Context, man *manifest.Manifest, stats *Stats) error {
	out := r.p.Out
	sj, err := stats.JSON()
	if err != nil {
		return err
	}
	if err := out.WriteFile(ctx, "stats.json", sj); err != nil {
		return err
	}
	old, err := out.ReadFile(ctx, "manifest.json")
	if errors.Is(err, storage.ErrNotExist) {
		old, err = out.ReadFile(ctx, previousManifestKey)
	}
	if err != nil && !errors.Is(err, storage.ErrNotExist) {
		return err
	}
	if err == nil {
		if prev, perr := manifest.Parse(old); perr == nil {
			merged := mergeManifests(prev, man)
			mb, _ := merged.Marshal()
			pb, _ := prev.Marshal()
			if string(mb) == string(pb) {
				man = nil // nothing new: keep version N as it is
			} else {
				merged.Version = prev.Version + 1
				man = merged
			}
		}
	}
	if man == nil {
		if ok, _ := out.Exists(ctx, "manifest.json"); !ok {
			if err := out.WriteFile(ctx, "manifest.json", old); err != nil {
				return err
			}
		}
	} else {
		data, err := man.Marshal()
		if err != nil {
			return err
		}
		if err := out.WriteFile(ctx, "manifest.json", data); err != nil {
			return err
		}
	}
	if err := out.Remove(ctx, previousManifestKey); err != nil && !errors.Is(err, storage.ErrNotExist) {
		return err
	}
	return nil
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
		// Previous entries keep their place (a path written again takes its
		// new entry there); new ones follow in this build's order.
		var shards []manifest.Shard
		at := map[string]int{}
		for _, sh := range append(slices.Clone(old.Shards), s.Shards...) {
			k := sh.Kind + "\x00" + sh.Path
			if i, ok := at[k]; ok {
				shards[i] = sh
				continue
			}
			at[k] = len(shards)
			shards = append(shards, sh)
		}
		var inputs []manifest.Input
		inAt := map[string]int{}
		for _, in := range append(slices.Clone(old.Inputs), s.Inputs...) {
			k := in.Path + "\x00" + in.Part
			if i, ok := inAt[k]; ok {
				inputs[i] = in
				continue
			}
			inAt[k] = len(inputs)
			inputs = append(inputs, in)
		}
		tokens := false
		for _, sh := range shards {
			tokens = tokens || sh.Kind == manifest.KindTokens
		}
		m := s
		m.Shards, m.Inputs, m.Docs, m.Tokens, m.Bytes = shards, inputs, 0, 0, 0
		for _, sh := range shards {
			if sh.Kind == manifest.KindTokens || !tokens {
				m.Docs += sh.Rows
			}
			m.Tokens += sh.Tokens
			m.Bytes += sh.Bytes
		}
		byName[s.Name] = m
	}
	for _, n := range order {
		out.Sources = append(out.Sources, byName[n])
	}
	return &out
}

func (p *Plan) newPass(sp *SourcePlan, steps []Step, sps *spills) *pass {
	ps := &pass{src: sp.Source, steps: steps, files: p.Files, jobs: make(chan *batch, p.Workers), workers: p.Workers,
		batchBytes: p.batchBytes, spills: sps}
	var wg sync.WaitGroup
	startWorkers(p.Workers, ps.jobs, &wg, ps.apply)
	ps.wait = wg.Wait
	return ps
}

func (p *pass) close() {
	close(p.jobs)
	p.wait()
}

// Digest returns the hex SHA-256 of data, for recipes and inputs.
func Digest(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// RunTask runs one write task on its own, as a worker of a cluster executor
// does with a plan made by NewPlan from the same recipe and options: it
// commits the input's shards and writes its task record, which the
// coordinator's Run then takes as done. It neither locks the output nor
// moves the manifest aside: the coordinator does. A chain with a Gatherer
// needs its group's observe phases in the same process first, so RunTask
// refuses it. An input that fails returns its *InputError.
func (p *Plan) RunTask(ctx context.Context, t Task) error {
	var sp *SourcePlan
	for _, s := range p.Sources {
		if s.Name == t.Source {
			sp = s
		}
	}
	if sp == nil {
		return fmt.Errorf("task of source %q: the plan has no such source", t.Source)
	}
	if countGatherers(sp.Steps) > 0 {
		return fmt.Errorf("task of source %s: its chain has cross-document steps, whose state lives with the phases that observed the group", sp.Name)
	}
	if t.Index < 0 || t.Index >= len(sp.Inputs) || sp.Inputs[t.Index].Name != t.Input.Name {
		return fmt.Errorf("task of source %s: input %d is not %q in this plan", sp.Name, t.Index, t.Input.Name)
	}
	r := &run{p: p}
	r.superOn.Do(func() {}) // the coordinator's business
	s := r.newSource(sp)
	ps := p.newPass(sp, sp.Steps, nil)
	defer ps.close()
	var ids sync.Map
	return s.write(ctx, ps, t, "", &ids)
}
