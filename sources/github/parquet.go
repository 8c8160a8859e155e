package github

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline"
)

// parquetReader reads the rows of one Parquet file of a table, as BigQuery's
// Parquet export writes it (nullable columns OPTIONAL, STRING as UTF8
// BYTE_ARRAY, INT64 as INT64, BOOL as BOOLEAN), by column name, so the
// column order and REQUIRED/OPTIONAL repetition of other writers read too.
// A row group that fails to decode is reported and the next one read.
type parquetReader struct {
	path   string
	table  Table
	f      *os.File
	remove string // a spooled copy to delete on Close
	file   *parquet.File
	names  []string // leaf column index -> name
	skip   pipeline.SkipFunc
	err    error

	rg     int
	rows   parquet.Rows
	buf    []parquet.Row
	n, i   int
	rec    int64
	rgBase int64
}

// newParquetReader opens a Parquet file, which needs random access: a local
// path is read in place, anything else is first copied to tmpDir.
func newParquetReader(path string, t Table, local string, spool func() (string, error), skip pipeline.SkipFunc) (*parquetReader, error) {
	p := &parquetReader{path: path, table: t, skip: skip}
	name := local
	if name == "" {
		var err error
		if name, err = spool(); err != nil {
			return nil, err
		}
		p.remove = name
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p.f = f
	st, err := f.Stat()
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p.file, err = parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		p.Close()
		return nil, pipeline.Corruptf("parquet-footer", "%s: %v", path, err)
	}
	for _, c := range p.file.Schema().Columns() {
		p.names = append(p.names, c[len(c)-1])
	}
	p.buf = make([]parquet.Row, 64)
	return p, nil
}

func (p *parquetReader) report(reason string, err error) {
	if p.skip != nil {
		p.skip(&pipeline.RecordError{Path: p.path, Record: strconv.FormatInt(p.rec, 10), Offset: 0,
			Err: pipeline.Corruptf(reason, "%v", err)})
	}
}

func (p *parquetReader) fill() bool {
	for {
		if p.rows == nil {
			groups := p.file.RowGroups()
			if p.rg >= len(groups) {
				return false
			}
			p.rows = groups[p.rg].Rows()
			p.rgBase = p.rec
			p.rg++
		}
		n, err := p.rows.ReadRows(p.buf)
		p.n, p.i = n, 0
		if err != nil && !errors.Is(err, io.EOF) {
			p.report("parquet-row-group", fmt.Errorf("row group %d: %w", p.rg-1, err))
			p.rows.Close()
			p.rows = nil
			continue
		}
		if errors.Is(err, io.EOF) {
			p.rows.Close()
			p.rows = nil
		}
		if n > 0 {
			return true
		}
	}
}

// Next decodes the next good row into r.
func (p *parquetReader) Next(r *Row) bool {
	for {
		if p.i >= p.n {
			if !p.fill() {
				return false
			}
		}
		row := p.buf[p.i]
		p.i++
		rec := p.rec
		p.rec++
		r.reset()
		for _, v := range row {
			c := v.Column()
			if c < 0 || c >= len(p.names) || v.IsNull() {
				continue
			}
			name := p.names[c]
			switch v.Kind() {
			case parquet.Boolean:
				if name == "binary" {
					r.Binary = v.Boolean()
				}
			case parquet.Int32:
				setInt(r, name, int64(v.Int32()))
			case parquet.Int64:
				setInt(r, name, v.Int64())
			case parquet.ByteArray, parquet.FixedLenByteArray:
				setText(r, name, string(v.ByteArray()))
			}
		}
		if reason, err := checkRow(p.table, r); reason != "" {
			if p.skip != nil {
				p.skip(&pipeline.RecordError{Path: p.path, Record: strconv.FormatInt(rec, 10),
					Err: pipeline.Corruptf(reason, "%v", err)})
			}
			continue
		}
		return true
	}
}

func (p *parquetReader) Err() error { return p.err }

func (p *parquetReader) Close() error {
	if p.rows != nil {
		p.rows.Close()
	}
	if p.f != nil {
		p.f.Close()
	}
	if p.remove != "" {
		os.Remove(p.remove)
	}
	return p.err
}
