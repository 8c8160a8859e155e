package train

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config describes a LLaMA-architecture model. The zero value of an optional
// field means "use the default" (see [Config.Normalize]).
type Config struct {
	Dim     int `json:"dim" yaml:"dim"`
	NLayers int `json:"n_layers" yaml:"n_layers"`
	NHeads  int `json:"n_heads" yaml:"n_heads"`
	// Hidden is the SwiGLU hidden size. Zero derives it from MultipleOf with
	// the LLaMA rule multiple_of·ceil(int(2·4·dim/3)/multiple_of).
	Hidden int `json:"hidden_dim,omitempty" yaml:"hidden_dim"`
	// MultipleOf rounds the derived hidden size; default 32 (llama2.c's
	// train.py). Meta's LLaMA uses 256, which gives the same 768 for dim 288.
	MultipleOf int `json:"multiple_of,omitempty" yaml:"multiple_of"`
	Vocab      int `json:"vocab_size" yaml:"vocab_size"`
	SeqLen     int `json:"seq_len" yaml:"seq_len"`
	// Tied shares the classifier with the token embedding (llama2.c,
	// stories15M). LoadConfig defaults it to true when the file omits it.
	Tied      bool    `json:"tied" yaml:"tied"`
	NormEps   float32 `json:"norm_eps,omitempty" yaml:"norm_eps"`
	RopeTheta float64 `json:"rope_theta,omitempty" yaml:"rope_theta"`
}

// Defaults used by [Config.Normalize].
const (
	DefaultMultipleOf = 32
	DefaultNormEps    = 1e-5
	DefaultRopeTheta  = 10000
)

var namedConfigs = map[string]Config{
	// tiny: the reference kit's smoke-test size.
	"tiny": {Dim: 64, NLayers: 2, NHeads: 4, Vocab: 512, SeqLen: 128, Tied: true},
	// stories15M: Karpathy's llama2.c TinyStories model (15.19 M parameters).
	"stories15M": {Dim: 288, NLayers: 6, NHeads: 6, Vocab: 32000, SeqLen: 256, Tied: true},
}

// ConfigNames lists the names ConfigByName accepts.
func ConfigNames() []string { return []string{"tiny", "stories15M"} }

// ConfigByName returns a built-in configuration, normalized. "small" is an
// alias of "stories15M", as in the reference kit.
func ConfigByName(name string) (Config, error) {
	if name == "small" {
		name = "stories15M"
	}
	c, ok := namedConfigs[name]
	if !ok {
		return Config{}, fmt.Errorf("train: unknown config %q (want one of %s)", name, strings.Join(ConfigNames(), ", "))
	}
	return c.Normalize()
}

// LoadConfig reads a configuration file, YAML when its name ends in .yaml or
// .yml and JSON otherwise, with the keys of [Config]'s tags (dim, n_layers,
// n_heads, hidden_dim, multiple_of, vocab_size, seq_len, tied, norm_eps,
// rope_theta). Unknown keys are errors; "tied" defaults to true.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("train: load config: %w", err)
	}
	c := Config{Tied: true}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return Config{}, fmt.Errorf("train: config %s: %w", path, err)
		}
	default:
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return Config{}, fmt.Errorf("train: config %s: %w", path, err)
		}
	}
	c, err = c.Normalize()
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ResolveConfig accepts a built-in name or the path of a YAML or JSON file.
func ResolveConfig(nameOrPath string) (Config, error) {
	if _, ok := namedConfigs[nameOrPath]; ok || nameOrPath == "small" {
		return ConfigByName(nameOrPath)
	}
	return LoadConfig(nameOrPath)
}

// HiddenFor applies the LLaMA SwiGLU sizing rule.
func HiddenFor(dim, multipleOf int) int {
	h := 2 * 4 * dim / 3
	return multipleOf * ((h + multipleOf - 1) / multipleOf)
}

// Normalize fills defaults and validates. It returns every problem found.
func (c Config) Normalize() (Config, error) {
	if c.MultipleOf == 0 {
		c.MultipleOf = DefaultMultipleOf
	}
	if c.NormEps == 0 {
		c.NormEps = DefaultNormEps
	}
	if c.RopeTheta == 0 {
		c.RopeTheta = DefaultRopeTheta
	}
	if c.Hidden == 0 && c.Dim > 0 && c.MultipleOf > 0 {
		c.Hidden = HiddenFor(c.Dim, c.MultipleOf)
	}
	var errs []error
	pos := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive, got %d", name, v))
		}
	}
	pos("dim", c.Dim)
	pos("n_layers", c.NLayers)
	pos("n_heads", c.NHeads)
	pos("hidden_dim", c.Hidden)
	pos("multiple_of", c.MultipleOf)
	pos("vocab_size", c.Vocab)
	pos("seq_len", c.SeqLen)
	if c.Dim > 0 && c.NHeads > 0 {
		if c.Dim%c.NHeads != 0 {
			errs = append(errs, fmt.Errorf("dim %d is not a multiple of n_heads %d", c.Dim, c.NHeads))
		} else if (c.Dim/c.NHeads)%2 != 0 {
			errs = append(errs, fmt.Errorf("head dim %d must be even for rotary embeddings", c.Dim/c.NHeads))
		}
	}
	if c.NormEps < 0 || c.RopeTheta <= 0 {
		errs = append(errs, fmt.Errorf("norm_eps %g and rope_theta %g must be positive", c.NormEps, c.RopeTheta))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("train: invalid config: %w", errors.Join(errs...))
	}
	return c, nil
}

// HeadDim is Dim/NHeads.
func (c Config) HeadDim() int { return c.Dim / c.NHeads }

// NumParams counts the model's parameters (the embedding once when tied).
func (c Config) NumParams() int {
	d, h, L := c.Dim, c.Hidden, c.NLayers
	n := c.Vocab*d + L*(2*d+4*d*d+3*d*h) + d
	if !c.Tied {
		n += c.Vocab * d
	}
	return n
}

// MatmulParams is N_mm = L·(4d² + 3·d·hidden) + d·V, the parameters used in
// matrix products (the embedding lookup is free).
func (c Config) MatmulParams() int {
	return c.NLayers*(4*c.Dim*c.Dim+3*c.Dim*c.Hidden) + c.Dim*c.Vocab
}

// FlopsPerStep is the PaLM/llama2.c model-FLOP count of one training step on
// batch sequences of seqLen tokens: 6·N_mm·B·T + 12·L·d·T·(B·T).
func (c Config) FlopsPerStep(batch, seqLen int) float64 {
	bt := float64(batch * seqLen)
	return 6*float64(c.MatmulParams())*bt + 12*float64(c.NLayers*c.Dim*seqLen)*bt
}

// Hash identifies the architecture: checkpoints refuse to load into a model
// whose hash differs.
func (c Config) Hash() string {
	b, _ := json.Marshal(c)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// TrainingBytes estimates the memory a training step of batch sequences of
// seqLen tokens holds: parameters, gradients and the two AdamW moments (four
// floats per parameter) plus the activations and scratch of Model.Forward and
// Backward (the buffers ensureActs allocates). It is computed in floating
// point, so absurd configurations give a large number, not an overflow; the
// result saturates at math.MaxInt64. Callers compare it with the memory they
// have before allocating, so that a vocabulary or width too large for the
// machine fails with a message instead of an out-of-memory crash.
func (c Config) TrainingBytes(batch, seqLen int) int64 {
	d, h, L, H, V := float64(c.Dim), float64(c.Hidden), float64(c.NLayers), float64(c.NHeads), float64(c.Vocab)
	B, T := float64(batch), float64(seqLen)
	N := B * T
	params := V*d + L*(2*d+4*d*d+3*d*h) + d
	if !c.Tied {
		params += V * d
	}
	floats := 4 * params // weights, gradients, AdamW m and v
	// Per layer: x, h, xn1, xn2, q, k, v, att (N·d each), rstd1, rstd2 (N),
	// probs (B·H·T²), a1, a3, gate (N·hidden); x has one more entry.
	floats += L*(8*N*d+2*N+B*H*T*T+3*N*h) + N*d
	// Final norm, classifier gradient, backward scratch, dP.
	floats += 2*N*d + N + V*d + 7*N*d + 3*N*h + B*H*T*T
	// Logits, in chunks of at most clsChunkFloats (at least one row).
	floats += max(1, min(N, math.Floor(float64(clsChunkFloats)/max(V, 1)))) * V
	bytes := 4*floats + 8*(N+B) + 4*2*N // float32s, float64 losses, int32 tokens and targets
	if bytes >= math.MaxInt64 || math.IsNaN(bytes) {
		return math.MaxInt64
	}
	return int64(bytes)
}
