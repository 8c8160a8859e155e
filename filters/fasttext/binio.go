package fasttext

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ErrFormat marks a file that is not a fastText model this package can read
// (bad magic, unknown version, impossible sizes, trailing bytes).
var ErrFormat = errors.New("fasttext: not a readable fastText model")

const (
	fileMagic   = 793712314
	fileVersion = 12
)

// binReader reads fastText's little-endian fields with a sticky error that
// records the byte offset of the first failure.
type binReader struct {
	r    *bufio.Reader
	off  int64
	err  error
	buf  [8]byte
	size int64 // total input size when known (a file), else -1
}

// prealloc returns how many elements of the given byte width to allocate
// for n of them: all of them when the input is known to hold them, else at
// most chunk, growing as the bytes arrive.
func (b *binReader) prealloc(n, width int64) int64 {
	if b.size >= 0 && n*width <= b.size-b.off {
		return n
	}
	return min(n, chunk)
}

func (b *binReader) fail(what string, err error) {
	if b.err == nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		b.err = fmt.Errorf("fasttext: reading %s at byte %d: %w", what, b.off, err)
	}
}

func (b *binReader) full(p []byte, what string) bool {
	if b.err != nil {
		return false
	}
	n, err := io.ReadFull(b.r, p)
	b.off += int64(n)
	if err != nil {
		b.fail(what, err)
		return false
	}
	return true
}

func (b *binReader) i32(what string) int32 {
	if !b.full(b.buf[:4], what) {
		return 0
	}
	return int32(binary.LittleEndian.Uint32(b.buf[:4]))
}

func (b *binReader) i64(what string) int64 {
	if !b.full(b.buf[:8], what) {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(b.buf[:8]))
}

func (b *binReader) f64(what string) float64 {
	if !b.full(b.buf[:8], what) {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b.buf[:8]))
}

func (b *binReader) u8(what string) uint8 {
	if !b.full(b.buf[:1], what) {
		return 0
	}
	return b.buf[0]
}

func (b *binReader) boolean(what string) bool {
	v := b.u8(what)
	if b.err == nil && v > 1 {
		b.fail(what, fmt.Errorf("%w: bool byte %d", ErrFormat, v))
	}
	return v == 1
}

// cstring reads a NUL-terminated string.
func (b *binReader) cstring(what string) string {
	if b.err != nil {
		return ""
	}
	s, err := b.r.ReadString(0)
	b.off += int64(len(s))
	if err != nil {
		b.fail(what, err)
		return ""
	}
	return s[:len(s)-1]
}

// chunk bounds how much is allocated before the bytes have been seen, so a
// corrupt size field fails with ErrUnexpectedEOF instead of a huge allocation.
const chunk = 1 << 20

func (b *binReader) f32s(n int64, what string) []float32 {
	out := make([]float32, 0, b.prealloc(n, 4))
	var raw [4 * 4096]byte
	for int64(len(out)) < n && b.err == nil {
		k := min(n-int64(len(out)), 4096)
		if !b.full(raw[:4*k], what) {
			break
		}
		for i := int64(0); i < k; i++ {
			out = append(out, math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
	}
	return out
}

func (b *binReader) bytesN(n int64, what string) []byte {
	out := make([]byte, 0, b.prealloc(n, 1))
	for int64(len(out)) < n && b.err == nil {
		k := min(n-int64(len(out)), chunk)
		start := len(out)
		out = append(out, make([]byte, k)...)
		b.full(out[start:], what)
	}
	return out
}

// binWriter is the writing counterpart, with a sticky error.
type binWriter struct {
	w   *bufio.Writer
	err error
	buf [8]byte
}

func (b *binWriter) write(p []byte) {
	if b.err == nil {
		_, b.err = b.w.Write(p)
	}
}

func (b *binWriter) i32(v int32) {
	binary.LittleEndian.PutUint32(b.buf[:4], uint32(v))
	b.write(b.buf[:4])
}

func (b *binWriter) i64(v int64) {
	binary.LittleEndian.PutUint64(b.buf[:8], uint64(v))
	b.write(b.buf[:8])
}

func (b *binWriter) f64(v float64) {
	binary.LittleEndian.PutUint64(b.buf[:8], math.Float64bits(v))
	b.write(b.buf[:8])
}

func (b *binWriter) u8(v uint8) {
	b.buf[0] = v
	b.write(b.buf[:1])
}

func (b *binWriter) boolean(v bool) {
	if v {
		b.u8(1)
	} else {
		b.u8(0)
	}
}

func (b *binWriter) cstring(s string) {
	if b.err == nil {
		_, b.err = b.w.WriteString(s)
	}
	b.u8(0)
}

func (b *binWriter) f32s(v []float32) {
	var raw [4 * 4096]byte
	for len(v) > 0 && b.err == nil {
		k := min(len(v), 4096)
		for i := 0; i < k; i++ {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v[i]))
		}
		b.write(raw[:4*k])
		v = v[k:]
	}
}
