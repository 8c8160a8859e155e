package codec

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Format is a compression format, as Detect names it.
type Format string

// The formats Detect knows. None means the bytes are not compressed (or in a
// format this package does not know, which the caller then parses as is).
const (
	None  Format = "none"
	Gzip  Format = "gzip"
	Bzip2 Format = "bzip2"
	Zstd  Format = "zstd"
	Xz    Format = "xz"
)

var magics = []struct {
	f     Format
	magic []byte
}{
	{Gzip, []byte{0x1f, 0x8b}},
	{Bzip2, []byte("BZh")},
	{Zstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{Xz, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
}

// MagicLen is how many leading bytes Detect needs to tell every format apart.
const MagicLen = 6

// Detect names the compression format of data from its first bytes.
func Detect(head []byte) Format {
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) {
			if m.f == Bzip2 && (len(head) < 4 || head[3] < '1' || head[3] > '9') {
				continue // "BZh" followed by a block size digit
			}
			return m.f
		}
	}
	return None
}

// ErrFormat marks a stream whose header claims a format it then breaks.
var ErrFormat = errors.New("codec: corrupt compressed stream")

// Options tune NewReaderOptions.
type Options struct {
	// ZstdMaxWindow raises the largest zstd window accepted (default 1 GiB:
	// The Pile's shards and `zstd --long=30` files need more than the
	// library's default).
	ZstdMaxWindow uint64
	// ZstdConcurrency is the zstd decoder's goroutines (default 1: sources
	// already run one reader per core).
	ZstdConcurrency int
}

// NewReader returns the decompressed bytes of r, whatever its format (or r
// itself, buffered, when it is not compressed). Closing the result releases
// the decoder; it does not close r.
func NewReader(r io.Reader) (io.ReadCloser, error) {
	rc, _, err := NewReaderOptions(r, Options{})
	return rc, err
}

// NewReaderOptions is NewReader with options; it also returns the format it
// found.
func NewReaderOptions(r io.Reader, opt Options) (io.ReadCloser, Format, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	head, err := br.Peek(MagicLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, None, err
	}
	f := Detect(head)
	switch f {
	case Gzip:
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, f, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
		}
		return z, f, nil
	case Bzip2:
		return io.NopCloser(bzip2.NewReader(br)), f, nil
	case Zstd:
		win := opt.ZstdMaxWindow
		if win == 0 {
			win = 1 << 30
		}
		conc := opt.ZstdConcurrency
		if conc <= 0 {
			conc = 1
		}
		z, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(conc), zstd.WithDecoderMaxWindow(win),
			zstd.WithDecoderLowmem(false))
		if err != nil {
			return nil, f, fmt.Errorf("%w: zstd: %v", ErrFormat, err)
		}
		return zstdCloser{z}, f, nil
	case Xz:
		z, err := xz.NewReader(br)
		if err != nil {
			return nil, f, fmt.Errorf("%w: xz: %v", ErrFormat, err)
		}
		return io.NopCloser(z), f, nil
	}
	return io.NopCloser(br), None, nil
}

type zstdCloser struct{ d *zstd.Decoder }

func (z zstdCloser) Read(p []byte) (int, error) { return z.d.Read(p) }
func (z zstdCloser) Close() error               { z.d.Close(); return nil }

// IsTruncated reports whether err means the compressed stream ended in the
// middle (the file was cut), as opposed to bad data inside it.
func IsTruncated(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF)
}
