package loop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/train"
	"github.com/tokenmill/tokenmill/train/data"
)

// Options configures Run: a training run on a build's token shards. The
// CLI (`tokenmill train`) parses its flags into this; the field docs are the
// flags' meanings.
type Options struct {
	Data      string             // manifest.json of a build (path or URL)
	Config    string             // model: a built-in name or a JSON config file
	Out       string             // folder for ckpt.bin
	Steps     int                // optimizer steps in the run (sets the token budget)
	Batch     int                // sequences per step
	SeqLen    int                // tokens per sequence, 0 for the model's
	LR        float64            // peak learning rate (cosine to 10% of it)
	Warmup    int                // warm-up steps, <0 for min(2000, Steps/10)
	Seed      uint64             // seed of the initialization and the data order
	CkptEvery int                // checkpoint every K steps, <=0 for Steps/10
	LogEvery  int                // print progress every K steps
	Resume    bool               // continue from Out/ckpt.bin when it exists
	ForceData bool               // resume even if the data configuration changed
	MaxEpochs float64            // refuse a run that repeats a source more often, 0 for the loader's default
	Weights   map[string]float64 // mixture weight overrides by source (0 drops it)
	StopAfter int                // stop after this many steps, as if interrupted (tests of resume)
	// SkipSHA256 skips checking every shard's SHA-256 before training (sizes
	// are checked anyway); see data.Config.SkipSHA256.
	SkipSHA256 bool
	// MemoryLimit is the memory the run may use, in bytes; the model's
	// estimated need (train.Config.TrainingBytes) must fit. 0 takes the
	// smallest of GOMEMLIMIT, the cgroup's memory.max and the machine's
	// memory; negative turns the check off.
	MemoryLimit int64
}

// ManifestURL turns --data into the manifest's URL: a build's output folder
// means its manifest.json.
func ManifestURL(d string) string {
	if strings.HasSuffix(d, ".json") {
		return d
	}
	return strings.TrimSuffix(d, "/") + "/manifest.json"
}

// check reports the options that cannot make a run, all of them.
func (f Options) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.Data == "" {
		bad("--data is required (a build's output folder or its manifest.json)")
	}
	if f.Out == "" {
		bad("--out must name a folder")
	}
	if f.Steps <= 0 {
		bad("--steps %d must be positive", f.Steps)
	}
	if f.Batch <= 0 {
		bad("--batch %d must be positive", f.Batch)
	}
	if f.SeqLen < 0 {
		bad("--seq-len %d must be positive (or 0 for the model's)", f.SeqLen)
	}
	if f.LogEvery <= 0 {
		bad("--log-every %d must be positive", f.LogEvery)
	}
	if f.CkptEvery < 0 {
		bad("--ckpt-every %d must be positive (or 0 for a tenth of --steps)", f.CkptEvery)
	}
	if !(f.LR > 0) || math.IsInf(f.LR, 0) {
		bad("--lr %v must be positive and finite", f.LR)
	}
	if f.Warmup < -1 {
		bad("--warmup %d must be 0 or more (or -1 for the default)", f.Warmup)
	}
	if !(f.MaxEpochs >= 0) || math.IsInf(f.MaxEpochs, 0) {
		bad("--max-epochs %v must be positive and finite (or 0 for the default)", f.MaxEpochs)
	}
	if f.StopAfter < 0 {
		bad("--stop-after %d must not be negative", f.StopAfter)
	}
	for _, name := range slices.Sorted(maps.Keys(f.Weights)) {
		if w := f.Weights[name]; !(w >= 0) || math.IsInf(w, 0) {
			bad("--weight %s=%v must be finite and non-negative", name, w)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if len(errs) == 1 {
		return fmt.Errorf("train: %w", errs[0])
	}
	return fmt.Errorf("train: %w", errors.Join(errs...))
}

// OptionError reports options that cannot make a run (a caller's mistake,
// not a failure of the run): the CLI prints usage for it.
type OptionError struct{ Err error }

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// checkpointExtra is what the checkpoint's extra section holds: where the
// data loader was, so a resumed run reads exactly what an uninterrupted one
// would have.
type checkpointExtra struct {
	Step int64      `json:"step"`
	Data data.State `json:"data"`
}

// Run trains a LLaMA-architecture model on the token shards of a build, read
// through the mixture-exact loader (train/data). It prints the data plan and
// progress to out, and writes Out/ckpt.bin atomically every CkptEvery steps
// and at the end; with Resume it continues from that checkpoint and reads the
// same batches an uninterrupted run would have.
func Run(ctx context.Context, out io.Writer, f Options) error {
	started := time.Now()
	if err := f.check(); err != nil {
		return &OptionError{err}
	}
	manifestURL := ManifestURL(f.Data)
	weights := f.Weights
	mcfg, err := train.ResolveConfig(f.Config)
	if err != nil {
		return &OptionError{err}
	}
	seqLen := f.SeqLen
	if seqLen == 0 {
		seqLen = mcfg.SeqLen
	}
	if seqLen > mcfg.SeqLen {
		return &OptionError{fmt.Errorf("train: --seq-len %d exceeds the model's %d", seqLen, mcfg.SeqLen)}
	}
	if f.Warmup > f.Steps {
		return &OptionError{fmt.Errorf("train: --warmup %d exceeds --steps %d", f.Warmup, f.Steps)}
	}
	// The manifest is read and validated before the loader reads any shard,
	// so that a vocabulary the machine cannot hold fails now, not after a
	// pass over the corpus or in the middle of allocating the model.
	m, err := data.ReadManifest(ctx, manifestURL)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &OptionError{fmt.Errorf("train: --data %s: no manifest there (give a build's output folder or its manifest.json): %w", f.Data, err)}
		}
		return err
	}
	if m.Tokenizer != nil && m.Tokenizer.VocabSize > 0 && mcfg.Vocab != m.Tokenizer.VocabSize {
		if _, named := train.ConfigByName(f.Config); named == nil {
			// A built-in architecture takes its vocabulary from the data.
			mcfg.Vocab = m.Tokenizer.VocabSize
			if mcfg, err = mcfg.Normalize(); err != nil {
				return err
			}
		}
	}
	if m.Tokenizer != nil && mcfg.Vocab < m.Tokenizer.VocabSize {
		return &OptionError{fmt.Errorf("train: model vocabulary %d is smaller than the tokenizer's %d", mcfg.Vocab, m.Tokenizer.VocabSize)}
	}
	if need, limit := mcfg.TrainingBytes(f.Batch, seqLen), f.memoryLimit(); limit.bytes > 0 && need > limit.bytes {
		return &OptionError{fmt.Errorf("train: model %s (vocab %d, dim %d, %d layers) needs about %s to train at --batch %d × --seq-len %d "+
			"(parameters, gradients, AdamW moments, activations), more than the %s of %s",
			f.Config, mcfg.Vocab, mcfg.Dim, mcfg.NLayers, gib(need), f.Batch, seqLen, gib(limit.bytes), limit.source)}
	}

	// One trainer per checkpoint folder: the lock makes this run the sole
	// writer of ckpt.bin, so temporary files of it that exist now were left
	// by a run killed while saving, and can go.
	if err := os.MkdirAll(f.Out, 0o755); err != nil {
		return fmt.Errorf("train: --out: %w", err)
	}
	ckpt := filepath.Join(f.Out, "ckpt.bin")
	unlock, locked, err := lockOut(ckpt)
	if err != nil {
		return err
	}
	defer unlock()
	staleBefore := time.Time{}
	if !locked {
		staleBefore = started
		fmt.Fprintf(out, "note: %s cannot be locked here (no flock): nothing stops a second trainer on it\n", f.Out)
	}
	if n, err := removeStale(ckpt, staleBefore); err != nil {
		return fmt.Errorf("train: remove stale temporary checkpoints: %w", err)
	} else if n > 0 {
		fmt.Fprintf(out, "removed %d temporary checkpoint file(s) left by a killed run\n", n)
	}

	dcfg := data.Config{Seed: f.Seed, SeqLen: seqLen, GlobalBatch: f.Batch,
		TokenBudget: int64(f.Steps) * int64(f.Batch) * int64(seqLen), MaxEpochs: f.MaxEpochs, Weights: weights,
		SkipSHA256: f.SkipSHA256}
	dl, err := data.Open(ctx, manifestURL, dcfg)
	if err != nil {
		return err
	}
	defer dl.Close()
	plan := dl.Plan()
	if mcfg.Vocab < plan.VocabSize {
		return &OptionError{fmt.Errorf("train: model vocabulary %d is smaller than the tokenizer's %d", mcfg.Vocab, plan.VocabSize)}
	}
	fmt.Fprint(out, plan.String())

	var model *train.Model
	var opt *train.AdamW
	start := int64(0)
	if _, err := os.Stat(ckpt); f.Resume && err == nil {
		r, err := train.LoadCheckpoint(ckpt, &mcfg)
		if err != nil {
			return err
		}
		var extra checkpointExtra
		if err := json.Unmarshal(r.Extra, &extra); err != nil {
			return fmt.Errorf("train: %s: data position: %w", ckpt, err)
		}
		if err := dl.Resume(extra.Data, f.ForceData); err != nil {
			return fmt.Errorf("train: %s: %w", ckpt, err)
		}
		model, opt, start = r.Model, r.Opt, extra.Step
		if opt == nil {
			opt = train.NewAdamW(model, train.LlamaAdamW)
		}
		fmt.Fprintf(out, "resumed from %s at step %d\n", ckpt, start)
	} else {
		if f.Resume {
			fmt.Fprintf(out, "no checkpoint at %s: starting from step 0\n", ckpt)
		}
		if model, err = train.NewModel(mcfg, rand.New(rand.NewPCG(f.Seed, 0x6c6c616d61))); err != nil {
			return err
		}
		opt = train.NewAdamW(model, train.LlamaAdamW)
	}
	fmt.Fprintf(out, "model %s: %d parameters (dim %d, %d layers, %d heads, vocab %d), kernel %s\n",
		f.Config, mcfg.NumParams(), mcfg.Dim, mcfg.NLayers, mcfg.NHeads, mcfg.Vocab, train.KernelName())

	warmup := f.Warmup
	if warmup < 0 {
		warmup = min(2000, f.Steps/10)
	}
	sched := train.NewSchedule(f.LR, warmup, f.Steps)
	every := f.CkptEvery
	if every <= 0 {
		every = max(1, f.Steps/10)
	}
	save := func(step int64) error {
		extra, _ := json.Marshal(checkpointExtra{Step: step, Data: dl.Position()})
		return train.SaveCheckpoint(ckpt, model, opt, extra)
	}

	var (
		sumLoss, sumNorm float64
		n                int
		srcLoss          = map[string]float64{}
		srcN             = map[string]int{}
		t0               = time.Now()
		tokens           int64
	)
	for step := start; step < int64(f.Steps); step++ {
		if f.StopAfter > 0 && step >= int64(f.StopAfter) {
			fmt.Fprintf(out, "stopped after step %d\n", step)
			return nil
		}
		b, err := dl.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		lr := sched.LR(int(step))
		model.ZeroGrad()
		loss, err := model.Forward(b.Inputs, b.Targets)
		if err != nil {
			return fmt.Errorf("train: step %d: %w", step, err)
		}
		if err := model.Backward(); err != nil {
			return fmt.Errorf("train: step %d: %w", step, err)
		}
		st := opt.Step(lr)
		for i, l := range model.SequenceLosses() {
			srcLoss[b.Sources[i]] += l
			srcN[b.Sources[i]]++
		}
		sumLoss += loss
		sumNorm += st.GradNorm
		n++
		tokens += int64(len(b.Inputs) * seqLen)
		last := step+1 == int64(f.Steps)
		if (step+1)%int64(f.LogEvery) == 0 || last {
			el := time.Since(t0).Seconds()
			fmt.Fprintf(out, "step %d/%d  loss %.4f  lr %.3g  grad %.3f  %.0f tok/s  |%s\n",
				step+1, f.Steps, sumLoss/float64(n), lr, sumNorm/float64(n), float64(tokens)/el, perSource(srcLoss, srcN))
			sumLoss, sumNorm, n, tokens, t0 = 0, 0, 0, 0, time.Now()
			clear(srcLoss)
			clear(srcN)
		}
		if (step+1)%int64(every) == 0 || last {
			if err := save(step + 1); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(out, "checkpoint %s\n", ckpt)
	return nil
}

func perSource(loss map[string]float64, n map[string]int) string {
	names := make([]string, 0, len(loss))
	for k := range loss {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, " %s %.3f", k, loss[k]/float64(n[k]))
	}
	return b.String()
}
