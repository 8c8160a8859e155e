package data

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Batch is one step's rows for this rank.
type Batch struct {
	// Step counts from 0 over the run.
	Step int64
	// Inputs[i] and Targets[i] are SeqLen long; Targets[i][k] is the token
	// after Inputs[i][k]. They share one backing array of SeqLen+1 tokens per
	// row, owned by the caller: the loader keeps no reference.
	Inputs, Targets [][]int32
	// Sources[i] names the source of row i.
	Sources []string
}

// State is a loader's position, for checkpoints. It encodes to JSON.
type State struct {
	// Samples is the number of global samples consumed (a whole number of
	// steps), the same on every rank.
	Samples int64 `json:"samples"`
	// ConfigHash is the [Plan.ConfigHash] of the run that saved it.
	ConfigHash string `json:"config_hash"`
}

// Loader serves one rank's rows of a run. It is not safe for concurrent use:
// one goroutine calls Next; read-ahead runs on goroutines of its own.
type Loader struct {
	cfg     Config
	plan    *Plan
	store   *storage.Store
	rd      *shardReader
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	streams []*stream
	sched   *schedule
	step    int64
	err     error
	closed  bool
}

// Open reads the manifest at manifestURL (a local path, file://, s3:// or
// gs:// URL of manifest.json), computes the [Plan] and indexes every token
// shard of the sources in it by reading their n_tokens columns, checking the
// counts against the manifest. Token data is read later, a window at a time.
func Open(ctx context.Context, manifestURL string, cfg Config) (*Loader, error) {
	return open(ctx, manifestURL, cfg, nil)
}

// ReadManifest reads, parses and validates the manifest at manifestURL (see
// [manifest.Manifest.Validate]), as Open does first. A caller that sizes
// something by the manifest (a model by its vocabulary) can check it before
// Open reads the shards.
func ReadManifest(ctx context.Context, manifestURL string) (*manifest.Manifest, error) {
	dir, name := storage.SplitURL(manifestURL)
	store, err := storage.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer store.Close()
	return readManifest(ctx, store, name)
}

func readManifest(ctx context.Context, store *storage.Store, name string) (*manifest.Manifest, error) {
	raw, err := store.ReadFile(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	m, err := manifest.Parse(raw)
	if err == nil {
		// Before anything is sized by the manifest's numbers.
		err = m.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", store.URL(name), err)
	}
	return m, nil
}

func open(ctx context.Context, manifestURL string, cfg Config, wrap func(string, storage.ReaderAt) storage.ReaderAt) (*Loader, error) {
	dir, name := storage.SplitURL(manifestURL)
	store, err := storage.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	m, err := readManifest(ctx, store, name)
	if err != nil {
		store.Close()
		return nil, err
	}
	cfg = cfg.withDefaults()
	plan, err := NewPlan(m, cfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l := &Loader{cfg: cfg, plan: plan, store: store, rd: &shardReader{store: store, wrap: wrap, tokenizerSHA256: m.Tokenizer.SHA256}, ctx: lctx, cancel: cancel}
	if err := l.index(ctx); err != nil {
		l.Close()
		return nil, err
	}
	l.sched = newSchedule(plan)
	return l, nil
}

// index builds every source's row-group table, a few shards at a time.
func (l *Loader) index(ctx context.Context) error {
	type job struct{ src, shard int }
	var jobs []job
	tables := make([][][]rowGroup, len(l.plan.Sources))
	for i, ps := range l.plan.Sources {
		tables[i] = make([][]rowGroup, len(ps.shards))
		for j := range ps.shards {
			jobs = append(jobs, job{i, j})
		}
	}
	errs := make([]error, len(jobs))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for k, jb := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			sh := l.plan.Sources[jb.src].shards[jb.shard]
			tables[jb.src][jb.shard], errs[k] = l.rd.index(ctx, jb.shard, sh, !l.cfg.SkipSHA256)
		}()
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			return fmt.Errorf("data: source %s: %w", l.plan.Sources[jobs[k].src].Name, err)
		}
	}
	for i, ps := range l.plan.Sources {
		s := &stream{l: l, name: ps.Name, shards: ps.shards, perEp: ps.StreamTokens,
			limit: ps.Quota*int64(l.cfg.SeqLen) + 1, windows: map[winKey]*window{}}
		for _, t := range tables[i] {
			s.rgs = append(s.rgs, t...)
		}
		l.streams = append(l.streams, s)
	}
	return nil
}

// Plan returns the run's plan; the caller must not modify it.
func (l *Loader) Plan() *Plan { return l.plan }

// Stats returns what has been read from storage so far.
func (l *Loader) Stats() Stats { return l.rd.stats() }

// Next returns this rank's rows of the next step, or io.EOF after the last
// step. Errors are sticky: after one, Next returns it until Resume succeeds.
func (l *Loader) Next() (Batch, error) {
	if l.err != nil {
		return Batch{}, l.err
	}
	if l.closed {
		return Batch{}, fmt.Errorf("data: Next on a closed loader")
	}
	if l.step >= l.plan.Steps {
		return Batch{}, io.EOF
	}
	g, L := l.cfg.GlobalBatch, l.cfg.SeqLen
	per := g / l.cfg.World
	lo := l.cfg.Rank * per
	b := Batch{Step: l.step, Inputs: make([][]int32, per), Targets: make([][]int32, per), Sources: make([]string, per)}
	buf := make([]int32, per*(L+1))
	for k := 0; k < g; k++ {
		src, j := l.sched.next()
		if k < lo || k >= lo+per {
			continue
		}
		r := k - lo
		row := buf[r*(L+1) : (r+1)*(L+1) : (r+1)*(L+1)]
		if err := l.streams[src].read(row, j*int64(L)); err != nil {
			l.err = fmt.Errorf("data: step %d row %d: %w", l.step, k, err)
			return Batch{}, l.err
		}
		b.Inputs[r], b.Targets[r], b.Sources[r] = row[:L], row[1:], l.streams[src].name
	}
	l.step++
	return b, nil
}

// Position returns the state to save with a checkpoint taken after the
// batches returned so far.
func (l *Loader) Position() State {
	return State{Samples: l.step * int64(l.cfg.GlobalBatch), ConfigHash: l.plan.ConfigHash}
}

// Resume moves the loader to st, so that Next returns what it would have
// returned after st.Samples samples of an uninterrupted run. A state saved
// under another configuration is refused with ErrConfigMismatch unless
// force is set, in which case this run's stream continues from the same
// sample count. World size may differ from the run that saved st.
func (l *Loader) Resume(st State, force bool) error {
	if st.ConfigHash != l.plan.ConfigHash && !force {
		return fmt.Errorf("%w: saved %.12s, this run is %.12s (set force to continue anyway)",
			ErrConfigMismatch, st.ConfigHash, l.plan.ConfigHash)
	}
	g := int64(l.cfg.GlobalBatch)
	if st.Samples < 0 || st.Samples%g != 0 || st.Samples > l.plan.Samples {
		return fmt.Errorf("data: resume at sample %d: not a step boundary of %d within the run's %d samples",
			st.Samples, g, l.plan.Samples)
	}
	// The interleave is a sequential rule; replaying it costs one comparison
	// per source per sample, no I/O.
	l.sched = newSchedule(l.plan)
	for i := int64(0); i < st.Samples; i++ {
		l.sched.next()
	}
	for _, s := range l.streams {
		s.reset()
	}
	l.step = st.Samples / g
	l.err = nil
	return nil
}

// Close stops read-ahead and releases the storage connection. It may be
// called more than once.
func (l *Loader) Close() error {
	if l.closed {
		return nil
	}
	l.closed = true
	l.cancel()
	l.wg.Wait()
	return l.store.Close()
}
