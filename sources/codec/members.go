package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// Damage describes a gzip member that could not be read.
type Damage struct {
	// Offset is the byte offset of the damaged member's first byte in the
	// compressed file; DecompressedOffset is where its bytes would have
	// started in the decompressed stream.
	Offset             int64
	DecompressedOffset int64
	// Reason is "bad-gzip" (a bad header, bad deflate data, a CRC or length
	// mismatch) or "truncated-gzip" (the file ends inside the member).
	Reason string
	// Started is true when the member was too large to verify first and some
	// of its bytes had already been returned.
	Started bool
	Err     error
}

// MembersOptions tune a Members reader.
type MembersOptions struct {
	// MaxBuffered is the largest decompressed member that is verified whole
	// (CRC and length) before any of its bytes is returned; larger members
	// are streamed and a failure is known only at their end. Default 16 MiB.
	MaxBuffered int
	// MaxReplay bounds the compressed bytes kept of the current member to
	// resynchronise after it; a larger damaged member is resynchronised
	// from where the damage was found. Default 64 MiB.
	MaxReplay int
	// OnDamage receives every damaged member, in file order. May be nil.
	OnDamage func(Damage)
}

// Members reads a gzip file member by member, the layout WARC, WET and
// other record-per-member files use so that damage stays local:
//
//	m := codec.NewMembers(r, opt)
//	for m.Next() { io.ReadAll(m.Reader()) }
//	if err := m.Err(); err != nil { ... } // storage failures only
//
// A member whose header, deflate data, CRC-32 or length is bad is reported
// to OnDamage and never returned (members up to MaxBuffered are checked
// before their first byte is handed out). Reading then resumes at the next
// gzip header after the damaged member's first byte from which a member
// decodes cleanly, so every intact member after the damage is read, none
// before it is read twice, and no altered byte is returned.
type Members struct {
	opt    MembersOptions
	tee    *teeReader
	br     *bufio.Reader
	zr     *gzip.Reader
	start  int64 // compressed offset of the current member
	dec    int64 // decompressed offset of the current member
	buf    []byte
	cur    io.Reader
	stream *streamMember // non-nil when the current member is streamed
	any    bool
	err    error
	done   bool
}

// NewMembers reads the gzip file r.
func NewMembers(r io.Reader, opt MembersOptions) *Members {
	if opt.MaxBuffered <= 0 {
		opt.MaxBuffered = 16 << 20
	}
	if opt.MaxReplay <= 0 {
		opt.MaxReplay = 64 << 20
	}
	if opt.OnDamage == nil {
		opt.OnDamage = func(Damage) {}
	}
	m := &Members{opt: opt}
	m.tee = &teeReader{src: r, max: opt.MaxReplay, keeping: true}
	m.br = bufio.NewReaderSize(m.tee, 64<<10)
	return m
}

// pos is the compressed offset of the next byte the decoder will read.
func (m *Members) pos() int64 { return m.tee.off - int64(m.br.Buffered()) }

// Next advances to the next member that decodes cleanly; false at the end
// of the file or after a storage failure (see Err).
func (m *Members) Next() bool {
	if m.err != nil || m.done {
		return false
	}
	if m.stream != nil {
		m.finishStream()
		if m.err != nil {
			return false
		}
	}
	m.cur = nil
	resyncing := false
	var first *Damage // the damage being resynchronised past
	for {
		m.start = m.pos()
		m.tee.forget(m.start)
		var err error
		if m.zr == nil {
			m.zr, err = gzip.NewReader(m.br)
		} else {
			err = m.zr.Reset(m.br)
		}
		if err == io.EOF && m.pos() == m.start {
			m.done = true
			m.reportPending(first, false)
			return false
		}
		if err == nil {
			m.zr.Multistream(false)
			err = m.fill()
			if err == nil {
				m.any = true
				if first != nil {
					m.opt.OnDamage(*first)
				}
				return true
			}
		}
		if m.isReadErr(err) {
			return false
		}
		if !resyncing {
			first = &Damage{Offset: m.start, DecompressedOffset: m.dec, Reason: "bad-gzip", Err: err}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				first.Reason = "truncated-gzip"
			}
			resyncing = true
		}
		if !m.resync(m.start + 1) {
			m.reportPending(first, true)
			return false
		}
		if m.err != nil {
			return false
		}
	}
}

// reportPending reports the damage a failed resynchronisation ended with.
func (m *Members) reportPending(d *Damage, end bool) {
	if d == nil {
		return
	}
	if end && d.Reason == "bad-gzip" && errors.Is(d.Err, io.ErrUnexpectedEOF) {
		d.Reason = "truncated-gzip"
	}
	m.opt.OnDamage(*d)
}

// fill decompresses the member into buf, up to MaxBuffered bytes; a member
// that ends within it has been verified by the decoder. A larger one is
// streamed from there.
func (m *Members) fill() error {
	m.buf = m.buf[:0]
	for {
		if len(m.buf) >= m.opt.MaxBuffered {
			m.stream = &streamMember{m: m}
			m.cur = io.MultiReader(bytes.NewReader(m.buf), m.stream)
			return nil
		}
		if len(m.buf) == cap(m.buf) {
			grown := make([]byte, len(m.buf), min(max(64<<10, 2*cap(m.buf)), m.opt.MaxBuffered))
			copy(grown, m.buf)
			m.buf = grown
		}
		n, err := m.zr.Read(m.buf[len(m.buf):min(cap(m.buf), m.opt.MaxBuffered)])
		m.buf = m.buf[:len(m.buf)+n]
		if err == io.EOF {
			m.cur = bytes.NewReader(m.buf)
			m.dec += int64(len(m.buf))
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// streamMember is the rest of a member too large to verify first.
type streamMember struct {
	m      *Members
	n      int64
	failed bool
}

func (s *streamMember) Read(p []byte) (int, error) {
	if s.failed {
		return 0, errStreamFailed
	}
	n, err := s.m.zr.Read(p)
	s.n += int64(n)
	if err != nil && err != io.EOF {
		s.failed = true
		if s.m.isReadErr(err) {
			return n, err
		}
		s.m.streamFailure(err)
		return n, errStreamFailed
	}
	return n, err
}

var errStreamFailed = errors.New("codec: gzip member is damaged")

// streamFailure reports a streamed member that turned out damaged and
// resynchronises after the point the damage was found.
func (m *Members) streamFailure(err error) {
	d := Damage{Offset: m.start, DecompressedOffset: m.dec, Reason: "bad-gzip", Started: true, Err: err}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		d.Reason = "truncated-gzip"
	}
	m.opt.OnDamage(d)
	m.dec += int64(len(m.buf)) + m.stream.n
	if !m.resync(m.start + 1) {
		m.done = true
	}
	m.stream = nil
}

// finishStream drains a streamed member the caller left unfinished.
func (m *Members) finishStream() {
	s := m.stream
	if !s.failed {
		_, err := io.Copy(io.Discard, s)
		if err == nil {
			m.dec += int64(len(m.buf)) + s.n
		}
	}
	m.stream = nil
}

// isReadErr records a storage failure; true if err is one.
func (m *Members) isReadErr(err error) bool {
	var re *rawReadError
	if errors.As(err, &re) {
		m.err = re.err
		return true
	}
	return false
}

// resync restarts decoding at the first gzip magic at or after the
// compressed offset from; false if there is none. When the bytes from there
// were not kept (a member larger than MaxReplay), it goes on from where the
// decoder stopped, which is past the damage.
func (m *Members) resync(from int64) bool {
	rest := m.tee.from(from)
	if rest == nil {
		from = m.pos()
		b, _ := m.br.Peek(m.br.Buffered())
		rest = append([]byte(nil), b...)
	}
	next := &teeReader{src: io.MultiReader(bytes.NewReader(rest), m.tee.src), off: from, max: m.opt.MaxReplay, keeping: true}
	m.tee = next
	m.br.Reset(next)
	for {
		b, err := m.br.Peek(3)
		if len(b) == 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 0x08 {
			return true
		}
		if err != nil {
			m.isReadErr(err)
			return false
		}
		m.br.Discard(1)
	}
}

// Reader returns the current member's decompressed bytes. A member larger
// than MaxBuffered may fail while it is read: the error is then reported to
// OnDamage first, and the next Next resumes after it.
func (m *Members) Reader() io.Reader { return m.cur }

// Offset returns the compressed offset of the current member's first byte.
func (m *Members) Offset() int64 { return m.start }

// DecompressedOffset returns the offset of the current member's first byte
// in the decompressed stream (damaged members count as empty).
func (m *Members) DecompressedOffset() int64 {
	if m.stream == nil && m.cur != nil {
		return m.dec - int64(len(m.buf))
	}
	return m.dec
}

// Any reports whether at least one member was read.
func (m *Members) Any() bool { return m.any }

// Err returns the first failure of the underlying reader; damage in the
// data is not an error.
func (m *Members) Err() error { return m.err }

// rawReadError marks failures of the underlying reader (storage).
type rawReadError struct{ err error }

func (e *rawReadError) Error() string { return e.err.Error() }
func (e *rawReadError) Unwrap() error { return e.err }

// teeReader counts the compressed bytes it passes on and keeps those from
// the current member's start on (up to max), for resynchronisation.
type teeReader struct {
	src     io.Reader
	off     int64 // offset of the next byte src returns
	kept    []byte
	keptAt  int64 // offset of kept[0]
	max     int
	keeping bool
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.src.Read(p)
	if n > 0 && t.keeping {
		if len(t.kept)+n > t.max {
			t.keeping, t.kept = false, nil
		} else {
			if len(t.kept) == 0 {
				t.keptAt = t.off
			}
			t.kept = append(t.kept, p[:n]...)
		}
	}
	t.off += int64(n)
	if err != nil && err != io.EOF {
		err = &rawReadError{err}
	}
	return n, err
}

// forget drops the kept bytes before off and keeps again from there.
func (t *teeReader) forget(off int64) {
	if !t.keeping {
		// The bytes between off and what was read already are lost for
		// replay; has says so.
		t.keeping, t.kept, t.keptAt = true, t.kept[:0], t.off
		return
	}
	if d := off - t.keptAt; d > 0 && d <= int64(len(t.kept)) {
		t.kept = t.kept[:copy(t.kept, t.kept[d:])]
		t.keptAt = off
	}
}

// has reports whether the bytes from off on are kept.
func (t *teeReader) has(off int64) bool {
	return t.keeping && off >= t.keptAt && off <= t.keptAt+int64(len(t.kept))
}

// from returns the kept bytes from off on (a copy); nil if they are not kept.
func (t *teeReader) from(off int64) []byte {
	if !t.has(off) {
		return nil
	}
	return append([]byte(nil), t.kept[off-t.keptAt:]...)
}

// String is for debugging.
func (d Damage) String() string {
	return fmt.Sprintf("%s at byte %d: %v", d.Reason, d.Offset, d.Err)
}
