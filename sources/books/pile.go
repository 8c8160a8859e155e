package books

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
)

// storageError marks a failure of the storage under a decoder, which is
// fatal, as opposed to damage in the compressed data, which is not.
type storageError struct{ err error }

func (e *storageError) Error() string { return e.err.Error() }
func (e *storageError) Unwrap() error { return e.err }

// markReader wraps every error but io.EOF of r in a storageError.
type markReader struct{ r io.Reader }

func (m markReader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	if err != nil && err != io.EOF {
		err = &storageError{err}
	}
	return n, err
}

// pileReader reads one of The Pile's JSON-lines shards (NN.jsonl.zst):
// {"text": ..., "meta": {"pile_set_name": ...}} per line. Rows of the kept
// subsets become documents "books3/<shard file>#L<line>"; others are
// reported as pipeline.FilteredError "pile_subset:<name>".
type pileReader struct {
	path, base, source string
	subsets            map[string]bool
	maxLine            int
	skip               pipeline.SkipFunc
	raw                io.Closer
	dec                io.ReadCloser
	br                 *bufio.Reader
	line               int
	off                int64 // decompressed offset of the next line
	buf                []byte
	doc                *pipeline.Doc
	err                error
	done               bool
}

func newPileReader(path string, raw io.ReadCloser, skip pipeline.SkipFunc, o Options) (*pileReader, error) {
	dec, _, err := codec.NewReaderOptions(markReader{raw}, codec.Options{})
	if err != nil {
		raw.Close()
		var se *storageError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s: %w", path, se.err)
		}
		// A damaged header: nothing of the file can be read.
		skip(&pipeline.RecordError{Path: path, Record: "0", Err: pipeline.Corruptf("bad-compression", "books: %v", err)})
		return &pileReader{done: true}, nil
	}
	subsets := map[string]bool{}
	for _, s := range o.PileSubsets {
		subsets[s] = true
	}
	return &pileReader{path: path, base: baseName(path), source: o.Source, subsets: subsets,
		maxLine: o.maxBytes(), skip: skip, raw: raw, dec: dec, br: bufio.NewReaderSize(dec, 1<<20)}, nil
}

func (r *pileReader) Next() bool {
	r.doc = nil
	for !r.done && r.err == nil {
		line, start, ok := r.readLine()
		if !ok {
			return false
		}
		if d := r.parse(line, start); d != nil {
			r.doc = d
			return true
		}
	}
	return false
}

// readLine returns the next complete line (without its newline), the
// decompressed offset of its start, and false at the end.
func (r *pileReader) readLine() ([]byte, int64, bool) {
	r.buf = r.buf[:0]
	start := r.off
	tooLong := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.off += int64(len(chunk))
		if !tooLong {
			if len(r.buf)+len(chunk) > r.maxLine+1 {
				tooLong = true
				r.buf = r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			r.done = true
			if len(r.buf) == 0 && !tooLong {
				return nil, start, false
			}
		case err != nil:
			r.fail(err, start)
			return nil, start, false
		}
		r.line++
		if tooLong {
			r.report(start, pipeline.Corruptf("line-too-large", "books: line over %d bytes", r.maxLine))
			if r.done {
				return nil, start, false
			}
			tooLong = false
			start = r.off
			continue
		}
		return bytes.TrimRight(r.buf, "\r\n"), start, true
	}
}

// fail handles a read error: storage failures are fatal; a cut or damaged
// stream ends the file, and the line it broke is reported.
func (r *pileReader) fail(err error, start int64) {
	r.done = true
	var se *storageError
	if errors.As(err, &se) {
		r.err = fmt.Errorf("%s: %w", r.path, se.err)
		return
	}
	r.line++
	reason := "bad-compression"
	if codec.IsTruncated(err) {
		reason = "truncated-stream"
	}
	r.report(start, pipeline.Corruptf(reason, "books: %v", err))
}

func (r *pileReader) report(off int64, err error) {
	r.skip(&pipeline.RecordError{Path: r.path, Record: "L" + strconv.Itoa(r.line), Offset: off, Err: err})
}

var pileSetKey = []byte(`"pile_set_name"`)

// subsetOf reads the pile_set_name of a row without decoding its text: a
// quote can only stand unescaped in JSON as a delimiter, so the last
// `"pile_set_name"` of the line is the key. ok is false when the fast path
// cannot tell (no key, an escaped value).
func subsetOf(line []byte) (string, bool) {
	i := bytes.LastIndex(line, pileSetKey)
	if i < 0 {
		return "", false
	}
	rest := bytes.TrimLeft(line[i+len(pileSetKey):], " \t")
	if len(rest) == 0 || rest[0] != ':' {
		return "", false
	}
	rest = bytes.TrimLeft(rest[1:], " \t")
	if len(rest) == 0 || rest[0] != '"' {
		return "", false
	}
	j := bytes.IndexByte(rest[1:], '"')
	if j < 0 || bytes.IndexByte(rest[1:1+j], '\\') >= 0 {
		return "", false
	}
	return string(rest[1 : 1+j]), true
}

type pileRow struct {
	Text *string `json:"text"`
	Meta struct {
		PileSetName *string `json:"pile_set_name"`
	} `json:"meta"`
}

func (r *pileReader) parse(line []byte, off int64) *pipeline.Doc {
	if len(bytes.TrimSpace(line)) == 0 {
		r.report(off, pipeline.Corruptf("blank-line", "books: blank line"))
		return nil
	}
	if name, ok := subsetOf(line); ok && !r.keep(name) {
		r.report(off, pipeline.Filteredf("pile_subset:"+name, "books: Pile subset %q", name))
		return nil
	}
	if !utf8.Valid(line) {
		r.report(off, pipeline.Corruptf("invalid-utf8", "books: line is not valid UTF-8"))
		return nil
	}
	var row pileRow
	if err := json.Unmarshal(line, &row); err != nil {
		r.report(off, pipeline.Corruptf("bad-json", "books: %v", err))
		return nil
	}
	if row.Text == nil {
		r.report(off, pipeline.Corruptf("no-text", "books: row without a \"text\" string"))
		return nil
	}
	name := "(none)"
	if row.Meta.PileSetName != nil {
		name = *row.Meta.PileSetName
	}
	if !r.keep(name) {
		r.report(off, pipeline.Filteredf("pile_subset:"+name, "books: Pile subset %q", name))
		return nil
	}
	text := normalizeNewlines(*row.Text)
	if strings.TrimSpace(text) == "" {
		r.report(off, pipeline.Filteredf("empty-book", "books: empty text"))
		return nil
	}
	d := &pipeline.Doc{ID: "books3/" + r.base + "#L" + strconv.Itoa(r.line), Source: r.source, Text: text}
	d.SetMeta("collection", "books3")
	d.SetMeta("pile_set_name", name)
	return d
}

func (r *pileReader) keep(name string) bool { return r.subsets["*"] || r.subsets[name] }

func (r *pileReader) Doc() *pipeline.Doc { return r.doc }
func (r *pileReader) Err() error         { return r.err }

func (r *pileReader) Close() error {
	if r.dec != nil {
		r.dec.Close()
		r.raw.Close()
		r.dec = nil
	}
	return r.err
}
