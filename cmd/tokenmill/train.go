package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/train"
	"github.com/tokenmill/tokenmill/train/data"
)

type trainFlags struct {
	data, config, out    string
	steps, batch, seqLen int
	lr                   float64
	warmup               int
	seed                 uint64
	ckptEvery, logEvery  int
	resume, forceData    bool
	maxEpochs            float64
	weights              []string
	stopAfter            int
}

// trainCheckpoint is what the checkpoint's extra section holds: where the
// data loader was, so a resumed run reads exactly what an uninterrupted one
// would have.
type trainCheckpoint struct {
	Step int64      `json:"step"`
	Data data.State `json:"data"`
}

func newTrainCmd() *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a LLaMA-architecture model on a build's token shards",
		Long: `Trains a LLaMA-architecture model (train package) on the token shards of a build,
read through the mixture-exact data loader (train/data) at the manifest's weights.
Prints the data plan, then every --log-every steps the loss (overall and per source),
learning rate, gradient norm and tokens/s. Writes --out/ckpt.bin (model, optimizer and
data position) atomically every --ckpt-every steps and at the end; --resume continues
from it and reads the same batches an uninterrupted run would have.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrain(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "manifest.json of a build (path, file://, s3:// or gs:// URL)")
	fl.StringVar(&f.config, "config", "tiny", "model: tiny, stories15M or a JSON config file")
	fl.StringVar(&f.out, "out", "ckpt", "folder for the checkpoint")
	fl.IntVar(&f.steps, "steps", 0, "optimizer steps in the run (sets the token budget)")
	fl.IntVar(&f.batch, "batch", 8, "sequences per step")
	fl.IntVar(&f.seqLen, "seq-len", 0, "tokens per sequence (default: the model's)")
	fl.Float64Var(&f.lr, "lr", 1e-3, "peak learning rate (cosine to 10% of it)")
	fl.IntVar(&f.warmup, "warmup", -1, "warm-up steps (default: LLaMA's 2000, at most a tenth of --steps)")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the initialization and the data order")
	fl.IntVar(&f.ckptEvery, "ckpt-every", 0, "checkpoint every K steps (default: a tenth of --steps)")
	fl.IntVar(&f.logEvery, "log-every", 10, "print progress every K steps")
	fl.BoolVar(&f.resume, "resume", false, "continue from --out/ckpt.bin when it exists")
	fl.BoolVar(&f.forceData, "force-data", false, "resume even if the data configuration changed")
	fl.Float64Var(&f.maxEpochs, "max-epochs", 0, "refuse a run that repeats any source more often (default 4)")
	fl.StringArrayVar(&f.weights, "weight", nil, "SOURCE=W: override a mixture weight (repeatable; 0 drops the source)")
	fl.IntVar(&f.stopAfter, "stop-after", 0, "stop after this many steps of the run, as if interrupted (for testing resume)")
	fl.MarkHidden("stop-after")
	return cmd
}

func runTrain(cmd *cobra.Command, f trainFlags) error {
	out := cmd.OutOrStdout()
	if f.data == "" {
		return usageError{errors.New("train: --data is required")}
	}
	if f.steps <= 0 || f.batch <= 0 || f.logEvery <= 0 {
		return usageError{errors.New("train: --steps, --batch and --log-every must be positive")}
	}
	weights := map[string]float64{}
	for _, w := range f.weights {
		name, v, ok := strings.Cut(w, "=")
		x, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			return usageError{fmt.Errorf("train: --weight %q: want SOURCE=NUMBER", w)}
		}
		weights[name] = x
	}
	mcfg, err := train.ResolveConfig(f.config)
	if err != nil {
		return usageError{err}
	}
	seqLen := f.seqLen
	if seqLen == 0 {
		seqLen = mcfg.SeqLen
	}
	if seqLen > mcfg.SeqLen {
		return usageError{fmt.Errorf("train: --seq-len %d exceeds the model's %d", seqLen, mcfg.SeqLen)}
	}
	dcfg := data.Config{Seed: f.seed, SeqLen: seqLen, GlobalBatch: f.batch,
		TokenBudget: int64(f.steps) * int64(f.batch) * int64(seqLen), MaxEpochs: f.maxEpochs, Weights: weights}
	dl, err := data.Open(cmd.Context(), f.data, dcfg)
	if err != nil {
		return err
	}
	defer dl.Close()
	plan := dl.Plan()
	if _, named := train.ConfigByName(f.config); named == nil && mcfg.Vocab != plan.VocabSize && plan.VocabSize > 0 {
		// A built-in architecture takes its vocabulary from the data.
		mcfg.Vocab = plan.VocabSize
		if mcfg, err = mcfg.Normalize(); err != nil {
			return err
		}
	}
	if mcfg.Vocab < plan.VocabSize {
		return usageError{fmt.Errorf("train: model vocabulary %d is smaller than the tokenizer's %d", mcfg.Vocab, plan.VocabSize)}
	}
	fmt.Fprint(out, plan.String())

	ckpt := filepath.Join(f.out, "ckpt.bin")
	var model *train.Model
	var opt *train.AdamW
	start := int64(0)
	if _, err := os.Stat(ckpt); f.resume && err == nil {
		r, err := train.LoadCheckpoint(ckpt, &mcfg)
		if err != nil {
			return err
		}
		var extra trainCheckpoint
		if err := json.Unmarshal(r.Extra, &extra); err != nil {
			return fmt.Errorf("train: %s: data position: %w", ckpt, err)
		}
		if err := dl.Resume(extra.Data, f.forceData); err != nil {
			return fmt.Errorf("train: %s: %w", ckpt, err)
		}
		model, opt, start = r.Model, r.Opt, extra.Step
		if opt == nil {
			opt = train.NewAdamW(model, train.LlamaAdamW)
		}
		fmt.Fprintf(out, "resumed from %s at step %d\n", ckpt, start)
	} else {
		if f.resume {
			fmt.Fprintf(out, "no checkpoint at %s: starting from step 0\n", ckpt)
		}
		if model, err = train.NewModel(mcfg, rand.New(rand.NewPCG(f.seed, 0x6c6c616d61))); err != nil {
			return err
		}
		opt = train.NewAdamW(model, train.LlamaAdamW)
	}
	fmt.Fprintf(out, "model %s: %d parameters (dim %d, %d layers, %d heads, vocab %d), kernel %s\n",
		f.config, mcfg.NumParams(), mcfg.Dim, mcfg.NLayers, mcfg.NHeads, mcfg.Vocab, train.KernelName())

	warmup := f.warmup
	if warmup < 0 {
		warmup = min(2000, f.steps/10)
	}
	sched := train.NewSchedule(f.lr, warmup, f.steps)
	every := f.ckptEvery
	if every <= 0 {
		every = max(1, f.steps/10)
	}
	save := func(step int64) error {
		extra, _ := json.Marshal(trainCheckpoint{Step: step, Data: dl.Position()})
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			return err
		}
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
	for step := start; step < int64(f.steps); step++ {
		if f.stopAfter > 0 && step >= int64(f.stopAfter) {
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
		last := step+1 == int64(f.steps)
		if (step+1)%int64(f.logEvery) == 0 || last {
			el := time.Since(t0).Seconds()
			fmt.Fprintf(out, "step %d/%d  loss %.4f  lr %.3g  grad %.3f  %.0f tok/s  |%s\n",
				step+1, f.steps, sumLoss/float64(n), lr, sumNorm/float64(n), float64(tokens)/el, perSource(srcLoss, srcN))
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
