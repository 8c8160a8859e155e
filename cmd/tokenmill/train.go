package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/train/loop"
)

type trainFlags struct {
	data, config, out    string
	steps, batch, seqLen int
	lr                   float64
	warmup               int
	seed                 uint64
	ckptEvery, logEvery  int
	resume, forceData    bool
	skipSHA256           bool
	maxEpochs            float64
	weights              []string
	stopAfter            int
	memoryMB             int64
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
from it and reads the same batches an uninterrupted run would have.

Before the first step it checks what it is given: the flags, the manifest (counts,
vocabulary size, token ids, paths), that the model fits in memory (GOMEMLIMIT, the
cgroup's limit or the machine's memory, or --memory-mb), and every shard's size and SHA-256 against
the manifest (--skip-sha256 keeps only the size check). It locks --out against a
second trainer and removes temporary checkpoint files a killed run left there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrain(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.data, "data", "", "a build's output folder or its manifest.json (path, file://, s3:// or gs:// URL)")
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
	fl.BoolVar(&f.skipSHA256, "skip-sha256", false, "do not read every shard to check its SHA-256 before training (sizes are still checked): for corpora too large or remote for one extra pass")
	fl.Int64Var(&f.memoryMB, "memory-mb", 0, "memory the model may need, in MiB (0: the smallest of GOMEMLIMIT, the cgroup's limit and the machine's memory; -1: no check)")
	fl.IntVar(&f.stopAfter, "stop-after", 0, "stop after this many steps of the run, as if interrupted (for testing resume)")
	fl.MarkHidden("stop-after")
	return cmd
}

// runTrain turns the flags into loop.Options and runs it.
func runTrain(cmd *cobra.Command, f trainFlags) error {
	weights := map[string]float64{}
	for _, w := range f.weights {
		name, v, ok := strings.Cut(w, "=")
		x, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			return usageError{fmt.Errorf("train: --weight %q: want SOURCE=NUMBER", w)}
		}
		weights[name] = x
	}
	err := loop.Run(cmd.Context(), cmd.OutOrStdout(), loop.Options{
		Data: f.data, Config: f.config, Out: f.out, Steps: f.steps, Batch: f.batch, SeqLen: f.seqLen,
		LR: f.lr, Warmup: f.warmup, Seed: f.seed, CkptEvery: f.ckptEvery, LogEvery: f.logEvery,
		Resume: f.resume, ForceData: f.forceData, MaxEpochs: f.maxEpochs, Weights: weights, StopAfter: f.stopAfter,
		SkipSHA256: f.skipSHA256, MemoryLimit: memoryLimit(f.memoryMB),
	})
	var oe *loop.OptionError
	if errors.As(err, &oe) {
		return usageError{oe.Err}
	}
	return err
}

// memoryLimit turns --memory-mb into loop.Options.MemoryLimit: bytes, 0 for
// automatic, negative for no check.
func memoryLimit(mb int64) int64 {
	if mb <= 0 {
		return mb
	}
	return mb << 20
}
