package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// rowGroup is one row group of a token shard, as the index knows it.
type rowGroup struct {
	shard  int // index into the source's shards
	index  int // row group number inside the file
	rows   int64
	tokens int64
}

// streamLen is the row group's length in the packed stream: its tokens plus
// a BOS and an EOS per document.
func (g rowGroup) streamLen() int64 { return g.tokens + 2*g.rows }

// Stats counts what the loader read from storage.
type Stats struct {
	// ReadCalls and BytesRead count ReadAt calls on shards and their bytes
	// (footers included).
	ReadCalls, BytesRead int64
	// RowGroups counts row groups whose tokens were loaded.
	RowGroups int64
	// HashedBytes counts the bytes read sequentially to check the shards'
	// SHA-256 digests at Open (not counted in ReadCalls or BytesRead).
	HashedBytes int64
}

// shardReader opens token shards and reads only the columns the loader needs.
type shardReader struct {
	store *storage.Store
	// wrap, when set, interposes on every shard's ReaderAt (tests count the
	// ranges read through it).
	wrap                        func(key string, r storage.ReaderAt) storage.ReaderAt
	calls, bytes, rowGroupsRead atomic.Int64
	hashed                      atomic.Int64
	// tokenizerSHA256 is the manifest's tokenizer digest; a shard whose
	// footer names another tokenizer is refused.
	tokenizerSHA256 string
}

func (r *shardReader) stats() Stats {
	return Stats{ReadCalls: r.calls.Load(), BytesRead: r.bytes.Load(), RowGroups: r.rowGroupsRead.Load(), HashedBytes: r.hashed.Load()}
}

// shardFile is an open token shard. Reads of the column chunks fetched by
// prefetch are served from memory, so each needed chunk costs one ReadAt
// (one range request on object storage) however parquet-go pages through it.
type shardFile struct {
	key    string
	ra     storage.ReaderAt
	spans  *spanReaderAt
	f      *parquet.File
	nTok   int // column index of n_tokens
	tokens int // column index of tokens.list.element
}

// open opens the shard sh and reads its footer. The file's size must be
// the manifest's: it is known without reading (a stat, or the length of a
// range response), and checking it at every open also catches a shard
// replaced under a running trainer.
func (r *shardReader) open(ctx context.Context, sh manifest.Shard) (*shardFile, error) {
	key := sh.Path
	ra, err := r.store.NewReaderAt(ctx, key)
	if err != nil {
		return nil, err
	}
	if ra.Size() != sh.Bytes {
		ra.Close()
		return nil, mismatchf("data: shard %s: the file has %d bytes, the manifest says %d", r.store.URL(key), ra.Size(), sh.Bytes)
	}
	var base storage.ReaderAt = ra
	if r.wrap != nil {
		base = r.wrap(key, ra)
	}
	sr := &spanReaderAt{base: base, r: r}
	f, err := parquet.OpenFile(sr, ra.Size(),
		// The footer's magic is enough to recognise the file, and reading
		// the footer exactly (8 bytes, then its length) keeps footer reads
		// clear of the row groups' data.
		parquet.SkipMagicBytes(true), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		ra.Close()
		return nil, fmt.Errorf("data: shard %s: %w: %w", key, ErrCorrupt, err)
	}
	sf := &shardFile{key: key, ra: ra, spans: sr, f: f}
	nTok, ok1 := f.Schema().Lookup(manifest.ColumnNTokens)
	tok, ok2 := f.Schema().Lookup(manifest.TokensLeaf()...)
	if !ok1 || !ok2 || nTok.Node.Type().Kind() != parquet.Int32 || tok.Node.Type().Kind() != parquet.Int32 {
		ra.Close()
		return nil, fmt.Errorf("data: shard %s: %w: want int32 columns n_tokens and tokens (list<int32>), schema is %v",
			key, ErrCorrupt, f.Schema())
	}
	sf.nTok, sf.tokens = nTok.ColumnIndex, tok.ColumnIndex
	return sf, nil
}

func (sf *shardFile) Close() error { return sf.ra.Close() }

// fetch reads the whole byte range of one column chunk in a single ReadAt.
func (sf *shardFile) fetch(rg, col int) error {
	md := sf.f.Metadata().RowGroups[rg].Columns[col].MetaData
	start := md.DataPageOffset
	if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
		start = md.DictionaryPageOffset
	}
	if start < 0 || md.TotalCompressedSize < 0 || start+md.TotalCompressedSize > sf.ra.Size() {
		return fmt.Errorf("data: shard %s row group %d column %d: %w: chunk [%d,+%d) outside the file",
			sf.key, rg, col, ErrCorrupt, start, md.TotalCompressedSize)
	}
	return sf.spans.load(start, md.TotalCompressedSize)
}

// int32s decodes column col of row group rg, skipping nulls (an empty token
// list is stored as one null), and appends the values to dst.
func (sf *shardFile) int32s(rg, col int, dst []int32) ([]int32, error) {
	if err := sf.fetch(rg, col); err != nil {
		return dst, err
	}
	pages := sf.f.RowGroups()[rg].ColumnChunks()[col].Pages()
	defer pages.Close()
	var vals []parquet.Value
	for {
		p, err := pages.ReadPage()
		if err == io.EOF {
			break
		}
		if err != nil {
			return dst, fmt.Errorf("data: shard %s row group %d column %d: %w: %w", sf.key, rg, col, ErrCorrupt, err)
		}
		if p.Dictionary() == nil {
			data := p.Data()
			dst = append(dst, data.Int32()...)
		} else {
			// Dictionary-encoded pages hold indexes in Data; go through
			// the values instead.
			vr := p.Values()
			for {
				if cap(vals) == 0 {
					vals = make([]parquet.Value, 4096)
				}
				n, err := vr.ReadValues(vals)
				for _, v := range vals[:n] {
					if !v.IsNull() {
						dst = append(dst, v.Int32())
					}
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					parquet.Release(p)
					return dst, fmt.Errorf("data: shard %s row group %d column %d: %w: %w", sf.key, rg, col, ErrCorrupt, err)
				}
			}
		}
		parquet.Release(p)
	}
	return dst, nil
}

// index lists a shard's row groups with their document and token counts,
// read from the n_tokens column only, and checks them against the manifest.
func (r *shardReader) index(ctx context.Context, shardIdx int, sh manifest.Shard, verify bool) ([]rowGroup, error) {
	if verify {
		if err := r.verify(ctx, sh); err != nil {
			return nil, err
		}
	}
	sf, err := r.open(ctx, sh)
	if err != nil {
		return nil, err
	}
	defer sf.Close()
	// Shards of builds with different tokenizers must not be mixed: the
	// footer says which tokenizer made each shard (manifest.MetaTokenizerSHA256).
	if got, ok := sf.f.Lookup(manifest.MetaTokenizerSHA256); ok && r.tokenizerSHA256 != "" && got != r.tokenizerSHA256 {
		return nil, fmt.Errorf("data: shard %s: %w: made by tokenizer %s, the manifest's is %s",
			r.store.URL(sh.Path), ErrCorrupt, got, r.tokenizerSHA256)
	}
	var out []rowGroup
	var rows, tokens int64
	var lens []int32
	for i, rg := range sf.f.RowGroups() {
		lens, err = sf.int32s(i, sf.nTok, lens[:0])
		if err != nil {
			return nil, err
		}
		if int64(len(lens)) != rg.NumRows() {
			return nil, fmt.Errorf("data: shard %s row group %d: %w: %d n_tokens values for %d rows",
				sh.Path, i, ErrCorrupt, len(lens), rg.NumRows())
		}
		g := rowGroup{shard: shardIdx, index: i, rows: rg.NumRows()}
		for _, n := range lens {
			if n < 0 {
				return nil, fmt.Errorf("data: shard %s row group %d: %w: negative n_tokens %d", sh.Path, i, ErrCorrupt, n)
			}
			g.tokens += int64(n)
		}
		sf.spans.reset()
		rows += g.rows
		tokens += g.tokens
		if g.rows > 0 {
			out = append(out, g)
		}
	}
	if rows != sh.Rows || tokens != sh.Tokens {
		return nil, fmt.Errorf("data: shard %s: %w: manifest says %d rows and %d tokens, the file holds %d and %d",
			sh.Path, ErrCorrupt, sh.Rows, sh.Tokens, rows, tokens)
	}
	return out, nil
}

// readRowGroup returns the documents of one row group, in row order. The
// documents are subslices of one array.
func (r *shardReader) readRowGroup(ctx context.Context, sh manifest.Shard, g rowGroup) ([][]int32, error) {
	key := sh.Path
	sf, err := r.open(ctx, sh)
	if err != nil {
		return nil, err
	}
	defer sf.Close()
	if g.index >= len(sf.f.RowGroups()) {
		return nil, fmt.Errorf("data: shard %s: %w: row group %d missing", key, ErrCorrupt, g.index)
	}
	lens, err := sf.int32s(g.index, sf.nTok, make([]int32, 0, g.rows))
	if err != nil {
		return nil, err
	}
	flat, err := sf.int32s(g.index, sf.tokens, make([]int32, 0, g.tokens))
	if err != nil {
		return nil, err
	}
	if int64(len(lens)) != g.rows || int64(len(flat)) != g.tokens {
		return nil, fmt.Errorf("data: shard %s row group %d: %w: %d rows and %d tokens, the index had %d and %d",
			key, g.index, ErrCorrupt, len(lens), len(flat), g.rows, g.tokens)
	}
	docs := make([][]int32, len(lens))
	off := 0
	for i, n := range lens {
		docs[i] = flat[off : off+int(n) : off+int(n)]
		off += int(n)
	}
	r.rowGroupsRead.Add(1)
	return docs, nil
}

// verify checks the shard's size and SHA-256 with [VerifyShard], counting
// the bytes it reads in the loader's stats.
//
// It is done up front, once per shard at Open, not while training reads: the
// loader reads only two columns of a shard, row group by row group in
// shuffled order, and a short run may never read some row groups, so no
// digest could be completed from its own reads. A sequential read costs one
// request per shard and runs at disk or network speed (the hashing itself,
// with the CPU's SHA instructions, ran at 0.88 GB/s on one core of a busy
// 2-core machine: BenchmarkVerifyShard); for corpora where even that is too
// slow, Config.SkipSHA256 leaves only the size check.
func (r *shardReader) verify(ctx context.Context, sh manifest.Shard) error {
	return verifyShard(ctx, r.store, sh, &r.hashed)
}

// VerifyShard reads the shard sh of the build whose manifest is in store's
// folder, in one sequential pass, and checks its size and SHA-256 against
// the manifest's entry. A mismatch is an [ErrCorrupt] that names the file's
// URL, the expected value and the actual one; a file that cannot be read
// gives the storage error (fs.ErrNotExist for a missing local file).
func VerifyShard(ctx context.Context, store *storage.Store, sh manifest.Shard) error {
	return verifyShard(ctx, store, sh, nil)
}

func verifyShard(ctx context.Context, store *storage.Store, sh manifest.Shard, count *atomic.Int64) error {
	rc, err := store.NewReader(ctx, sh.Path)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	defer rc.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, err := rc.Read(buf)
		h.Write(buf[:k])
		n += int64(k)
		if count != nil {
			count.Add(int64(k))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("data: shard %s: read: %w", store.URL(sh.Path), err)
		}
		if n > sh.Bytes {
			// Longer than the manifest says: no need to read the rest.
			break
		}
	}
	if n != sh.Bytes {
		what := fmt.Sprint(n)
		if n > sh.Bytes {
			what = fmt.Sprintf("more than %d", sh.Bytes)
		}
		return mismatchf("data: shard %s: the file has %s bytes, the manifest says %d", store.URL(sh.Path), what, sh.Bytes)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sh.SHA256 {
		return mismatchf("data: shard %s: sha256 is %s, the manifest says %s", store.URL(sh.Path), got, sh.SHA256)
	}
	return nil
}

// mismatchError is a shard whose size or digest is not its manifest entry's.
// It is an ErrCorrupt (errors.Is) without repeating that error's text, so
// that the message reads the same for token and text shards.
type mismatchError struct{ msg string }

func mismatchf(format string, args ...any) error {
	return &mismatchError{fmt.Sprintf(format, args...)}
}

func (e *mismatchError) Error() string        { return e.msg }
func (e *mismatchError) Is(target error) bool { return target == ErrCorrupt }

// spanReaderAt serves reads inside prefetched byte ranges from memory and
// passes the others (the footer) to the shard.
type spanReaderAt struct {
	base  io.ReaderAt
	r     *shardReader
	spans []span
}

type span struct {
	off  int64
	data []byte
}

func (s *spanReaderAt) ReadAt(p []byte, off int64) (int, error) {
	for _, sp := range s.spans {
		if off >= sp.off && off+int64(len(p)) <= sp.off+int64(len(sp.data)) {
			return copy(p, sp.data[off-sp.off:]), nil
		}
	}
	return s.readBase(p, off)
}

func (s *spanReaderAt) readBase(p []byte, off int64) (int, error) {
	n, err := s.base.ReadAt(p, off)
	s.r.calls.Add(1)
	s.r.bytes.Add(int64(n))
	return n, err
}

func (s *spanReaderAt) load(off, n int64) error {
	buf := make([]byte, n)
	m, err := s.readBase(buf, off)
	if m == len(buf) {
		err = nil
	} else if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("data: read [%d,+%d): %w", off, n, err)
	}
	s.spans = append(s.spans, span{off, buf})
	return nil
}

// reset drops the prefetched ranges, so index keeps one chunk at a time.
func (s *spanReaderAt) reset() { s.spans = nil }

// ReadShardDocs reads every document of the token shard sh (in store's
// folder) in row order, one row group at a time, reading only the n_tokens
// and tokens columns, and calls fn with each row group's documents. The
// documents are subslices of one array that fn may keep. The shard's size,
// row and token counts are checked against sh (its SHA-256 is not: see
// VerifyShard). Exporters use it to stream a shard at column speed.
func ReadShardDocs(ctx context.Context, store *storage.Store, sh manifest.Shard, fn func(docs [][]int32) error) error {
	r := &shardReader{store: store}
	groups, err := r.index(ctx, 0, sh, false)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return err
		}
		docs, err := r.readRowGroup(ctx, sh, g)
		if err != nil {
			return err
		}
		if err := fn(docs); err != nil {
			return err
		}
	}
	return nil
}
