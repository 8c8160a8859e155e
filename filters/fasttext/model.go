package fasttext

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
)

// Model is a fastText supervised model: arguments, dictionary, input
// (embedding) matrix and output (label) matrix. Predict is safe for
// concurrent use; Write is safe alongside Predict; nothing mutates a loaded
// model.
type Model struct {
	args       Args
	version    int32
	dict       dictionary
	input      matrix
	output     matrix
	quantInput bool
	qout       bool

	// fast is input decoded to a dense matrix when it is quantized and small
	// enough (maxDecoded values); input itself stays as read, for Write.
	fast matrix

	hs      *hsTree   // LossHS only
	sigmoid []float32 // fastText's sigmoid table, for LossNS and LossOVA

	states sync.Pool // *predictState
}

// Args returns the hyperparameters stored in the model file.
func (m *Model) Args() Args { return m.args }

// Labels returns the labels in dictionary order (the output matrix's rows),
// prefix included, e.g. "__label__wiki".
func (m *Model) Labels() []string {
	out := make([]string, 0, m.dict.nlabels)
	for _, e := range m.dict.entries[m.dict.nwords:] {
		out = append(out, e.word)
	}
	return out
}

// NWords returns the number of words in the dictionary.
func (m *Model) NWords() int { return int(m.dict.nwords) }

// Quantized reports whether the input matrix is product-quantized (.ftz).
func (m *Model) Quantized() bool { return m.quantInput }

// Load reads a fastText model file (.bin or .ftz).
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fasttext: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	m, err := read(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Read reads a fastText model from r, as written by fastText 0.9.x (file
// version 11 or 12), and checks that r ends where the model does.
func Read(r io.Reader) (*Model, error) {
	return read(r, -1)
}

func read(r io.Reader, size int64) (*Model, error) {
	br := &binReader{r: bufio.NewReaderSize(r, 1<<16), size: size}
	m := &Model{}
	if magic := br.i32("magic"); br.err == nil && magic != fileMagic {
		return nil, fmt.Errorf("%w: magic %d, want %d", ErrFormat, magic, fileMagic)
	}
	m.version = br.i32("version")
	if br.err == nil && (m.version < 11 || m.version > fileVersion) {
		return nil, fmt.Errorf("%w: version %d, want 11 or 12", ErrFormat, m.version)
	}
	a := &m.args
	for _, f := range []struct {
		p    *int32
		name string
	}{
		{&a.Dim, "dim"}, {&a.WS, "ws"}, {&a.Epoch, "epoch"}, {&a.MinCount, "minCount"},
		{&a.Neg, "neg"}, {&a.WordNgrams, "wordNgrams"}, {(*int32)(&a.Loss), "loss"},
		{(*int32)(&a.Model), "model"}, {&a.Bucket, "bucket"}, {&a.Minn, "minn"},
		{&a.Maxn, "maxn"}, {&a.LRUpdateRate, "lrUpdateRate"},
	} {
		*f.p = br.i32("args." + f.name)
	}
	a.T = br.f64("args.t")
	if br.err != nil {
		return nil, br.err
	}
	if m.version == 11 && a.Model == KindSupervised {
		// fastText: old supervised models never used character n-grams.
		a.Maxn = 0
	}
	if a.Dim <= 0 || a.Dim > maxDim || a.Bucket < 0 || a.Loss < LossHS || a.Loss > LossOVA {
		return nil, fmt.Errorf("%w: dim %d, bucket %d, loss %d", ErrFormat, a.Dim, a.Bucket, a.Loss)
	}
	if err := m.readDict(br); err != nil {
		return nil, err
	}
	m.quantInput = br.boolean("quant_input")
	m.input = readMatrix(br, m.quantInput, "input matrix")
	m.qout = br.boolean("qout")
	m.output = readMatrix(br, m.quantInput && m.qout, "output matrix")
	if br.err != nil {
		return nil, br.err
	}
	if _, err := br.r.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing bytes after the output matrix at byte %d", ErrFormat, br.off)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	if err := m.initLoss(); err != nil {
		return nil, err
	}
	m.initFast()
	return m, nil
}

// maxDim bounds the vector size a file may claim before any matrix is
// read, since prediction allocates vectors of that size (fastText models use
// 10 to 300).
const maxDim = 1 << 16

// maxDecoded bounds the dense copy of a quantized input matrix: 16 M
// values (64 MiB). Larger .ftz models decode their rows on the fly.
const maxDecoded = 1 << 24

func (m *Model) initFast() {
	m.fast = m.input
	if q, ok := m.input.(*quantMatrix); ok && q.m*q.n <= maxDecoded {
		m.fast = q.decode()
	}
}

func (m *Model) readDict(br *binReader) error {
	d := &m.dict
	size := br.i32("dictionary size")
	d.nwords = br.i32("dictionary nwords")
	d.nlabels = br.i32("dictionary nlabels")
	d.ntokens = br.i64("dictionary ntokens")
	d.pruneidxSize = br.i64("dictionary pruneidx_size")
	if br.err != nil {
		return br.err
	}
	if size < 0 || d.nwords < 0 || d.nlabels < 0 || d.nwords+d.nlabels != size {
		return fmt.Errorf("%w: dictionary size %d, nwords %d, nlabels %d", ErrFormat, size, d.nwords, d.nlabels)
	}
	d.entries = make([]entry, 0, min(int(size), chunk))
	for i := int32(0); i < size && br.err == nil; i++ {
		var e entry
		e.word = br.cstring("dictionary word")
		e.count = br.i64("dictionary count")
		e.typ = int8(br.u8("dictionary type"))
		want := typeWord
		if i >= d.nwords {
			want = typeLabel
		}
		if br.err == nil && e.typ != want {
			return fmt.Errorf("%w: dictionary entry %d %q has type %d, want %d", ErrFormat, i, e.word, e.typ, want)
		}
		d.entries = append(d.entries, e)
	}
	if d.pruneidxSize > 0 {
		d.pruneidx = make(map[int32]int32, min(d.pruneidxSize, chunk))
		for i := int64(0); i < d.pruneidxSize && br.err == nil; i++ {
			k, v := br.i32("pruneidx"), br.i32("pruneidx")
			d.pruneidx[k] = v
			d.pruneOrder = append(d.pruneOrder, [2]int32{k, v})
		}
	}
	if br.err != nil {
		return br.err
	}
	d.bucket, d.minn, d.maxn, d.wordNgrams = m.args.Bucket, m.args.Minn, m.args.Maxn, m.args.WordNgrams
	return d.init()
}

func readPQ(br *binReader, what string) productQuantizer {
	var pq productQuantizer
	pq.dim = br.i32(what)
	pq.nsubq = br.i32(what)
	pq.dsub = br.i32(what)
	pq.lastdsub = br.i32(what)
	if br.err != nil {
		return pq
	}
	if pq.dim <= 0 || pq.nsubq <= 0 || pq.dsub <= 0 || pq.lastdsub <= 0 ||
		(pq.nsubq-1)*pq.dsub+pq.lastdsub != pq.dim {
		br.fail(what, fmt.Errorf("%w: quantizer dim %d nsubq %d dsub %d lastdsub %d", ErrFormat, pq.dim, pq.nsubq, pq.dsub, pq.lastdsub))
		return pq
	}
	pq.centroids = br.f32s(int64(pq.dim)*ksub, what+" centroids")
	finite(br, pq.centroids, what+" centroids")
	return pq
}

// finite fails the read when a weight is NaN or infinite: fastText never
// writes one, and a damaged file (a flipped exponent bit) would otherwise
// load and predict NaN for every text.
func finite(br *binReader, v []float32, what string) {
	for i, x := range v {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			br.fail(what, fmt.Errorf("%w: weight %d is %v (damaged file?)", ErrFormat, i, x))
			return
		}
	}
}

func readMatrix(br *binReader, quant bool, what string) matrix {
	if br.err != nil {
		return nil
	}
	if !quant {
		m, n := br.i64(what+" rows"), br.i64(what+" cols")
		if br.err == nil && (m < 0 || n < 0 || (n > 0 && m > (1<<40)/n)) {
			br.fail(what, fmt.Errorf("%w: %d×%d", ErrFormat, m, n))
		}
		if br.err != nil {
			return nil
		}
		data := br.f32s(m*n, what)
		finite(br, data, what)
		return &denseMatrix{m: m, n: n, data: data}
	}
	q := &quantMatrix{}
	q.qnorm = br.boolean(what + " qnorm")
	q.m, q.n = br.i64(what+" rows"), br.i64(what+" cols")
	codesize := br.i32(what + " codesize")
	if br.err == nil && (q.m < 0 || q.n <= 0 || codesize < 0) {
		br.fail(what, fmt.Errorf("%w: quantized %d×%d, codesize %d", ErrFormat, q.m, q.n, codesize))
	}
	q.codes = br.bytesN(int64(codesize), what+" codes")
	q.pq = readPQ(br, what+" quantizer")
	if q.qnorm {
		q.normCodes = br.bytesN(q.m, what+" norm codes")
		q.npq = readPQ(br, what+" norm quantizer")
	}
	if br.err == nil {
		if int64(q.pq.dim) != q.n || int64(codesize) != q.m*int64(q.pq.nsubq) || (q.qnorm && q.npq.dim != 1) {
			br.fail(what, fmt.Errorf("%w: quantized %d×%d with codesize %d, quantizer dim %d nsubq %d",
				ErrFormat, q.m, q.n, codesize, q.pq.dim, q.pq.nsubq))
		}
	}
	return q
}

// check verifies that the parts fit together, so that prediction never
// indexes out of range.
func (m *Model) check() error {
	d := &m.dict
	if m.args.Model != KindSupervised {
		return fmt.Errorf("%w: model kind %d is not supervised", ErrFormat, m.args.Model)
	}
	wantRows := int64(d.nwords) + int64(m.args.Bucket)
	if d.pruneidxSize >= 0 {
		// A pruned model keeps only the buckets it lists.
		wantRows = int64(d.nwords) + max(d.pruneidxSize, 0)
	}
	if r := m.input.rows(); r != wantRows {
		return fmt.Errorf("%w: input matrix has %d rows, want nwords %d + buckets = %d", ErrFormat, r, d.nwords, wantRows)
	}
	for _, v := range d.pruneOrder {
		if v[1] < 0 || int64(v[1]) >= max(d.pruneidxSize, 0) {
			return fmt.Errorf("%w: pruneidx maps bucket %d to row %d of %d", ErrFormat, v[0], v[1], d.pruneidxSize)
		}
	}
	if m.input.cols() != int64(m.args.Dim) || m.output.cols() != int64(m.args.Dim) {
		return fmt.Errorf("%w: matrices have %d and %d columns, want dim %d", ErrFormat, m.input.cols(), m.output.cols(), m.args.Dim)
	}
	wantOut := int64(d.nlabels)
	if m.args.Loss == LossHS {
		wantOut = max(int64(d.nlabels)-1, 0)
	}
	if r := m.output.rows(); r != wantOut && !(m.args.Loss == LossHS && r == int64(d.nlabels)) {
		return fmt.Errorf("%w: output matrix has %d rows for %d labels", ErrFormat, r, d.nlabels)
	}
	if d.nlabels == 0 {
		return fmt.Errorf("%w: no labels", ErrFormat)
	}
	return nil
}

// NTokens returns the number of tokens the training input had (labels and
// line ends included), as fastText counts them.
func (m *Model) NTokens() int64 { return m.dict.ntokens }
