package export

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// MegatronMagic starts every Megatron .idx file.
const MegatronMagic = "MMIDIDX\x00\x00"

// Megatron's DType codes for the token types this package writes.
const (
	MegatronInt32  = 4
	MegatronUint16 = 8
)

// MegatronDType returns the dtype code Megatron picks for a vocabulary
// (DType.optimal_dtype: uint16 below 65500 pieces) and its size in bytes.
func MegatronDType(vocab int) (code uint8, size int) {
	if vocab < 65500 {
		return MegatronUint16, 2
	}
	return MegatronInt32, 4
}

// tokenWriter narrows token ids to 2 or 4 bytes, little-endian, after
// checking them against the vocabulary.
type tokenWriter struct {
	w     *bufio.Writer
	size  int
	vocab int
	buf   []byte
}

func (t *tokenWriter) write(toks []int32) error {
	t.buf = t.buf[:0]
	for _, v := range toks {
		if v < 0 || int(v) >= t.vocab {
			return fmt.Errorf("export: token id %d is outside the vocabulary of %d", v, t.vocab)
		}
		if t.size == 2 {
			t.buf = binary.LittleEndian.AppendUint16(t.buf, uint16(v))
		} else {
			t.buf = binary.LittleEndian.AppendUint32(t.buf, uint32(v))
		}
	}
	_, err := t.w.Write(t.buf)
	return err
}

// MegatronWriter writes one Megatron indexed dataset, PREFIX.bin and
// PREFIX.idx. Call Add for each document, then Close (or Abort).
type MegatronWriter struct {
	prefix   string
	bin, idx *atomicfile.File
	toks     tokenWriter
	code     uint8
	lens     *os.File // spilled int32 sequence lengths
	lensW    *bufio.Writer
	n        int64
	eos      int32
	closed   bool
}

// NewMegatron starts PREFIX.bin and PREFIX.idx for a vocabulary of vocab
// pieces; eos is appended to every document. The folder must exist.
func NewMegatron(prefix string, vocab int, eos int32) (*MegatronWriter, error) {
	if eos < 0 || int(eos) >= vocab {
		return nil, fmt.Errorf("export: eos id %d is outside the vocabulary of %d", eos, vocab)
	}
	code, size := MegatronDType(vocab)
	bin, err := atomicfile.Create(prefix+".bin", 0o644)
	if err != nil {
		return nil, err
	}
	idx, err := atomicfile.Create(prefix+".idx", 0o644)
	if err != nil {
		bin.Abort()
		return nil, err
	}
	lens, err := os.CreateTemp(filepath.Dir(prefix), "."+filepath.Base(prefix)+".lengths-*")
	if err != nil {
		bin.Abort()
		idx.Abort()
		return nil, err
	}
	os.Remove(lens.Name()) // anonymous: gone when closed, even if killed
	return &MegatronWriter{prefix: prefix, bin: bin, idx: idx, code: code, eos: eos,
		toks: tokenWriter{w: bufio.NewWriterSize(bin, 1<<20), size: size, vocab: vocab},
		lens: lens, lensW: bufio.NewWriterSize(lens, 1<<16)}, nil
}

// Add appends one document (its tokens, then EOS) as one sequence.
func (w *MegatronWriter) Add(tokens []int32) error {
	if len(tokens) >= 1<<31-1 {
		return fmt.Errorf("export: %s: a document of %d tokens does not fit Megatron's int32 lengths", w.prefix, len(tokens))
	}
	if err := w.toks.write(tokens); err != nil {
		return err
	}
	if err := w.toks.write([]int32{w.eos}); err != nil {
		return err
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(len(tokens)+1))
	w.lensW.Write(b[:])
	w.n++
	return nil
}

// Documents is the number of documents added so far.
func (w *MegatronWriter) Documents() int64 { return w.n }

// Close writes the index and commits both files.
func (w *MegatronWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	defer w.lens.Close()
	err := w.finish()
	if err != nil {
		w.bin.Abort()
		w.idx.Abort()
		return fmt.Errorf("export: %s: %w", w.prefix, err)
	}
	if err := w.bin.Commit(); err != nil {
		w.idx.Abort()
		return fmt.Errorf("export: %s.bin: %w", w.prefix, err)
	}
	if err := w.idx.Commit(); err != nil {
		return fmt.Errorf("export: %s.idx: %w", w.prefix, err)
	}
	return nil
}

func (w *MegatronWriter) finish() error {
	if err := w.toks.w.Flush(); err != nil {
		return err
	}
	if err := w.lensW.Flush(); err != nil {
		return err
	}
	iw := bufio.NewWriterSize(w.idx, 1<<20)
	iw.WriteString(MegatronMagic)
	binary.Write(iw, binary.LittleEndian, uint64(1))
	iw.WriteByte(w.code)
	binary.Write(iw, binary.LittleEndian, uint64(w.n))
	binary.Write(iw, binary.LittleEndian, uint64(w.n+1))
	// Lengths, as spilled.
	if _, err := w.lens.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if n, err := io.Copy(iw, w.lens); err != nil || n != 4*w.n {
		return fmt.Errorf("copy lengths: %d of %d bytes: %v", n, 4*w.n, err)
	}
	// Byte offsets, from a second pass over the lengths.
	if _, err := w.lens.Seek(0, io.SeekStart); err != nil {
		return err
	}
	lr := bufio.NewReaderSize(w.lens, 1<<16)
	var ptr int64
	var b [4]byte
	_, size := MegatronDType(w.toks.vocab)
	for range w.n {
		if _, err := io.ReadFull(lr, b[:]); err != nil {
			return fmt.Errorf("reread lengths: %w", err)
		}
		binary.Write(iw, binary.LittleEndian, ptr)
		ptr += int64(binary.LittleEndian.Uint32(b[:])) * int64(size)
	}
	// Document indices: each document is one sequence.
	for i := range w.n + 1 {
		binary.Write(iw, binary.LittleEndian, i)
	}
	return iw.Flush()
}

// Abort discards both files.
func (w *MegatronWriter) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.lens.Close()
	w.bin.Abort()
	w.idx.Abort()
}

// NpyDType returns the memmap element size Dolma and OLMo use for a
// vocabulary: 2 bytes (uint16) up to 65536 pieces, 4 (uint32) above.
func NpyDType(vocab int) (size int, name string) {
	if vocab <= 1<<16 {
		return 2, "uint16"
	}
	return 4, "uint32"
}

// NpyWriter writes one Dolma-style pair, NAME.npy and NAME.csv.gz.
type NpyWriter struct {
	base      string
	npy, meta *atomicfile.File
	toks      tokenWriter
	gz        *gzip.Writer
	csv       *csv.Writer
	pos       int64
	eos       int32
	closed    bool
}

// NewNpy starts BASE.npy and BASE.csv.gz; eos is appended to every
// document. The folder must exist.
func NewNpy(base string, vocab int, eos int32) (*NpyWriter, error) {
	if eos < 0 || int(eos) >= vocab {
		return nil, fmt.Errorf("export: eos id %d is outside the vocabulary of %d", eos, vocab)
	}
	size, _ := NpyDType(vocab)
	npy, err := atomicfile.Create(base+".npy", 0o644)
	if err != nil {
		return nil, err
	}
	meta, err := atomicfile.Create(base+".csv.gz", 0o644)
	if err != nil {
		npy.Abort()
		return nil, err
	}
	gz := gzip.NewWriter(meta)
	return &NpyWriter{base: base, npy: npy, meta: meta, eos: eos, gz: gz, csv: csv.NewWriter(gz),
		toks: tokenWriter{w: bufio.NewWriterSize(npy, 1<<20), size: size, vocab: vocab}}, nil
}

// Add appends one document (its tokens, then EOS) and its metadata row.
func (w *NpyWriter) Add(id, src string, loc int64, tokens []int32) error {
	if err := w.toks.write(tokens); err != nil {
		return err
	}
	if err := w.toks.write([]int32{w.eos}); err != nil {
		return err
	}
	start := w.pos
	w.pos += int64(len(tokens)) + 1
	return w.csv.Write([]string{strconv.FormatInt(start, 10), strconv.FormatInt(w.pos, 10), id, src, strconv.FormatInt(loc, 10)})
}

// Close commits both files.
func (w *NpyWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.csv.Flush()
	err := errors.Join(w.toks.w.Flush(), w.csv.Error(), w.gz.Close())
	if err != nil {
		w.npy.Abort()
		w.meta.Abort()
		return fmt.Errorf("export: %s: %w", w.base, err)
	}
	if err := w.npy.Commit(); err != nil {
		w.meta.Abort()
		return fmt.Errorf("export: %s.npy: %w", w.base, err)
	}
	if err := w.meta.Commit(); err != nil {
		return fmt.Errorf("export: %s.csv.gz: %w", w.base, err)
	}
	return nil
}

// Abort discards both files.
func (w *NpyWriter) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.npy.Abort()
	w.meta.Abort()
}
