package fasttext

import (
	"bufio"
	"fmt"
	"io"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// Write writes the model in fastText's file format (version 12): a .bin for
// a dense model, the .ftz layout for a quantized one. `fasttext predict`
// loads the result, and [Read] reads it back to an identical model.
func (m *Model) Write(w io.Writer) error {
	bw := &binWriter{w: bufio.NewWriterSize(w, 1<<16)}
	bw.i32(fileMagic)
	bw.i32(fileVersion)
	a := &m.args
	for _, v := range []int32{a.Dim, a.WS, a.Epoch, a.MinCount, a.Neg, a.WordNgrams,
		int32(a.Loss), int32(a.Model), a.Bucket, a.Minn, a.Maxn, a.LRUpdateRate} {
		bw.i32(v)
	}
	bw.f64(a.T)
	d := &m.dict
	bw.i32(int32(len(d.entries)))
	bw.i32(d.nwords)
	bw.i32(d.nlabels)
	bw.i64(d.ntokens)
	bw.i64(d.pruneidxSize)
	for _, e := range d.entries {
		bw.cstring(e.word)
		bw.i64(e.count)
		bw.u8(uint8(e.typ))
	}
	for _, p := range d.pruneOrder {
		bw.i32(p[0])
		bw.i32(p[1])
	}
	bw.boolean(m.quantInput)
	writeMatrix(bw, m.input)
	bw.boolean(m.qout)
	writeMatrix(bw, m.output)
	if bw.err == nil {
		bw.err = bw.w.Flush()
	}
	if bw.err != nil {
		return fmt.Errorf("fasttext: writing model: %w", bw.err)
	}
	return nil
}

func writePQ(bw *binWriter, pq *productQuantizer) {
	bw.i32(pq.dim)
	bw.i32(pq.nsubq)
	bw.i32(pq.dsub)
	bw.i32(pq.lastdsub)
	bw.f32s(pq.centroids)
}

func writeMatrix(bw *binWriter, mx matrix) {
	switch x := mx.(type) {
	case *denseMatrix:
		bw.i64(x.m)
		bw.i64(x.n)
		bw.f32s(x.data)
	case *quantMatrix:
		bw.boolean(x.qnorm)
		bw.i64(x.m)
		bw.i64(x.n)
		bw.i32(int32(len(x.codes)))
		bw.write(x.codes)
		writePQ(bw, &x.pq)
		if x.qnorm {
			bw.write(x.normCodes)
			writePQ(bw, &x.npq)
		}
	}
}

// Save writes the model to path atomically (see pipeline/storage/atomicfile:
// a unique temporary file in the same folder, synced, then renamed), so a
// reader never sees a half-written model.
func (m *Model) Save(path string) error {
	if err := atomicfile.WriteFile(path, 0o644, m.Write); err != nil {
		return fmt.Errorf("fasttext: saving %s: %w", path, err)
	}
	return nil
}
