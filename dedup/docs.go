package dedup

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// Docs is exact document dedup over a group of shards: of the documents
// with the same text, the first in input order (lowest shard, position)
// survives. The text's key is the first 8 bytes of its SHA-1.
type Docs struct {
	ix      *index
	dropped atomic.Int64
}

// NewDocs returns an exact document deduper (Options.Mode is ignored).
func NewDocs(o Options) *Docs { return &Docs{ix: newIndex(o.MemoryBytes, o.TempDir, false)} }

// TextKey is the key of a document's text.
func TextKey(text string) uint64 {
	// Hash the string's bytes in place: []byte(text) would copy every
	// document (a whole source file, for GitHub) only to read it once.
	sum := sha1.Sum(unsafe.Slice(unsafe.StringData(text), len(text)))
	return binary.BigEndian.Uint64(sum[:8])
}

// Observe records the next document of shard (same rules as Lines.Observe).
func (d *Docs) Observe(shard int, id, text string) error {
	return d.ObserveKey(shard, id, TextKey(text))
}

// ObserveKey is Observe with the text's key computed by the caller (a git
// blob id already checked against the text is such a key).
func (d *Docs) ObserveKey(shard int, id string, key uint64) error {
	_, err := d.ix.add(shard, id, []uint64{key})
	return err
}

// Seal merges what was observed; call once before Duplicate.
func (d *Docs) Seal(ctx context.Context) error { return d.ix.seal(ctx) }

// Duplicate reports whether the document observed under id repeats the text
// of an earlier document of the group. It is safe for concurrent use.
func (d *Docs) Duplicate(id, text string) (bool, error) {
	return d.DuplicateKey(id, TextKey(text))
}

// DuplicateKey is Duplicate for a key given to ObserveKey.
func (d *Docs) DuplicateKey(id string, key uint64) (bool, error) {
	if d.ix.dups == nil {
		return false, fmt.Errorf("dedup: Duplicate before Seal")
	}
	dk, ok := d.ix.docOf(id)
	if !ok {
		return false, fmt.Errorf("dedup: document %q was not observed", id)
	}
	first, dup := d.ix.dups.get(key)
	if dup && first != dk {
		d.dropped.Add(1)
		return true, nil
	}
	return false, nil
}

// Counters reports duplicates found and the spill activity.
func (d *Docs) Counters() map[string]int64 {
	return map[string]int64{
		"docs_duplicate": d.dropped.Load(),
		"distinct_texts": d.ix.keys,
		"spills":         d.ix.spills.Load(),
		"spilled_bytes":  d.ix.spilled.Load(),
	}
}

// Close removes any runs left on disk.
func (d *Docs) Close() error {
	d.ix.removeRuns()
	return nil
}
