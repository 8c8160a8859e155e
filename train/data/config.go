package data

import (
	"errors"
	"fmt"
	"math"
)

// Defaults applied to zero fields of a [Config].
const (
	// DefaultMaxEpochs bounds how often any source may be repeated. LLaMA's
	// largest was 2.45 (Wikipedia); 4 leaves room without hiding a budget that
	// would mostly replay a small source.
	DefaultMaxEpochs = 4
	// DefaultWindow is the number of row groups whose documents are shuffled
	// together. Memory per source is about (1+read-ahead) windows of token
	// data, so this is the knob that trades shuffle quality for memory.
	DefaultWindow = 2
)

// ErrConfigMismatch is returned (wrapped) by [Loader.Resume] when a saved
// position was taken under a different configuration.
var ErrConfigMismatch = errors.New("data: checkpoint was taken with a different data configuration")

// ErrCorrupt marks a shard whose content disagrees with its manifest entry or
// with the token-shard schema.
var ErrCorrupt = errors.New("data: corrupt token shard")

// Config selects the run. Fields marked "order" change the sample stream and
// enter the config hash; the others do not.
type Config struct {
	// Seed keys every permutation (order).
	Seed uint64
	// SeqLen is the number of input positions per row; each row is read as
	// SeqLen+1 tokens (order).
	SeqLen int
	// GlobalBatch is the number of rows per step over all ranks (order).
	GlobalBatch int
	// TokenBudget is the number of training tokens wanted; the run has
	// floor(TokenBudget/(SeqLen*GlobalBatch)) steps (order, through the
	// resulting number of samples).
	TokenBudget int64
	// Rank and World split each global batch: rank r gets rows
	// [r*GlobalBatch/World, (r+1)*GlobalBatch/World). World 0 means 1.
	Rank, World int
	// MaxEpochs refuses a plan that would read any source more often than
	// this; 0 means DefaultMaxEpochs.
	MaxEpochs float64
	// Weights overrides the manifest's mixture weights by source name; a
	// weight of 0 removes the source from the run (order).
	Weights map[string]float64
	// Window is the number of row groups shuffled together; 0 means
	// DefaultWindow (order).
	Window int
	// NoReadAhead turns off loading the next window of each source in the
	// background.
	NoReadAhead bool
	// SkipSHA256 skips reading every shard in full at Open to check its
	// SHA-256 against the manifest. Each shard's size is checked whatever
	// this says (it costs no read). Meant for corpora so large, or so far
	// away, that one sequential pass before training is too slow; a damaged
	// shard may then train silently if its damage keeps it parseable.
	SkipSHA256 bool
}

func (c Config) withDefaults() Config {
	if c.World == 0 {
		c.World = 1
	}
	if c.MaxEpochs == 0 {
		c.MaxEpochs = DefaultMaxEpochs
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.SeqLen <= 0:
		return fmt.Errorf("data: seq_len %d must be positive", c.SeqLen)
	case c.GlobalBatch <= 0:
		return fmt.Errorf("data: global batch %d must be positive", c.GlobalBatch)
	case c.TokenBudget <= 0:
		return fmt.Errorf("data: token budget %d must be positive", c.TokenBudget)
	case c.World <= 0 || c.Rank < 0 || c.Rank >= c.World:
		return fmt.Errorf("data: rank %d of world %d is out of range", c.Rank, c.World)
	case c.GlobalBatch%c.World != 0:
		return fmt.Errorf("data: global batch %d is not a multiple of world size %d", c.GlobalBatch, c.World)
	case c.Window < 0:
		return fmt.Errorf("data: window %d must be positive", c.Window)
	case !(c.MaxEpochs > 0) || math.IsInf(c.MaxEpochs, 0):
		return fmt.Errorf("data: max epochs %v must be positive and finite", c.MaxEpochs)
	}
	for name, w := range c.Weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("data: weight %v for source %s must be finite and non-negative", w, name)
		}
	}
	return nil
}
