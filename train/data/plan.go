package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// maxSamples bounds the run so that the scheduler's exact integer arithmetic
// and the samples' stream offsets stay far from overflow.
const maxSamples = 1 << 40

// Plan is what a run will read, derived from the manifest and the
// configuration alone (no shard is opened): how many samples, how they split
// between sources, and how many epochs that makes of each.
type Plan struct {
	SeqLen      int
	GlobalBatch int
	Steps       int64
	// Samples is Steps*GlobalBatch, the rows of the whole run over all ranks.
	Samples int64
	// Tokens is Samples*SeqLen, the training positions the run sees
	// (TokenBudget rounded down to whole steps).
	Tokens          int64
	ManifestVersion int
	// VocabSize, BOS and EOS come from the manifest's tokenizer entry; a
	// model must have at least VocabSize embeddings.
	VocabSize int
	BOS, EOS  int32
	Sources   []PlanSource
	// ConfigHash identifies the sample stream: seed, manifest version and
	// shards (paths, digests, sizes), weights, seq_len, global batch, number
	// of samples, window and BOS/EOS ids. World size and rank are not in it:
	// the global stream does not depend on them.
	ConfigHash string
}

// PlanSource is one source's share of the run.
type PlanSource struct {
	Name string
	// Weight is the normalized mixture weight (the weights sum to 1).
	Weight float64
	// Quota is the exact number of samples drawn from the source over the
	// run (largest remainder of Weight*Samples).
	Quota int64
	Docs  int64
	// Tokens counts document tokens; StreamTokens adds a BOS and an EOS per
	// document, the length of one epoch of the packed stream.
	Tokens       int64
	StreamTokens int64
	// Epochs is Quota*SeqLen/StreamTokens: how many passes over the source
	// the run makes (each new sample consumes SeqLen stream tokens).
	Epochs float64

	shards []manifest.Shard
}

// NewPlan computes the plan of a run over m. It is a pure function of its
// arguments; Open calls it, and a CLI can call it to print what a run would
// do before reading any shard.
func NewPlan(m *manifest.Manifest, cfg Config) (*Plan, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if m.Tokenizer == nil {
		return nil, fmt.Errorf("data: manifest has no tokenizer entry, so no BOS/EOS ids")
	}
	if t := m.Tokenizer; t.BOS < 0 || t.EOS < 0 || t.VocabSize > 0 && (int(t.BOS) >= t.VocabSize || int(t.EOS) >= t.VocabSize) {
		return nil, fmt.Errorf("data: the manifest's tokenizer has bos_id %d and eos_id %d for a vocabulary of %d; packing needs both in [0, vocab_size)",
			t.BOS, t.EOS, t.VocabSize)
	}
	for name := range cfg.Weights {
		if m.Source(name) == nil {
			return nil, fmt.Errorf("data: weight override for source %q, which the manifest lacks", name)
		}
	}
	names := make([]string, 0, len(m.Sources))
	for _, s := range m.Sources {
		names = append(names, s.Name)
	}
	sort.Strings(names)
	p := &Plan{
		SeqLen:          cfg.SeqLen,
		GlobalBatch:     cfg.GlobalBatch,
		ManifestVersion: m.Version,
		VocabSize:       m.Tokenizer.VocabSize,
		BOS:             m.Tokenizer.BOS,
		EOS:             m.Tokenizer.EOS,
	}
	raw := []float64{}
	for _, name := range names {
		s := m.Source(name)
		w := s.Weight
		if o, ok := cfg.Weights[name]; ok {
			w = o
		}
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("data: source %s: weight %v must be finite and non-negative", name, w)
		}
		if w == 0 {
			continue
		}
		ps := PlanSource{Name: name, shards: s.TokenShards()}
		sort.Slice(ps.shards, func(i, j int) bool { return ps.shards[i].Path < ps.shards[j].Path })
		for _, sh := range ps.shards {
			ps.Docs += sh.Rows
			ps.Tokens += sh.Tokens
		}
		ps.StreamTokens = ps.Tokens + 2*ps.Docs
		if ps.Docs == 0 {
			return nil, fmt.Errorf("data: source %s has weight %v but no documents in token shards (a weight override of 0 leaves it out)", name, w)
		}
		p.Sources = append(p.Sources, ps)
		raw = append(raw, w)
	}
	if len(p.Sources) == 0 {
		return nil, fmt.Errorf("data: no source has a positive weight")
	}
	p.Steps = cfg.TokenBudget / (int64(cfg.SeqLen) * int64(cfg.GlobalBatch))
	if p.Steps == 0 {
		return nil, fmt.Errorf("data: token budget %d is less than one step of %d×%d tokens",
			cfg.TokenBudget, cfg.GlobalBatch, cfg.SeqLen)
	}
	p.Samples = p.Steps * int64(cfg.GlobalBatch)
	if p.Samples > maxSamples {
		return nil, fmt.Errorf("data: %d samples exceed the supported %d", p.Samples, int64(maxSamples))
	}
	p.Tokens = p.Samples * int64(cfg.SeqLen)
	quotas, norm := largestRemainder(p.Samples, raw)
	for i := range p.Sources {
		s := &p.Sources[i]
		s.Quota, s.Weight = quotas[i], norm[i]
		s.Epochs = float64(s.Quota) * float64(cfg.SeqLen) / float64(s.StreamTokens)
		// The last sample reads one token past Quota*SeqLen (the target of
		// its last position).
		need := s.Quota*int64(cfg.SeqLen) + 1
		if s.Quota > 0 && float64(need) > cfg.MaxEpochs*float64(s.StreamTokens) {
			return nil, fmt.Errorf("data: source %s needs %.3f epochs (%d stream tokens of %d per epoch), more than the maximum %v",
				s.Name, float64(need)/float64(s.StreamTokens), need, s.StreamTokens, cfg.MaxEpochs)
		}
	}
	p.ConfigHash = configHash(m, p, cfg)
	return p, nil
}

// largestRemainder splits n samples in proportion to w exactly: every share
// gets the floor of its ideal n*w_i/Σw, and the samples left go one each to
// the largest fractional parts, ties to the lower index (sources are in name
// order). Arithmetic is on exact rationals, so the result does not depend on
// floating-point evaluation order.
func largestRemainder(n int64, w []float64) (quota []int64, norm []float64) {
	sum := new(big.Rat)
	rats := make([]*big.Rat, len(w))
	for i, x := range w {
		rats[i] = new(big.Rat).SetFloat64(x)
		sum.Add(sum, rats[i])
	}
	quota = make([]int64, len(w))
	norm = make([]float64, len(w))
	rem := make([]*big.Rat, len(w))
	left := n
	for i := range w {
		share := new(big.Rat).Quo(rats[i], sum)
		norm[i], _ = share.Float64()
		ideal := new(big.Rat).Mul(share, new(big.Rat).SetInt64(n))
		fl := new(big.Int).Quo(ideal.Num(), ideal.Denom())
		quota[i] = fl.Int64()
		rem[i] = new(big.Rat).Sub(ideal, new(big.Rat).SetInt(fl))
		left -= quota[i]
	}
	idx := make([]int, len(w))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rem[idx[a]].Cmp(rem[idx[b]]) > 0 })
	for k := int64(0); k < left; k++ {
		quota[idx[k]]++
	}
	return quota, norm
}

// schedule interleaves the sources so that every prefix of the run is within
// one sample of its target share Quota_s/N for every source (strictly less
// than one), and the run ends with exactly Quota_s samples of each.
//
// Megatron's rule (give sample i to the source furthest behind its target)
// is the anchor, but on its own it can drift past one sample: with quotas
// 1, 1270, 1, 133, 1162 the last source falls 1.034 behind after 1193
// samples. So the rule is taken in its deadline form (Tijdeman's chairman
// assignment): the k-th sample of source s may not come before position
// floor((k-1)N/Q_s)+1, before which it would put s a whole sample ahead, and
// must come by ceil(kN/Q_s), after which s would be a whole sample behind
// (positions count from 1); position n
// goes to the released source whose deadline is earliest (ties to the earlier
// name). Tijdeman proved a sequence within 1-1/(2(S-1)) exists, and earliest
// deadline first is optimal for unit jobs with release times, so every
// deadline is met. TestScheduleWithinOneSample checks it.
type schedule struct {
	quota []int64
	n     int64
	count []int64
	i     int64
	// rel and due are the window of each source's next sample: the first
	// position (from 1) it may take and the last; rel is MaxUint64 once
	// the source has its quota.
	rel, due []uint64
}

func newSchedule(p *Plan) *schedule {
	k := len(p.Sources)
	s := &schedule{n: p.Samples, quota: make([]int64, k), count: make([]int64, k), rel: make([]uint64, k), due: make([]uint64, k)}
	for i, src := range p.Sources {
		s.quota[i] = src.Quota
		s.window(i)
	}
	return s
}

// window computes the release and deadline of source k's next sample.
func (s *schedule) window(k int) {
	c, q := uint64(s.count[k]), uint64(s.quota[k])
	if c >= q {
		s.rel[k] = math.MaxUint64
		return
	}
	rel, _ := mulDiv(c, uint64(s.n), q) // floor((j-1)N/Q) for the j-th sample, j = c+1
	due, exact := mulDiv(c+1, uint64(s.n), q)
	if !exact {
		due++ // ceil(jN/Q)
	}
	s.rel[k], s.due[k] = rel+1, due
}

// mulDiv returns floor(a*b/c) and whether it is exact, in 128 bits (a*b/c < 2^64).
func mulDiv(a, b, c uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	q, r := bits.Div64(hi, lo, c)
	return q, r == 0
}

// next returns the source of the next sample and the index of that sample
// among the source's own samples.
func (s *schedule) next() (src int, j int64) {
	pos := uint64(s.i + 1)
	best := -1
	for k, rel := range s.rel {
		if rel <= pos && (best < 0 || s.due[k] < s.due[best]) {
			best = k
		}
	}
	if best < 0 {
		// Unreachable: the counts sum to i < n, so some source is behind
		// its target and therefore released.
		panic(fmt.Sprintf("data: schedule: no source released at sample %d of %d", s.i, s.n))
	}
	j = s.count[best]
	s.count[best]++
	s.i++
	s.window(best)
	return best, j
}

func configHash(m *manifest.Manifest, p *Plan, cfg Config) string {
	type shard struct {
		Path   string `json:"path"`
		SHA256 string `json:"sha256"`
		Rows   int64  `json:"rows"`
		Tokens int64  `json:"tokens"`
	}
	type source struct {
		Name   string  `json:"name"`
		Weight float64 `json:"weight"`
		Shards []shard `json:"shards"`
	}
	h := struct {
		Scheme          string   `json:"scheme"`
		Seed            uint64   `json:"seed"`
		ManifestVersion int      `json:"manifest_version"`
		SeqLen          int      `json:"seq_len"`
		GlobalBatch     int      `json:"global_batch"`
		Samples         int64    `json:"samples"`
		Window          int      `json:"window"`
		BOS             int32    `json:"bos"`
		EOS             int32    `json:"eos"`
		Sources         []source `json:"sources"`
	}{scheme, cfg.Seed, m.Version, cfg.SeqLen, cfg.GlobalBatch, p.Samples, cfg.Window, p.BOS, p.EOS, nil}
	for _, s := range p.Sources {
		src := source{Name: s.Name, Weight: s.Weight}
		for _, sh := range s.shards {
			src.Shards = append(src.Shards, shard{sh.Path, sh.SHA256, sh.Rows, sh.Tokens})
		}
		h.Sources = append(h.Sources, src)
	}
	b, err := json.Marshal(h)
	if err != nil {
		panic(err) // plain structs of numbers and strings always encode
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// String renders the plan as a table for a CLI.
func (p *Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d steps × %d rows × %d tokens = %d tokens; manifest version %d; config %s\n",
		p.Steps, p.GlobalBatch, p.SeqLen, p.Tokens, p.ManifestVersion, p.ConfigHash[:12])
	fmt.Fprintf(&b, "%-16s %8s %12s %12s %16s %8s\n", "source", "weight", "samples", "docs", "stream tokens", "epochs")
	for _, s := range p.Sources {
		fmt.Fprintf(&b, "%-16s %8.4f %12d %12d %16d %8.3f\n", s.Name, s.Weight, s.Quota, s.Docs, s.StreamTokens, s.Epochs)
	}
	return b.String()
}
