package pipeline

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"
)

// A group with gatherers runs several phases over the same inputs. Its first
// phase keeps each input's documents, as the reader gave them and with the
// records it skipped, in a spill file of the build's scratch folder
// (zstd-compressed); the later phases read the spill instead of fetching,
// decompressing and parsing the input again. So each input is read from its
// storage once per group, and the spills of a group are removed when its
// write phase ends. An input whose spill is missing (it could not be
// written) is read from its storage again, with the same result.

// spills are the spill files of one group.
type spills struct {
	dir string
	// record is set during the group's first phase, which writes them.
	record bool
	mu     sync.Mutex
	done   map[string]bool
	// budget bounds the bytes of the group's spills on disk: an input
	// whose spill would pass it is not kept, and is read again from its
	// storage in the later phases.
	budget int64
	used   atomic.Int64
}

// newSpills makes a group's spill folder, with a budget of half the free
// space of its file system (when known) or limit, whichever is less.
func newSpills(dir string, limit int64) (*spills, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if free := freeBytes(dir); free > 0 && (limit <= 0 || free/2 < limit) {
		limit = free / 2
	}
	if limit <= 0 {
		limit = 16 << 30
	}
	return &spills{dir: dir, done: map[string]bool{}, budget: limit}, nil
}

// errSpillFull stops a spill that would pass its group's budget.
var errSpillFull = errors.New("spill budget reached")

// countingWriter counts a spill's bytes against its group's budget.
type countingWriter struct {
	w io.Writer
	s *spills
	n *int64 // this spill's bytes, given back if it is not kept
}

func (c countingWriter) Write(p []byte) (int, error) {
	*c.n += int64(len(p))
	if c.s.used.Add(int64(len(p))) > c.s.budget {
		return 0, errSpillFull
	}
	return c.w.Write(p)
}

func (s *spills) path(in Input) string { return filepath.Join(s.dir, Digest([]byte(in.Name))[:24]) }

func (s *spills) has(in Input) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done[in.Name]
}

func (s *spills) remove() { os.RemoveAll(s.dir) }

// Spill records: a kind byte, then the fields.
const (
	spillDoc  = 'd'
	spillSkip = 's'
	spillEnd  = 'e'
)

// spillWriter writes one input's spill; nothing is used unless finish
// succeeds. A write error makes it give up quietly: the input is then read
// from storage again.
type spillWriter struct {
	mu   sync.Mutex // a reader may report skips from its own goroutines
	s    *spills
	in   Input
	f    *os.File
	zw   *zstd.Encoder
	bw   *bufio.Writer
	buf  []byte
	err  error
	tmp  string
	path string
	n    int64 // bytes written to the file
}

func (s *spills) create(in Input) *spillWriter {
	w := &spillWriter{s: s, in: in, path: s.path(in)}
	w.tmp = w.path + ".part"
	f, err := os.Create(w.tmp)
	if err != nil {
		return nil
	}
	w.f = f
	w.zw, _ = zstd.NewWriter(countingWriter{f, s, &w.n}, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	w.bw = bufio.NewWriterSize(w.zw, 64<<10)
	return w
}

func (w *spillWriter) str(s string) {
	w.buf = binary.AppendUvarint(w.buf, uint64(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *spillWriter) flush() {
	if w.err == nil {
		_, w.err = w.bw.Write(w.buf)
	}
	w.buf = w.buf[:0]
}

func (w *spillWriter) doc(d *Doc) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	w.buf = append(w.buf[:0], spillDoc)
	w.str(d.ID)
	w.str(d.Source)
	w.str(d.Text)
	w.str(d.URL)
	date, _ := d.Date.MarshalBinary()
	w.str(string(date))
	w.str(d.Lang)
	w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(d.LangScore))
	w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(d.Perplexity))
	w.str(d.Bucket)
	w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(d.Quality))
	w.buf = binary.AppendUvarint(w.buf, uint64(len(d.Meta)))
	keys := make([]string, 0, len(d.Meta))
	for k := range d.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.str(k)
		w.str(d.Meta[k])
	}
	w.buf = binary.AppendUvarint(w.buf, uint64(len(d.Tokens)))
	for _, t := range d.Tokens {
		w.buf = binary.AppendVarint(w.buf, int64(t))
	}
	w.flush()
}

// skip records a skipped record as the stats see it: its message, its
// reason and whether it was filtered.
func (w *spillWriter) skip(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	msg := err.Error()
	var re *RecordError
	if errors.As(err, &re) {
		msg = re.Error()
	}
	var f *FilteredError
	w.buf = append(w.buf[:0], spillSkip)
	w.str(msg)
	w.str(SkipReason(err))
	if errors.As(err, &f) {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
	w.flush()
}

// finish ends the spill with the input's raw digest and makes it usable.
func (w *spillWriter) finish(h *hashingReader) {
	w.buf = append(w.buf[:0], spillEnd)
	sum, n := "", int64(-1)
	if h != nil && h.eof {
		sum, n = h.Sum(), h.n
	}
	w.str(sum)
	w.buf = binary.AppendVarint(w.buf, n)
	w.flush()
	if w.err == nil {
		w.err = w.bw.Flush()
	}
	if w.err == nil {
		w.err = w.zw.Close()
	}
	if cerr := w.f.Close(); w.err == nil {
		w.err = cerr
	}
	if w.err == nil {
		w.err = os.Rename(w.tmp, w.path)
	}
	if w.err != nil {
		os.Remove(w.tmp)
		w.s.used.Add(-w.n)
		return
	}
	w.s.mu.Lock()
	w.s.done[w.in.Name] = true
	w.s.mu.Unlock()
}

func (w *spillWriter) abort() {
	w.zw.Close()
	w.f.Close()
	os.Remove(w.tmp)
	w.s.used.Add(-w.n)
}

// maxSpillString bounds a field read back, so a damaged spill fails
// instead of allocating what a broken length says.
const maxSpillString = 1 << 31

// spillReader reads a spill back as a Reader, replaying its skips.
type spillReader struct {
	f    *os.File
	zr   *zstd.Decoder
	r    *bufio.Reader
	skip SkipFunc
	d    *Doc
	err  error
	// digest is the input's, from the spill's end.
	digest *hashingReader
}

func (s *spills) open(in Input, skip SkipFunc) (*spillReader, error) {
	f, err := os.Open(s.path(in))
	if err != nil {
		return nil, err
	}
	zr, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
	if err != nil {
		f.Close()
		return nil, err
	}
	if skip == nil {
		skip = func(error) {}
	}
	return &spillReader{f: f, zr: zr, r: bufio.NewReaderSize(zr, 64<<10), skip: skip}, nil
}

func (r *spillReader) str() string {
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		r.fail(err)
		return ""
	}
	if n > maxSpillString {
		r.fail(fmt.Errorf("a field of %d bytes", n))
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.fail(err)
	}
	return string(b)
}

func (r *spillReader) f32() float32 {
	var b [4]byte
	if _, err := io.ReadFull(r.r, b[:]); err != nil {
		r.fail(err)
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b[:]))
}

func (r *spillReader) fail(err error) {
	if r.err == nil {
		r.err = fmt.Errorf("spill %s: %w", r.f.Name(), err)
	}
}

func (r *spillReader) Next() bool {
	for r.err == nil {
		kind, err := r.r.ReadByte()
		if err != nil {
			r.fail(err)
			return false
		}
		switch kind {
		case spillSkip:
			msg, reason := r.str(), r.str()
			filtered, _ := r.r.ReadByte()
			if r.err != nil {
				return false
			}
			if filtered == 1 {
				r.skip(&FilteredError{Reason: reason, Err: errors.New(msg)})
			} else {
				r.skip(&CorruptError{Reason: reason, Err: errors.New(msg)})
			}
		case spillDoc:
			d := &Doc{ID: r.str(), Source: r.str(), Text: r.str(), URL: r.str()}
			if date := r.str(); r.err == nil {
				if err := d.Date.UnmarshalBinary([]byte(date)); err != nil {
					r.fail(err)
				}
			}
			d.Lang = r.str()
			d.LangScore, d.Perplexity = r.f32(), r.f32()
			d.Bucket = r.str()
			d.Quality = r.f32()
			nm, err := binary.ReadUvarint(r.r)
			if err != nil || nm > maxSpillString {
				r.fail(fmt.Errorf("meta count %d: %v", nm, err))
			}
			for i := uint64(0); i < nm && r.err == nil; i++ {
				d.SetMeta(r.str(), r.str())
			}
			nt, err := binary.ReadUvarint(r.r)
			if err != nil || nt > maxSpillString/4 {
				r.fail(fmt.Errorf("token count %d: %v", nt, err))
			}
			if nt > 0 && r.err == nil {
				d.Tokens = make([]int32, nt)
				for i := range d.Tokens {
					t, err := binary.ReadVarint(r.r)
					if err != nil {
						r.fail(err)
						break
					}
					d.Tokens[i] = int32(t)
				}
			}
			if r.err != nil {
				return false
			}
			r.d = d
			return true
		case spillEnd:
			sum := r.str()
			n, err := binary.ReadVarint(r.r)
			if err != nil {
				r.fail(err)
				return false
			}
			if n >= 0 {
				r.digest = &hashingReader{eof: true, n: n, sum: sum}
			}
			return false
		default:
			r.fail(fmt.Errorf("bad record kind %q", kind))
		}
	}
	return false
}

func (r *spillReader) Doc() *Doc  { return r.d }
func (r *spillReader) Err() error { return r.err }

func (r *spillReader) Close() error {
	r.zr.Close()
	r.f.Close()
	return r.err
}
