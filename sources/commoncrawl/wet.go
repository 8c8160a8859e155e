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

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
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

// maxVerifiedBytes is the largest member (decompressed) that is checked
// whole before any of its records is read: CommonCrawl's members hold one
// record each, far smaller. A larger member is read as it decompresses.
const maxVerifiedBytes = 16 << 20

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

	members *codec.Members
	closer  io.Closer
	br      *bufio.Reader // over the current member's decompressed bytes
	member  bool          // a member is open

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
	rd := &Reader{path: path, opts: opts, skip: skip, ctx: ctx, closer: r}
	rd.members = codec.NewMembers(r, codec.MembersOptions{MaxBuffered: maxVerifiedBytes, MaxReplay: maxReplayBytes, OnDamage: rd.damaged})
	return rd
}

// damaged reports a gzip member that could not be read. A member holds one
// record in CommonCrawl's layout, so one that was never started counts as
// one lost record; one that failed while its records were being read names
// the record in progress.
func (r *Reader) damaged(d codec.Damage) {
	cause := ErrGzip
	if d.Reason == "truncated-gzip" {
		cause = ErrTruncated
	}
	idx := r.record
	if d.Started {
		idx = r.curRecord
	} else {
		r.record++
	}
	r.report(idx, d.DecompressedOffset, d.Reason, cause, "gzip member at byte %d of the file: %v", d.Offset, d.Err)
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

// openMember starts the next gzip member that decodes cleanly; false at the
// end of the file.
func (r *Reader) openMember() bool {
	if !r.members.Next() {
		if err := r.members.Err(); err != nil {
			r.err = fmt.Errorf("%s: %w", r.path, err)
			return false
		}
		if !r.members.Any() && r.record == 0 {
			r.report(0, 0, "empty-file", ErrEmpty, "no gzip member")
		}
		r.done = true
		return false
	}
	if r.br == nil {
		r.br = bufio.NewReaderSize(r.members.Reader(), 64<<10)
	} else {
		r.br.Reset(r.members.Reader())
	}
	r.off = r.members.DecompressedOffset()
	r.member = true
	return true
}

// endMember is called when a member's decompressed bytes are exhausted or
// abandoned; the next openMember goes on after it.
func (r *Reader) endMember(bool) { r.member = false }

// gzipFailure handles an error reading the current member: a failure of
// the storage is fatal; damage in a member too large to verify first was
// reported already (damaged), and reading goes on after it.
func (r *Reader) gzipFailure(err error) {
	r.member = false
	if r.members.Err() != nil {
		r.err = fmt.Errorf("%s: %w", r.path, r.members.Err())
	}
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
		err = r.discardLine()
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

// discardLine skips one line without keeping it, so a garbage line of any
// length costs no memory.
func (r *Reader) discardLine() error {
	n := 0
	for {
		frag, e := r.br.ReadSlice('\n')
		r.off += int64(len(frag))
		n += len(frag)
		if e == nil {
			return nil
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if e == io.EOF && n > 0 {
			return errPartialLine
		}
		return e
	}
}

func clip(b []byte) []byte {
	if len(b) > 60 {
		return b[:60]
	}
	return b
}
