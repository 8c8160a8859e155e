package parquet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Info describes a committed shard, for the manifest.
type Info struct {
	Kind   string
	Key    string // relative to the output root
	Rows   int64
	Tokens int64
	Bytes  int64
	SHA256 string
}

// DefaultRowGroupBytes is the uncompressed size at which a row group is cut.
const DefaultRowGroupBytes = 96 << 20

// countingHash tees the bytes written to the store into a SHA-256.
type countingHash struct {
	w storage.Writer
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// Writer writes one shard of either kind.
type Writer[T any] struct {
	kind     string
	key      string
	out      *countingHash
	pw       *pq.GenericWriter[T]
	rows     int64
	tokens   int64
	pending  int64 // uncompressed bytes since the last row group cut
	groupCut int64
	buf      []T
	closed   bool
}

// Options control a shard writer.
type Options struct {
	// RowGroupBytes cuts row groups at about this many uncompressed bytes.
	RowGroupBytes int64
	// Metadata is written as Parquet key/value metadata (tokenizer digest...).
	Metadata map[string]string
}

func newWriter[T any](ctxWriter storage.Writer, kind, key string, o Options) *Writer[T] {
	if o.RowGroupBytes <= 0 {
		o.RowGroupBytes = DefaultRowGroupBytes
	}
	out := &countingHash{w: ctxWriter, h: sha256.New()}
	opts := []pq.WriterOption{
		pq.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		pq.CreatedBy("tokenmill", "1", ""),
	}
	// Sorted keys keep the footer byte-identical between runs.
	for _, k := range sortedKeys(o.Metadata) {
		opts = append(opts, pq.KeyValueMetadata(k, o.Metadata[k]))
	}
	return &Writer[T]{kind: kind, key: key, out: out, pw: pq.NewGenericWriter[T](out, opts...), groupCut: o.RowGroupBytes}
}

// NewDocWriter starts a text shard on w; key names it in errors and Info.
func NewDocWriter(w storage.Writer, key string, o Options) *Writer[manifest.DocRow] {
	return newWriter[manifest.DocRow](w, manifest.KindDocs, key, o)
}

// NewDroppedWriter starts a shard of dropped documents on w.
func NewDroppedWriter(w storage.Writer, key string, o Options) *Writer[manifest.DroppedRow] {
	return newWriter[manifest.DroppedRow](w, manifest.KindDropped, key, o)
}

// WriteDropped adds a dropped document and its reason to a dropped shard.
func (w *Writer[T]) WriteDropped(d *pipeline.Doc, reason string) error {
	dw, ok := any(w).(*Writer[manifest.DroppedRow])
	if !ok {
		return fmt.Errorf("shard %s: not a dropped shard", w.key)
	}
	row := manifest.DroppedRow{ID: d.ID, Source: d.Source, Reason: reason, Text: d.Text, URL: d.URL, Lang: d.Lang,
		LangScore: d.LangScore, Perplexity: d.Perplexity, Bucket: d.Bucket, Quality: d.Quality, Meta: manifest.EncodeMeta(d.Meta)}
	return dw.write(row, int64(len(d.ID)+len(d.Text)+len(d.URL)+len(reason)+64), 0)
}

// NewTokenWriter starts a token shard on w; key names it in errors and Info.
func NewTokenWriter(w storage.Writer, key string, o Options) *Writer[manifest.TokenRow] {
	return newWriter[manifest.TokenRow](w, manifest.KindTokens, key, o)
}

// Write adds one row; size is its uncompressed size estimate and tokens its
// token count (0 for text rows).
func (w *Writer[T]) write(row T, size, tokens int64) error {
	w.buf = append(w.buf[:0], row)
	if _, err := w.pw.Write(w.buf); err != nil {
		return fmt.Errorf("shard %s: %w", w.key, err)
	}
	w.rows++
	w.tokens += tokens
	w.pending += size
	if w.pending >= w.groupCut {
		w.pending = 0
		if err := w.pw.Flush(); err != nil {
			return fmt.Errorf("shard %s: %w", w.key, err)
		}
	}
	return nil
}

// Close finishes the Parquet file and commits it. On error the shard is
// aborted and nothing appears under its name.
func (w *Writer[T]) Close() (Info, error) {
	if w.closed {
		return Info{}, fmt.Errorf("shard %s: closed twice", w.key)
	}
	w.closed = true
	if err := w.pw.Close(); err != nil {
		w.out.w.Abort()
		return Info{}, fmt.Errorf("shard %s: %w", w.key, err)
	}
	if err := w.out.w.Commit(); err != nil {
		return Info{}, fmt.Errorf("shard %s: commit: %w", w.key, err)
	}
	return Info{Kind: w.kind, Key: w.key, Rows: w.rows, Tokens: w.tokens, Bytes: w.out.n,
		SHA256: hex.EncodeToString(w.out.h.Sum(nil))}, nil
}

// Abort discards the shard.
func (w *Writer[T]) Abort() {
	if !w.closed {
		w.closed = true
		w.out.w.Abort()
	}
}

// WriteDoc adds a document to a text shard.
func (w *Writer[T]) WriteDoc(d *pipeline.Doc) error {
	dw, ok := any(w).(*Writer[manifest.DocRow])
	if !ok {
		return fmt.Errorf("shard %s: not a text shard", w.key)
	}
	row := manifest.DocRow{ID: d.ID, Source: d.Source, Text: d.Text, URL: d.URL, Lang: d.Lang, LangScore: d.LangScore,
		Perplexity: d.Perplexity, Bucket: d.Bucket, Quality: d.Quality, Meta: manifest.EncodeMeta(d.Meta)}
	if !d.Date.IsZero() {
		t := d.Date.UTC()
		row.Date = &t
	}
	return dw.write(row, int64(len(d.ID)+len(d.Text)+len(d.URL)+64), 0)
}

// WriteTokens adds a document's tokens to a token shard.
func (w *Writer[T]) WriteTokens(d *pipeline.Doc) error {
	tw, ok := any(w).(*Writer[manifest.TokenRow])
	if !ok {
		return fmt.Errorf("shard %s: not a token shard", w.key)
	}
	return tw.write(manifest.TokenRow{ID: d.ID, Source: d.Source, Tokens: d.Tokens, NTokens: int32(len(d.Tokens))},
		int64(len(d.ID)+4*len(d.Tokens)+16), int64(len(d.Tokens)))
}

// Key returns the shard's key.
func (w *Writer[T]) Key() string { return w.key }

var _ io.Writer = (*countingHash)(nil)
