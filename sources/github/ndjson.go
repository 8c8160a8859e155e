package github

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strconv"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/codec"
)

// MaxRowBytes bounds one NDJSON row. The contents table holds blobs up to
// 1 MiB (larger ones are NULL); JSON escaping at most sextuples a byte, so a
// legitimate row stays well under this, and a longer one is skipped rather
// than buffered without bound.
const MaxRowBytes = 16 << 20

// ndjsonReader reads one shard of a table in BigQuery's newline-delimited
// JSON export: one object per line, NULL columns omitted, INT64 as strings,
// optionally gzip (or any codec the codec package knows). A content column
// that is not valid UTF-8 after decoding is taken as BYTES (base64), as a
// user's own export of the table with content as BYTES writes it.
type ndjsonReader struct {
	path  string
	table Table
	raw   io.Closer
	dec   io.ReadCloser
	br    *bufio.Reader
	buf   []byte
	off   int64  // decompressed offset of the next line
	start int64  // decompressed offset of the current row
	row   []byte // the current row: in br's buffer, or in buf
	rec   int64  // index of the next row
	skip  pipeline.SkipFunc
	err   error
	done  bool
}

func newNDJSONReader(path string, t Table, r io.ReadCloser, skip pipeline.SkipFunc) (*ndjsonReader, error) {
	dec, err := codec.NewReader(r)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &ndjsonReader{path: path, table: t, raw: r, dec: dec, br: bufio.NewReaderSize(dec, 256<<10), skip: skip}, nil
}

func (n *ndjsonReader) report(rec, off int64, reason, format string, args ...any) {
	if n.skip != nil {
		n.skip(&pipeline.RecordError{Path: n.path, Record: strconv.FormatInt(rec, 10), Offset: off,
			Err: pipeline.Corruptf(reason, format, args...)})
	}
}

// line reads the next non-blank line into n.buf (without its line end) and
// sets n.start to its offset. It returns false at the end; a line over
// MaxRowBytes is reported and skipped. A compressed stream that is cut or
// damaged ends the shard with a report, keeping a last row that is complete.
func (n *ndjsonReader) line() bool {
	for {
		if n.done || n.err != nil {
			return false
		}
		n.buf = n.buf[:0]
		n.start = n.off
		tooLong := false
		var rerr error
		var row []byte
		for first := true; ; first = false {
			chunk, err := n.br.ReadSlice('\n')
			n.off += int64(len(chunk))
			if first && err == nil {
				// The whole row is in the read buffer: decode it there, no
				// copy (it is decoded before the next read).
				row = chunk
				break
			}
			if !tooLong {
				if len(n.buf)+len(chunk) > MaxRowBytes {
					tooLong, n.buf = true, n.buf[:0]
				} else {
					n.buf = append(n.buf, chunk...)
				}
			}
			if err != bufio.ErrBufferFull {
				rerr = err
				break
			}
		}
		if row == nil {
			row = n.buf
		}
		if rerr != nil {
			n.done = true
			if rerr != io.EOF {
				if isStorageError(rerr) {
					n.err = fmt.Errorf("%s at byte %d: %w", n.path, n.off, rerr)
					return false
				}
				reason := "corrupt-stream"
				if codec.IsTruncated(rerr) || errors.Is(rerr, io.ErrUnexpectedEOF) {
					reason = "truncated-gzip"
				}
				n.report(n.rec, n.start, reason, "stream ends at byte %d: %v", n.off, rerr)
				if tooLong || !json.Valid(row) {
					return false
				}
			}
		}
		if tooLong {
			n.report(n.rec, n.start, "github-row-too-long", "row longer than %d bytes", MaxRowBytes)
			n.rec++
			continue
		}
		n.row = bytes.TrimRight(row, "\r\n")
		if len(bytes.TrimSpace(n.row)) == 0 {
			continue // a blank line is not a row
		}
		return true
	}
}

// isStorageError is true for failures of the file system or the network
// under the decoder, which stop the build, as opposed to bad bytes.
func isStorageError(err error) bool {
	var pe *fs.PathError
	var ne net.Error
	return errors.As(err, &pe) || errors.As(err, &ne) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Next decodes the next good row into r. Malformed rows are reported and
// skipped.
func (n *ndjsonReader) Next(r *Row) bool {
	for n.line() {
		rec := n.rec
		n.rec++
		if n.decode(n.row, r, rec, n.start) {
			return true
		}
	}
	return false
}

func (n *ndjsonReader) decode(line []byte, r *Row, rec, off int64) bool {
	r.reset()
	if err := decodeRow(line, r); err != nil {
		n.report(rec, off, "github-bad-json", "%v", err)
		return false
	}
	reason, err := checkRow(n.table, r)
	if reason == "github-blob-sha1" {
		// BYTES content arrives base64; try it before calling the row corrupt.
		if b, err := base64.StdEncoding.DecodeString(r.Content); err == nil && utf8.Valid(b) && blobID(string(b)) == r.ID {
			r.Content, reason = string(b), ""
		}
	}
	if reason != "" {
		n.report(rec, off, reason, "%v", err)
		return false
	}
	return true
}

func (n *ndjsonReader) Err() error { return n.err }

func (n *ndjsonReader) Close() error {
	n.dec.Close()
	n.raw.Close()
	return n.err
}
