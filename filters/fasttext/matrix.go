package fasttext

// matrix is the read side shared by fastText's dense and quantized matrices.
// Arithmetic follows fastText's float32 loops operation by operation; the
// explicit float32 conversions keep the Go compiler from fusing a multiply
// and an add into one FMA, which would round differently.
type matrix interface {
	rows() int64
	cols() int64
	// addRowTo adds row i to x.
	addRowTo(x []float32, i int32)
	// dotRow returns the dot product of row i with x.
	dotRow(x []float32, i int32) float32
}

// denseMatrix is a row-major float32 matrix (fastText's DenseMatrix).
type denseMatrix struct {
	m, n int64
	data []float32
}

func newDense(m, n int64) *denseMatrix {
	return &denseMatrix{m: m, n: n, data: make([]float32, m*n)}
}

func (d *denseMatrix) rows() int64 { return d.m }
func (d *denseMatrix) cols() int64 { return d.n }

func (d *denseMatrix) row(i int32) []float32 {
	o := int64(i) * d.n
	return d.data[o : o+d.n : o+d.n]
}

func (d *denseMatrix) addRowTo(x []float32, i int32) {
	addTo(x, d.row(i))
}

// addTo adds r to x element by element. Unrolled by eight, it does the same
// float32 additions in the same order per element, just with fewer bounds
// checks and loop branches: prediction spends most of its time here.
func addTo(x, r []float32) {
	x = x[:len(r)]
	j := 0
	for ; j+8 <= len(r); j += 8 {
		a := x[j : j+8 : j+8]
		b := r[j : j+8 : j+8]
		a[0] += b[0]
		a[1] += b[1]
		a[2] += b[2]
		a[3] += b[3]
		a[4] += b[4]
		a[5] += b[5]
		a[6] += b[6]
		a[7] += b[7]
	}
	for ; j < len(r); j++ {
		x[j] += r[j]
	}
}

func (d *denseMatrix) dotRow(x []float32, i int32) float32 {
	r := d.row(i)
	x = x[:len(r)]
	var s float32
	for j, v := range r {
		s += float32(v * x[j])
	}
	return s
}

// addRowScaled adds a·row(i) to x (Vector::addRow with a scale).
func (d *denseMatrix) addRowScaled(x []float32, i int32, a float32) {
	r := d.row(i)
	x = x[:len(r)]
	for j, v := range r {
		x[j] += float32(a * v)
	}
}

// addVectorToRow adds a·x to row i (DenseMatrix::addVectorToRow).
func (d *denseMatrix) addVectorToRow(x []float32, i int32, a float32) {
	r := d.row(i)
	x = x[:len(r)]
	for j := range r {
		r[j] += float32(a * x[j])
	}
}

// productQuantizer holds the codebooks of fastText's ProductQuantizer: 256
// centroids per sub-vector; the last sub-vector may be narrower (lastdsub).
type productQuantizer struct {
	dim, nsubq, dsub, lastdsub int32
	centroids                  []float32
}

const ksub = 256

// centroid returns the centroid c of sub-quantizer m.
func (pq *productQuantizer) centroid(m int32, c uint8) []float32 {
	if m == pq.nsubq-1 {
		o := m*ksub*pq.dsub + int32(c)*pq.lastdsub
		return pq.centroids[o : o+pq.lastdsub]
	}
	o := (m*ksub + int32(c)) * pq.dsub
	return pq.centroids[o : o+pq.dsub]
}

// quantMatrix is fastText's QuantMatrix: rows stored as product-quantizer
// codes, optionally times a separately quantized norm (qnorm).
type quantMatrix struct {
	qnorm     bool
	m, n      int64
	codes     []uint8
	pq        productQuantizer
	normCodes []uint8
	npq       productQuantizer
}

// decode returns the dense matrix the codes stand for. Each value is the
// float32 product norm·centroid that addRowTo would add, so predicting with
// the decoded matrix gives bit-identical results, only faster.
func (q *quantMatrix) decode() *denseMatrix {
	d := newDense(q.m, q.n)
	for i := int32(0); int64(i) < q.m; i++ {
		q.addRowTo(d.row(i), i)
	}
	return d
}

func (q *quantMatrix) rows() int64 { return q.m }
func (q *quantMatrix) cols() int64 { return q.n }

func (q *quantMatrix) norm(i int32) float32 {
	if !q.qnorm {
		return 1
	}
	return q.npq.centroid(0, q.normCodes[i])[0]
}

func (q *quantMatrix) addRowTo(x []float32, i int32) {
	alpha := q.norm(i)
	nsubq := q.pq.nsubq
	code := q.codes[int64(nsubq)*int64(i):]
	for m := int32(0); m < nsubq; m++ {
		c := q.pq.centroid(m, code[m])
		xs := x[m*q.pq.dsub:]
		xs = xs[:len(c)]
		for k, v := range c {
			xs[k] += float32(alpha * v)
		}
	}
}

func (q *quantMatrix) dotRow(x []float32, i int32) float32 {
	alpha := q.norm(i)
	nsubq := q.pq.nsubq
	code := q.codes[int64(nsubq)*int64(i):]
	var res float32
	for m := int32(0); m < nsubq; m++ {
		c := q.pq.centroid(m, code[m])
		xs := x[m*q.pq.dsub:]
		xs = xs[:len(c)]
		for k, v := range c {
			res += float32(xs[k] * v)
		}
	}
	return res * alpha
}
