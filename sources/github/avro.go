package github

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"

	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/tokenmill/tokenmill/pipeline"
)

// Avro object container files, as BigQuery's EXPORT DATA / extract job
// writes them (Apache Avro 1.11 specification, "Object Container Files"):
//
//	"Obj" 0x01, metadata map<bytes> (avro.schema, avro.codec), 16-byte sync,
//	then blocks: row count (long), byte size (long), the rows (compressed by
//	the codec), the sync marker again.
//
// The reader is small and written here rather than taken from a library
// because a table row of github_repos is a flat record of nullable
// primitives: the whole decoder is the zig-zag varint, length-prefixed
// strings and ["null", T] unions, and owning it lets a damaged block be
// reported and skipped (resynchronising on the sync marker) instead of
// ending the file, which the general-purpose decoders do not offer.
const avroMagic = "Obj\x01"

// maxAvroBlock bounds one block's bytes: BigQuery writes blocks of a few
// hundred KB; a larger size field is damage, not a block to buffer.
const maxAvroBlock = 256 << 20

type avroKind int

const (
	avroNull avroKind = iota
	avroBoolean
	avroInt
	avroLong
	avroFloat
	avroDouble
	avroBytes
	avroString
)

// avroField is one column: its name, and its branches (one for a plain
// type, two or more for a union; nullable columns are ["null", T]).
type avroField struct {
	name     string
	branches []avroKind
}

func parseAvroType(v any) (avroKind, error) {
	switch t := v.(type) {
	case string:
		switch t {
		case "null":
			return avroNull, nil
		case "boolean":
			return avroBoolean, nil
		case "int":
			return avroInt, nil
		case "long":
			return avroLong, nil
		case "float":
			return avroFloat, nil
		case "double":
			return avroDouble, nil
		case "bytes":
			return avroBytes, nil
		case "string":
			return avroString, nil
		}
		return 0, fmt.Errorf("avro: unsupported type %q", t)
	case map[string]any:
		// {"type": "string", "sqlType": "JSON"}, {"type": "long", "logicalType": ...}
		return parseAvroType(t["type"])
	}
	return 0, fmt.Errorf("avro: unsupported type %v", v)
}

func parseAvroSchema(schema []byte) ([]avroField, error) {
	var s struct {
		Type   string `json:"type"`
		Fields []struct {
			Name string `json:"name"`
			Type any    `json:"type"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, fmt.Errorf("avro: schema: %w", err)
	}
	if s.Type != "record" {
		return nil, fmt.Errorf("avro: schema is a %q, not a record", s.Type)
	}
	out := make([]avroField, len(s.Fields))
	for i, f := range s.Fields {
		out[i].name = f.Name
		if u, ok := f.Type.([]any); ok {
			for _, b := range u {
				k, err := parseAvroType(b)
				if err != nil {
					return nil, fmt.Errorf("avro: field %s: %w", f.Name, err)
				}
				out[i].branches = append(out[i].branches, k)
			}
			continue
		}
		k, err := parseAvroType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("avro: field %s: %w", f.Name, err)
		}
		out[i].branches = []avroKind{k}
	}
	return out, nil
}

var errAvroShort = errors.New("avro: value runs past its block")

// avroDec decodes values from one block's bytes.
type avroDec struct {
	b []byte
	i int
}

func (d *avroDec) long() (int64, error) {
	u, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		return 0, errAvroShort
	}
	d.i += n
	return int64(u>>1) ^ -int64(u&1), nil
}

func (d *avroDec) bytes() ([]byte, error) {
	n, err := d.long()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > int64(len(d.b)-d.i) {
		return nil, errAvroShort
	}
	v := d.b[d.i : d.i+int(n)]
	d.i += int(n)
	return v, nil
}

// value decodes one value of kind k into r's column name.
func (d *avroDec) value(k avroKind, name string, r *Row) error {
	switch k {
	case avroNull:
		return nil
	case avroBoolean:
		if d.i >= len(d.b) {
			return errAvroShort
		}
		v := d.b[d.i] != 0
		d.i++
		if name == "binary" {
			r.Binary = v
		}
	case avroInt, avroLong:
		v, err := d.long()
		if err != nil {
			return err
		}
		setInt(r, name, v)
	case avroFloat:
		if d.i+4 > len(d.b) {
			return errAvroShort
		}
		d.i += 4
	case avroDouble:
		if d.i+8 > len(d.b) {
			return errAvroShort
		}
		d.i += 8
	case avroBytes, avroString:
		v, err := d.bytes()
		if err != nil {
			return err
		}
		setText(r, name, string(v))
	}
	return nil
}

// setInt and setText put a decoded column into a Row by its name; columns
// the join does not use are ignored.
func setInt(r *Row, name string, v int64) {
	switch name {
	case "mode":
		r.Mode, r.HasMode = v, true
	case "size":
		r.Size = v
	case "copies":
		r.Copies = v
	}
}

func setText(r *Row, name, v string) {
	switch name {
	case "repo_name":
		r.RepoName = v
	case "ref":
		r.Ref = v
	case "path":
		r.Path = v
	case "id":
		r.ID = v
	case "symlink_target":
		r.SymlinkTarget, r.HasSymlink = v, true
	case "content":
		r.Content, r.HasContent = v, true
	case "license":
		r.License = v
	}
}

// avroReader reads the rows of one Avro object container file.
type avroReader struct {
	path   string
	table  Table
	raw    io.Closer
	br     *bufio.Reader
	off    int64
	fields []avroField
	codec  string
	sync   [16]byte
	skip   pipeline.SkipFunc
	err    error
	done   bool

	block    []byte // the current block's rows, decompressed
	dec      avroDec
	left     int64 // rows left in the block
	blockOff int64
	rec      int64
	zr       *zstd.Decoder
}

func newAvroReader(path string, t Table, r io.ReadCloser, skip pipeline.SkipFunc) (*avroReader, error) {
	a := &avroReader{path: path, table: t, raw: r, br: bufio.NewReaderSize(r, 256<<10), skip: skip}
	if err := a.header(); err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

func (a *avroReader) read(p []byte) error {
	n, err := io.ReadFull(a.br, p)
	a.off += int64(n)
	return err
}

func (a *avroReader) readLong() (int64, error) {
	u, err := binary.ReadUvarint(byteCounter{a})
	if err != nil {
		return 0, err
	}
	return int64(u>>1) ^ -int64(u&1), nil
}

type byteCounter struct{ a *avroReader }

func (b byteCounter) ReadByte() (byte, error) {
	c, err := b.a.br.ReadByte()
	if err == nil {
		b.a.off++
	}
	return c, err
}

func (a *avroReader) header() error {
	var magic [4]byte
	if err := a.read(magic[:]); err != nil || string(magic[:]) != avroMagic {
		return pipeline.Corruptf("avro-header", "avro: not an object container file")
	}
	meta := map[string][]byte{}
	for {
		n, err := a.readLong()
		if err != nil {
			return pipeline.Corruptf("avro-header", "avro: metadata: %v", err)
		}
		if n == 0 {
			break
		}
		if n < 0 {
			n = -n
			if _, err := a.readLong(); err != nil {
				return pipeline.Corruptf("avro-header", "avro: metadata: %v", err)
			}
		}
		for ; n > 0; n-- {
			k, err := a.readBytes(1 << 20)
			if err != nil {
				return err
			}
			v, err := a.readBytes(16 << 20)
			if err != nil {
				return err
			}
			meta[string(k)] = v
		}
	}
	if err := a.read(a.sync[:]); err != nil {
		return pipeline.Corruptf("avro-header", "avro: no sync marker: %v", err)
	}
	fields, err := parseAvroSchema(meta["avro.schema"])
	if err != nil {
		return pipeline.Corruptf("avro-schema", "%v", err)
	}
	a.fields = fields
	a.codec = string(meta["avro.codec"])
	switch a.codec {
	case "", "null", "deflate", "snappy", "zstandard":
	default:
		return pipeline.Corruptf("avro-codec", "avro: codec %q is not supported", a.codec)
	}
	return nil
}

func (a *avroReader) readBytes(max int64) ([]byte, error) {
	n, err := a.readLong()
	if err != nil || n < 0 || n > max {
		return nil, pipeline.Corruptf("avro-header", "avro: bad length in metadata")
	}
	b := make([]byte, n)
	if err := a.read(b); err != nil {
		return nil, pipeline.Corruptf("avro-header", "avro: metadata: %v", err)
	}
	return b, nil
}

func (a *avroReader) report(reason string, format string, args ...any) {
	if a.skip != nil {
		a.skip(&pipeline.RecordError{Path: a.path, Record: strconv.FormatInt(a.rec, 10), Offset: a.blockOff,
			Err: pipeline.Corruptf(reason, format, args...)})
	}
}

// nextBlock reads and decompresses the next block. A damaged block is
// reported and the reader moves to the next sync marker.
func (a *avroReader) nextBlock() bool {
	for !a.done && a.err == nil {
		a.blockOff = a.off
		count, err := a.readLong()
		if err == io.EOF {
			a.done = true
			return false
		}
		var size int64
		if err == nil {
			size, err = a.readLong()
		}
		if err == nil && (count < 0 || size < 0 || size > maxAvroBlock) {
			err = fmt.Errorf("block of %d rows claims %d bytes", count, size)
		}
		var raw []byte
		if err == nil {
			raw = make([]byte, size)
			err = a.read(raw)
		}
		var sync [16]byte
		if err == nil {
			err = a.read(sync[:])
			if err == nil && sync != a.sync {
				err = fmt.Errorf("sync marker does not match")
			}
		}
		if err != nil {
			if isStorageError(err) {
				a.err = fmt.Errorf("%s at byte %d: %w", a.path, a.off, err)
				return false
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				a.report("truncated-avro", "avro: file ends inside a block: %v", err)
				a.done = true
				return false
			}
			a.report("avro-block", "avro: %v", err)
			a.resync()
			continue
		}
		block, err := a.decompress(raw)
		if err != nil {
			a.report("avro-block", "avro: %s block: %v", a.codec, err)
			continue
		}
		if count > int64(len(block)) {
			// Every column of these tables takes at least one byte (a union
			// branch or a length): more rows than bytes is damage, and would
			// otherwise loop over empty rows.
			a.report("avro-block", "avro: block of %d bytes claims %d rows", len(block), count)
			continue
		}
		a.block, a.dec, a.left = block, avroDec{b: block}, count
		return true
	}
	return false
}

// resync skips to just after the next sync marker.
func (a *avroReader) resync() {
	var win []byte
	for {
		c, err := a.br.ReadByte()
		if err != nil {
			a.done = true
			return
		}
		a.off++
		win = append(win, c)
		if len(win) > 16 {
			win = win[1:]
		}
		if len(win) == 16 && bytes.Equal(win, a.sync[:]) {
			return
		}
	}
}

func (a *avroReader) decompress(raw []byte) ([]byte, error) {
	switch a.codec {
	case "deflate":
		return io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxAvroBlock))
	case "snappy":
		if len(raw) < 4 {
			return nil, errors.New("short block")
		}
		if n, err := snappy.DecodedLen(raw[:len(raw)-4]); err != nil || n > maxAvroBlock {
			return nil, errors.New("snappy block too large or damaged")
		}
		out, err := snappy.Decode(nil, raw[:len(raw)-4])
		if err != nil {
			return nil, err
		}
		if crc32.ChecksumIEEE(out) != binary.BigEndian.Uint32(raw[len(raw)-4:]) {
			return nil, errors.New("snappy block checksum mismatch")
		}
		return out, nil
	case "zstandard":
		if a.zr == nil {
			z, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(maxAvroBlock))
			if err != nil {
				return nil, err
			}
			a.zr = z
		}
		return a.zr.DecodeAll(raw, nil)
	}
	return raw, nil
}

// Next decodes the next good row into r.
func (a *avroReader) Next(r *Row) bool {
	for {
		if a.left == 0 {
			if !a.nextBlock() {
				return false
			}
			continue
		}
		a.left--
		rec := a.rec
		a.rec++
		r.reset()
		if err := a.row(r); err != nil {
			// The rest of the block cannot be framed: skip it.
			a.rec += a.left
			a.left = 0
			if a.skip != nil {
				a.skip(&pipeline.RecordError{Path: a.path, Record: strconv.FormatInt(rec, 10), Offset: a.blockOff,
					Err: pipeline.Corruptf("avro-row", "%v", err)})
			}
			continue
		}
		if reason, err := checkRow(a.table, r); reason != "" {
			if a.skip != nil {
				a.skip(&pipeline.RecordError{Path: a.path, Record: strconv.FormatInt(rec, 10), Offset: a.blockOff,
					Err: pipeline.Corruptf(reason, "%v", err)})
			}
			continue
		}
		return true
	}
}

func (a *avroReader) row(r *Row) error {
	for _, f := range a.fields {
		k := f.branches[0]
		if len(f.branches) > 1 {
			b, err := a.dec.long()
			if err != nil {
				return err
			}
			if b < 0 || b >= int64(len(f.branches)) {
				return fmt.Errorf("avro: field %s: union branch %d of %d", f.name, b, len(f.branches))
			}
			k = f.branches[b]
		}
		if err := a.dec.value(k, f.name, r); err != nil {
			return fmt.Errorf("field %s: %w", f.name, err)
		}
	}
	return nil
}

func (a *avroReader) Err() error { return a.err }

func (a *avroReader) Close() error {
	if a.zr != nil {
		a.zr.Close()
	}
	a.raw.Close()
	return a.err
}
