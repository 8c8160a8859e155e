package commoncrawl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/tokenmill/tokenmill/pipeline"
)

// Sentinel causes, wrapped in pipeline.CorruptError with a stats reason.
var (
	ErrTruncated     = errors.New("wet: truncated gzip member")
	ErrGzip          = errors.New("wet: corrupt gzip member")
	ErrHeader        = errors.New("wet: malformed WARC header")
	ErrContentLength = errors.New("wet: Content-Length does not match the record")
	ErrEmpty         = errors.New("wet: empty file")
	ErrInvalidUTF8   = errors.New("wet: invalid UTF-8 in record text")
)

// maxHeaderBytes bounds one record's header; longer means garbage.
const maxHeaderBytes = 64 << 10

// maxRecordBytes bounds one record's block, so a garbage length cannot make
// the reader allocate without limit.
const maxRecordBytes = 256 << 20

// maxReplayBytes bounds the raw bytes kept of the current gzip member for
// resynchronisation after a corrupt member.
const maxReplayBytes = 64 << 20

// Options control the reader.
type Options struct {
	// Source is the Doc.Source to set; "commoncrawl" when empty.
	Source string
	// RepairUTF8 replaces invalid UTF-8 with U+FFFD (and reports the record)
	// instead of skipping the record.
	RepairUTF8 bool
}

// Reader reads one WET file. See pipeline.Reader for the iteration contract;
// every Doc is newly allocated.
type Reader struct {
	path string
	opts Options
	skip pipeline.SkipFunc
	ctx  context.Context

	raw    *rawStream
	closer io.Closer
	zr     *gzip.Reader
	br     *bufio.Reader // over the current member's decompressed bytes
	member bool          // a member is open
	anyMem bool          // at least one member was found

	off    int64 // decompressed offset of the next byte br returns
	record int   // index of the next record in the file
	// curRecord and curStart locate the record being read, for reports.
	curRecord int
	curStart  int64
	doc       *pipeline.Doc
	err       error
	done      bool
}

// NewReader reads the WET file at path (used in errors) from r; Close closes r.
func NewReader(ctx context.Context, path string, r io.ReadCloser, skip pipeline.SkipFunc, opts Options) *Reader {
	if opts.Source == "" {
		opts.Source = "commoncrawl"
	}
	if skip == nil {
		skip = func(error) {}
	}
	return &Reader{path: path, opts: opts, skip: skip, ctx: ctx, raw: newRawStream(r), closer: r}
}

// Next advances to the next conversion record.
func (r *Reader) Next() bool {
	for !r.done && r.err == nil {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return false
		}
		if !r.member {
			if !r.openMember() {
				return false
			}
			continue
		}
		d, ok := r.readRecord()
		if ok && d != nil {
			r.doc = d
			return true
		}
	}
	return false
}

// Doc returns the current document.
func (r *Reader) Doc() *pipeline.Doc { return r.doc }

// Err returns the first fatal error; nil at a clean end.
func (r *Reader) Err() error { return r.err }

// Close releases the input and returns Err.
func (r *Reader) Close() error {
	if r.closer != nil {
		r.closer.Close()
		r.closer = nil
	}
	return r.err
}

func (r *Reader) report(record int, off int64, reason string, cause error, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.skip(&pipeline.RecordError{
		Path: r.path, Record: strconv.Itoa(record), Offset: off,
		Err: &pipeline.CorruptError{Reason: reason, Err: fmt.Errorf("%w: %s", cause, msg)},
	})
}

// openMember starts the next gzip member; false at the end of the file.
func (r *Reader) openMember() bool {
	r.raw.startMember()
	var err error
	if r.zr == nil {
		r.zr, err = gzip.NewReader(r.raw.br)
	} else {
		err = r.zr.Reset(r.raw.br)
	}
	if err == io.EOF {
		if !r.anyMem {
			r.report(0, 0, "empty-file", ErrEmpty, "no gzip member")
		}
		r.done = true
		return false
	}
	if err != nil {
		if isReadErr(err) {
			r.err = fmt.Errorf("%s: %w", r.path, err)
			return false
		}
		// Not a gzip header here: look for the next member.
		r.report(r.record, r.off, "bad-gzip", ErrGzip, "%v", err)
		if !r.resyncGzip() {
			r.done = true
			return false
		}
		return true
	}
	r.anyMem = true
	r.zr.Multistream(false)
	if r.br == nil {
		r.br = bufio.NewReaderSize(r.zr, 64<<10)
	} else {
		r.br.Reset(r.zr)
	}
	r.member = true
	return true
}

// resyncGzip moves the raw stream to the next gzip magic after the start of
// the current member; false if there is none.
func (r *Reader) resyncGzip() bool {
	r.member = false
	return r.raw.seekNextMagic()
}

// endMember is called when a member's decompressed bytes are exhausted or
// abandoned. It drains what is left so the raw stream sits at the next member.
func (r *Reader) endMember(abandon bool) {
	r.member = false
	if abandon {
		n, err := io.Copy(io.Discard, r.br)
		r.off += n
		if err != nil {
			r.gzipFailure(err)
		}
	}
}

// gzipFailure handles an error from the decompressor inside a member.
func (r *Reader) gzipFailure(err error) {
	r.member = false
	if isReadErr(err) {
		r.err = fmt.Errorf("%s: %w", r.path, err)
		return
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		r.report(r.curRecord, r.curStart, "truncated-gzip", ErrTruncated, "stream ends inside a gzip member")
		r.done = true
		return
	}
	r.report(r.curRecord, r.curStart, "bad-gzip", ErrGzip, "%v", err)
	if !r.resyncGzip() {
		r.done = true
	}
}

// isReadErr tells failures of the underlying storage (which are fatal) from
// corruption of the data (which is skipped).
func isReadErr(err error) bool {
	var re *rawReadError
	return errors.As(err, &re)
}

// readLine reads one line without its CRLF/LF. ok is false at the member's
// end (err nil) or on an error.
func (r *Reader) readLine(limit int) (line []byte, err error) {
	var buf []byte
	for {
		frag, e := r.br.ReadSlice('\n')
		r.off += int64(len(frag))
		buf = append(buf, frag...)
		if e == nil {
			break
		}
		if e == bufio.ErrBufferFull {
			if len(buf) > limit {
				return buf, errTooLong
			}
			continue
		}
		if e == io.EOF && len(buf) > 0 {
			return buf, errPartialLine
		}
		return buf, e
	}
	return bytes.TrimRight(buf, "\r\n"), nil
}

var (
	errTooLong     = errors.New("line too long")
	errPartialLine = errors.New("member ends inside a line")
)

// readRecord reads one record of the current member. It returns (doc, true)
// for a conversion record, (nil, true) for a record that is not a document or
// was skipped, and (nil, false) when the member or file ended.
func (r *Reader) readRecord() (*pipeline.Doc, bool) {
	start := r.off
	idx := r.record
	r.curRecord, r.curStart = idx, start
	// Version line, after any blank lines between records.
	var line []byte
	var err error
	for {
		line, err = r.readLine(maxHeaderBytes)
		if err != nil {
			break
		}
		if len(line) > 0 {
			break
		}
		start = r.off
		r.curStart = start
	}
	if err == io.EOF {
		r.endMember(false)
		return nil, false
	}
	if err != nil && err != errTooLong && err != errPartialLine {
		r.gzipFailure(err)
		return nil, false
	}
	r.record++
	if err != nil || !bytes.HasPrefix(line, []byte("WARC/")) {
		r.report(idx, start, "bad-header", ErrHeader, "expected a WARC version line, got %q", clip(line))
		r.skipToNextRecord()
		return nil, true
	}
	// Header fields.
	h := make(map[string]string, 12)
	total := len(line)
	for {
		line, err = r.readLine(maxHeaderBytes)
		if err != nil && err != errTooLong {
			if err == io.EOF || err == errPartialLine {
				r.report(idx, start, "bad-header", ErrHeader, "member ends inside the header")
				r.endMember(false)
				return nil, true
			}
			r.gzipFailure(err)
			return nil, false
		}
		total += len(line)
		if err == errTooLong || total > maxHeaderBytes {
			r.report(idx, start, "bad-header", ErrHeader, "header longer than %d bytes", maxHeaderBytes)
			r.skipToNextRecord()
			return nil, true
		}
		if len(line) == 0 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(k) == 0 || bytes.ContainsAny(k, " \t") {
			r.report(idx, start, "bad-header", ErrHeader, "header line without a field name: %q", clip(line))
			r.skipToNextRecord()
			return nil, true
		}
		h[strings.ToLower(string(k))] = string(bytes.TrimSpace(v))
	}
	cl, err := strconv.ParseInt(h["content-length"], 10, 64)
	if err != nil || cl < 0 || cl > maxRecordBytes {
		r.report(idx, start, "bad-header", ErrHeader, "bad Content-Length %q", h["content-length"])
		r.skipToNextRecord()
		return nil, true
	}
	block := make([]byte, cl)
	n, err := io.ReadFull(r.br, block)
	r.off += int64(n)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			// The member ended first: the length is wrong, or the member
			// was cut (the decompressor reports which when we go on).
			if _, e2 := r.br.Peek(1); e2 != nil && e2 != io.EOF {
				r.gzipFailure(e2)
				return nil, false
			}
			r.report(idx, start, "bad-content-length", ErrContentLength,
				"Content-Length %d but only %d bytes before the end of the gzip member", cl, n)
			r.endMember(false)
			return nil, true
		}
		r.gzipFailure(err)
		return nil, false
	}
	// The block is followed by CRLF CRLF, then the member's end or the next record.
	trail, err := r.br.Peek(4)
	if err != nil && err != io.EOF {
		r.gzipFailure(err)
		return nil, false
	}
	if !bytes.Equal(trail, []byte("\r\n\r\n")) {
		r.report(idx, start, "bad-content-length", ErrContentLength,
			"Content-Length %d is not followed by the record separator (got %q)", cl, trail)
		r.skipToNextRecord()
		return nil, true
	}
	r.br.Discard(4)
	r.off += 4
	if h["warc-type"] != "conversion" {
		return nil, true
	}
	id := strings.Trim(h["warc-record-id"], "<>")
	if id == "" {
		r.report(idx, start, "bad-header", ErrHeader, "conversion record without WARC-Record-ID")
		return nil, true
	}
	if !utf8.Valid(block) {
		if !r.opts.RepairUTF8 {
			r.report(idx, start, "invalid-utf8", ErrInvalidUTF8, "record %s", id)
			return nil, true
		}
		r.report(idx, start, "repaired-utf8", ErrInvalidUTF8, "record %s: invalid bytes replaced by U+FFFD", id)
		block = bytes.ToValidUTF8(block, []byte("\uFFFD"))
	}
	d := &pipeline.Doc{
		ID:     id,
		Source: r.opts.Source,
		Text:   strings.TrimRight(string(block), "\r\n"),
		URL:    h["warc-target-uri"],
	}
	if t, err := time.Parse(time.RFC3339, h["warc-date"]); err == nil {
		d.Date = t.UTC()
	}
	if v := h["warc-block-digest"]; v != "" {
		d.SetMeta("block_digest", v)
	}
	if v := h["warc-identified-content-language"]; v != "" {
		d.SetMeta("cc_languages", v)
	}
	return d, true
}

// skipToNextRecord discards input up to the next line that starts with
// "WARC/" inside the current member, or to the member's end.
func (r *Reader) skipToNextRecord() {
	for {
		b, err := r.br.Peek(5)
		if err == nil && string(b) == "WARC/" {
			return
		}
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			r.gzipFailure(err)
			return
		}
		_, err = r.readLine(1 << 62)
		if err == io.EOF {
			r.endMember(false)
			return
		}
		if err != nil && err != errTooLong {
			if err == errPartialLine {
				r.endMember(false)
				return
			}
			r.gzipFailure(err)
			return
		}
	}
}

func clip(b []byte) []byte {
	if len(b) > 60 {
		return b[:60]
	}
	return b
}

// rawReadError marks errors of the underlying input (storage), as opposed to
// errors the decompressor found in the data.
type rawReadError struct{ err error }

func (e *rawReadError) Error() string { return e.err.Error() }
func (e *rawReadError) Unwrap() error { return e.err }

// rawStream is the compressed input. The decompressor reads it through a
// *bufio.Reader (klauspost/compress decodes several times faster from one
// than from any other io.ByteReader), and the bytes the bufio pulls from the
// source are also kept, in chunks, from the start of the current gzip member
// on: after a corrupt member, reading resumes at the next gzip magic after
// that start, bytes the decompressor had already consumed included.
type rawStream struct {
	src     io.Reader
	br      *bufio.Reader
	off     int64 // offset in src of the next byte src returns
	chunks  []rawChunk
	kept    int
	keeping bool
	free    [][]byte
	// memberStart is the offset of the current member's first byte.
	memberStart int64
}

type rawChunk struct {
	off int64
	b   []byte
}

func newRawStream(r io.Reader) *rawStream {
	s := &rawStream{src: r, keeping: true}
	s.br = bufio.NewReaderSize(s, 64<<10)
	return s
}

// Read is what the bufio.Reader fills itself from.
func (s *rawStream) Read(p []byte) (int, error) {
	n, err := s.src.Read(p)
	if n > 0 && s.keeping {
		var buf []byte
		if k := len(s.free); k > 0 && cap(s.free[k-1]) >= n {
			buf, s.free = s.free[k-1][:n], s.free[:k-1]
		} else {
			buf = make([]byte, n, max(n, 64<<10))
		}
		copy(buf, p[:n])
		s.chunks = append(s.chunks, rawChunk{off: s.off, b: buf})
		if s.kept += n; s.kept > maxReplayBytes {
			s.keeping = false // a giant member: no resync inside it
			s.chunks, s.kept = nil, 0
		}
	}
	s.off += int64(n)
	if err != nil && err != io.EOF {
		err = &rawReadError{err}
	}
	return n, err
}

// startMember marks the current position as a member's start and forgets
// the chunks wholly before it.
func (s *rawStream) startMember() {
	start := s.off - int64(s.br.Buffered())
	s.keeping = true
	i := 0
	for i < len(s.chunks) && s.chunks[i].off+int64(len(s.chunks[i].b)) <= start {
		s.kept -= len(s.chunks[i].b)
		s.free = append(s.free, s.chunks[i].b)
		i++
	}
	s.chunks = s.chunks[:copy(s.chunks, s.chunks[i:])]
	s.memberStart = start
}

var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// seekNextMagic restarts the stream at the next gzip magic after the first
// byte of the current member; false if there is none.
func (s *rawStream) seekNextMagic() bool {
	var rest []byte
	if s.keeping {
		for _, c := range s.chunks {
			from := max(s.memberStart+1-c.off, 0)
			if from < int64(len(c.b)) {
				rest = append(rest, c.b[from:]...)
			}
		}
	}
	// Whatever the bufio read ahead is in rest already; start over on the
	// kept bytes followed by the unread source.
	next := &rawStream{src: io.MultiReader(bytes.NewReader(rest), s.src), off: s.memberStart + 1, keeping: true}
	next.br = bufio.NewReaderSize(next, 64<<10)
	for {
		b, err := next.br.Peek(3)
		if len(b) == 3 && bytes.Equal(b, gzipMagic) {
			*s = *next
			s.br = next.br
			return true
		}
		if err != nil {
			*s = *next
			return false
		}
		next.br.Discard(1)
	}
}
