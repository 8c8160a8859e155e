package fasttext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
)

// Options are the training options of `fasttext supervised`. Start from
// [DefaultOptions]: a zero field is taken literally.
type Options struct {
	Dim           int     // size of the word vectors (-dim, 100)
	LR            float64 // initial learning rate (-lr, 0.1), decayed linearly to 0
	Epoch         int     // passes over the input (-epoch, 5)
	WordNgrams    int     // max length of word n-grams (-wordNgrams, 1)
	MinCount      int     // min occurrences of a word (-minCount, 1)
	MinCountLabel int     // min occurrences of a label (-minCountLabel, 0)
	Bucket        int     // hash buckets for n-grams (-bucket, 2000000); forced to 0 without n-grams
	Minn, Maxn    int     // character n-gram lengths (-minn/-maxn, 0/0 for supervised)
	Loss          Loss    // -loss, softmax
	Neg           int     // negatives sampled per example for LossNS (-neg, 5)
	WS            int     // context window (-ws, 5); stored, unused by supervised training
	LRUpdateRate  int     // tokens between learning-rate updates (-lrUpdateRate, 100)
	T             float64 // sampling threshold (-t, 1e-4); stored, unused by supervised training
	Seed          int     // random seed (-seed, 0)
}

// DefaultOptions returns `fasttext supervised`'s defaults.
func DefaultOptions() Options {
	return Options{
		Dim: 100, LR: 0.1, Epoch: 5, WordNgrams: 1, MinCount: 1, MinCountLabel: 0,
		Bucket: 2000000, Minn: 0, Maxn: 0, Loss: LossSoftmax, Neg: 5, WS: 5,
		LRUpdateRate: 100, T: 1e-4, Seed: 0,
	}
}

func (o *Options) check() error {
	var errs []error
	if o.Dim <= 0 {
		errs = append(errs, fmt.Errorf("dim %d must be positive", o.Dim))
	}
	if o.Epoch < 0 || o.MinCount < 0 || o.MinCountLabel < 0 || o.Bucket < 0 || o.Neg < 0 || o.LRUpdateRate < 0 {
		errs = append(errs, errors.New("epoch, minCount, minCountLabel, bucket, neg and lrUpdateRate must not be negative"))
	}
	if o.WordNgrams < 1 {
		errs = append(errs, fmt.Errorf("wordNgrams %d must be at least 1", o.WordNgrams))
	}
	if o.Minn < 0 || o.Maxn < 0 || (o.Maxn > 0 && o.Minn > o.Maxn) {
		errs = append(errs, fmt.Errorf("minn %d, maxn %d: want 0 ≤ minn ≤ maxn", o.Minn, o.Maxn))
	}
	if o.Loss < LossHS || o.Loss > LossOVA {
		errs = append(errs, fmt.Errorf("unknown loss %d", o.Loss))
	}
	if !(o.LR > 0) {
		errs = append(errs, fmt.Errorf("lr %g must be positive", o.LR))
	}
	if o.Dim > math.MaxInt32 || o.Bucket > math.MaxInt32 || o.Epoch > math.MaxInt32 {
		errs = append(errs, errors.New("dim, bucket and epoch must fit in int32"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("fasttext: options: %w", errors.Join(errs...))
	}
	return nil
}

// Train trains a supervised model on r, in fastText's format: one example
// per line, its labels as "__label__x" tokens anywhere on the line.
//
// It is fastText 0.9.2's `fasttext supervised -thread 1`, step by step:
// the dictionary (counted, sorted by libstdc++'s unstable std::sort,
// thresholded), the input matrix initialization (minstd_rand seeded with
// Seed, which with one thread fills only the first tenth of the matrix and
// leaves the rest zero, as fastText does), the SGD over the lines in file
// order with the learning rate decayed every LRUpdateRate tokens, and the
// losses (softmax, hs, ns, ova). With one thread fastText is deterministic,
// and so is Train: the same input and options give the same model, and for
// the data and options tested the very bytes `fasttext supervised -thread 1`
// writes. fastText with several threads (its default is 12) is Hogwild SGD
// and not reproducible by anyone.
//
// Not reproduced: fastText's vocabulary cap (it raises minCount once the
// vocabulary passes 22.5 million types), pretrained vectors, autotune.
// Train holds the whole input in memory, as fastText rereads its file.
func Train(r io.Reader, opts Options) (*Model, error) {
	return TrainContext(context.Background(), r, opts)
}

// TrainContext is [Train] with cancellation, checked between lines.
func TrainContext(ctx context.Context, r io.Reader, opts Options) (*Model, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("fasttext: reading training input: %w", err)
	}
	bucket := opts.Bucket
	if opts.WordNgrams <= 1 && opts.Maxn == 0 {
		bucket = 0 // fastText's Args::parseArgs
	}
	m := &Model{version: fileVersion, args: Args{
		Dim: int32(opts.Dim), WS: int32(opts.WS), Epoch: int32(opts.Epoch),
		MinCount: int32(opts.MinCount), Neg: int32(opts.Neg), WordNgrams: int32(opts.WordNgrams),
		Loss: opts.Loss, Model: KindSupervised, Bucket: int32(bucket), Minn: int32(opts.Minn),
		Maxn: int32(opts.Maxn), LRUpdateRate: int32(opts.LRUpdateRate), T: opts.T,
	}}
	if err := m.buildDict(data, opts); err != nil {
		return nil, err
	}
	d := &m.dict
	dim := int64(opts.Dim)
	in := newDense(int64(d.nwords)+int64(bucket), dim)
	// DenseMatrix::uniform with one thread: block 0 of 10 only.
	rng := newMinstd(uint64(opts.Seed))
	a := float32(1.0 / float64(opts.Dim))
	for i := range in.data[:in.m*in.n/10] {
		in.data[i] = float32(rng.uniformReal(float64(-a), float64(a)))
	}
	out := newDense(int64(d.nlabels), dim)
	m.input, m.output = in, out
	if err := m.initLoss(); err != nil {
		return nil, err
	}
	m.fast = m.input
	t := newTrainer(m, opts)
	if err := t.run(ctx, data); err != nil {
		return nil, err
	}
	return m, nil
}

// buildDict is Dictionary::readFromFile followed by threshold.
func (m *Model) buildDict(data []byte, opts Options) error {
	d := &m.dict
	d.pruneidxSize = -1
	index := make(map[string]int32)
	add := func(tok []byte) {
		d.ntokens++
		if id, ok := index[string(tok)]; ok {
			d.entries[id].count++
			return
		}
		typ := typeWord
		if bytes.HasPrefix(tok, labelPrefix) {
			typ = typeLabel
		}
		index[string(tok)] = int32(len(d.entries))
		d.entries = append(d.entries, entry{word: string(tok), count: 1, typ: typ})
	}
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\n':
			add(eosBytes)
			i++
		case isSep(c):
			i++
		default:
			j := i
			for j < len(data) && !isSep(data[j]) && data[j] != '\n' {
				j++
			}
			add(data[i:j])
			i = j
		}
	}
	stdSort(d.entries, func(a, b entry) bool {
		if a.typ != b.typ {
			return a.typ < b.typ
		}
		return a.count > b.count
	})
	kept := d.entries[:0]
	for _, e := range d.entries {
		if (e.typ == typeWord && e.count < int64(opts.MinCount)) || (e.typ == typeLabel && e.count < int64(opts.MinCountLabel)) {
			continue
		}
		kept = append(kept, e)
		if e.typ == typeWord {
			d.nwords++
		} else {
			d.nlabels++
		}
	}
	d.entries = kept
	if len(kept) == 0 {
		return errors.New("fasttext: training input: empty vocabulary (try a smaller minCount)")
	}
	if d.nlabels == 0 {
		return fmt.Errorf("fasttext: training input: no labels (tokens starting with %q)", LabelPrefix)
	}
	if opts.Loss == LossNS && d.nlabels < 2 {
		return errors.New("fasttext: training input: negative sampling needs at least two labels")
	}
	a := &m.args
	d.bucket, d.minn, d.maxn, d.wordNgrams = a.Bucket, a.Minn, a.Maxn, a.WordNgrams
	return d.init()
}

const negativeTableSize = 10000000

type trainer struct {
	m      *Model
	opts   Options
	in     *denseMatrix
	out    *denseMatrix
	rng    *minstdRand
	lb     lineBuf
	hidden []float32
	output []float32
	grad   []float32
	// negative sampling: label i owns table slots [negEnd[i-1], negEnd[i]).
	negEnd []uint64
}

func newTrainer(m *Model, opts Options) *trainer {
	t := &trainer{
		m: m, opts: opts,
		in:     m.input.(*denseMatrix),
		out:    m.output.(*denseMatrix),
		rng:    newMinstd(uint64(opts.Seed)), // thread 0's state: threadId + seed
		hidden: make([]float32, opts.Dim),
		output: make([]float32, m.dict.nlabels),
		grad:   make([]float32, opts.Dim),
	}
	if opts.Loss == LossNS {
		// NegativeSamplingLoss's table: label i fills the slots j with
		// float(j) < sqrt(count_i)·10⁷/z, all in float32 as fastText does.
		d := &m.dict
		var z float32
		for _, e := range d.entries[d.nwords:] {
			z = float32(float64(z) + math.Pow(float64(e.count), 0.5))
		}
		var end uint64
		for _, e := range d.entries[d.nwords:] {
			c := float32(math.Pow(float64(e.count), 0.5))
			v := c * negativeTableSize / z
			n := uint64(math.Ceil(float64(v)))
			if v < 0 {
				n = 0
			}
			end += n
			t.negEnd = append(t.negEnd, end)
		}
	}
	return t
}

// run is FastText::trainThread for thread 0 of 1 over the in-memory file.
func (t *trainer) run(ctx context.Context, data []byte) error {
	ntokens := t.m.dict.ntokens
	total := int64(t.opts.Epoch) * ntokens
	var tokenCount, local int64
	pos, atEOF := 0, false
	for n := 0; tokenCount < total; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("fasttext: training: %w", err)
			}
		}
		progress := float32(tokenCount) / float32(total)
		lr := float32(t.opts.LR * (1.0 - float64(progress)))
		// Dictionary::getLine: rewind after the stream hit its end.
		if atEOF {
			pos, atEOF = 0, false
		}
		var line []byte
		if k := bytes.IndexByte(data[pos:], '\n'); k >= 0 {
			line = data[pos : pos+k+1]
			pos += k + 1
		} else {
			line = data[pos:]
			pos, atEOF = len(data), true
		}
		local += int64(t.m.dict.line(&t.lb, line, false))
		t.supervised(lr)
		if local > int64(t.opts.LRUpdateRate) {
			tokenCount += local
			local = 0
		}
	}
	return nil
}

func (t *trainer) supervised(lr float32) {
	ids, labels := t.lb.ids, t.lb.labels
	if len(labels) == 0 || len(ids) == 0 {
		return
	}
	if t.opts.Loss == LossOVA {
		t.update(ids, labels, -1, lr)
		return
	}
	i := t.rng.uniformInt(uint64(len(labels)))
	t.update(ids, labels, int(i), lr)
}

// update is Model::update with normalized gradients (supervised).
func (t *trainer) update(ids, targets []int32, ti int, lr float32) {
	t.m.computeHidden(ids, t.hidden)
	clear(t.grad)
	switch t.opts.Loss {
	case LossSoftmax:
		out := t.output
		for i := range out {
			out[i] = t.out.dotRow(t.hidden, int32(i))
		}
		softmax(out)
		target := targets[ti]
		for i := range out {
			var label float32
			if int32(i) == target {
				label = 1
			}
			alpha := float32(lr * (label - out[i]))
			t.out.addRowScaled(t.grad, int32(i), alpha)
			t.out.addVectorToRow(t.hidden, int32(i), alpha)
		}
	case LossHS:
		target := targets[ti]
		code := t.m.hs.codes[target]
		for i, node := range t.m.hs.paths[target] {
			t.binaryLogistic(node, code[i], lr)
		}
	case LossNS:
		target := targets[ti]
		t.binaryLogistic(target, true, lr)
		for n := 0; n < t.opts.Neg; n++ {
			neg := target
			for neg == target {
				neg = t.negative()
			}
			t.binaryLogistic(neg, false, lr)
		}
	case LossOVA:
		for i := range t.output {
			match := false
			for _, l := range targets {
				if l == int32(i) {
					match = true
				}
			}
			t.binaryLogistic(int32(i), match, lr)
		}
	}
	scale := float32(1.0 / float64(len(ids)))
	for j := range t.grad {
		t.grad[j] *= scale
	}
	for _, id := range ids {
		t.in.addVectorToRow(t.grad, id, 1)
	}
}

// binaryLogistic is BinaryLogisticLoss::binaryLogistic with backprop.
func (t *trainer) binaryLogistic(target int32, positive bool, lr float32) {
	score := t.m.sigmoidTable(t.out.dotRow(t.hidden, target))
	var label float32
	if positive {
		label = 1
	}
	alpha := float32(lr * (label - score))
	t.out.addRowScaled(t.grad, target, alpha)
	t.out.addVectorToRow(t.hidden, target, alpha)
}

// negative draws a table slot as std::uniform_int_distribution<size_t> does
// and returns the label that owns it.
func (t *trainer) negative() int32 {
	slot := t.rng.uniformInt(t.negEnd[len(t.negEnd)-1])
	lo, hi := 0, len(t.negEnd)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if slot < t.negEnd[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return int32(lo)
}
