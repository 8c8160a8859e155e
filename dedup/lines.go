package dedup

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tokenmill/tokenmill/stages/normalize"
)

// Mode says which copies of a duplicated line survive.
type Mode string

const (
	// RemoveAll is CCNet's rule: every copy of a line found in two or more
	// documents of the group goes.
	RemoveAll Mode = "remove-all"
	// KeepFirst keeps the copy in the first document of the group's input
	// order that holds the line.
	KeepFirst Mode = "keep-first"
)

// Options configures a deduper.
type Options struct {
	Mode Mode
	// MemoryBytes caps the records held before spilling; 0 means 1 GiB.
	MemoryBytes int64
	// TempDir is where sorted runs go ("" for the system's temp folder).
	TempDir string
}

// LineKey returns CCNet's key of a line: the first 8 bytes of
// SHA-1(normalize_for_dedup(line)) as a big-endian uint64. buf is scratch
// space, returned for reuse. (CCNet reads the same 8 bytes with numpy in the
// machine's byte order; the set of decisions is the same either way.)
func LineKey(buf []byte, line string) (uint64, []byte) {
	buf = normalize.AppendForDedup(buf[:0], line)
	sum := sha1.Sum(buf)
	return binary.BigEndian.Uint64(sum[:8]), buf
}

// Lines is CCNet's line deduplication over one group of shards: Observe
// every document, Seal once, then Dedup each document.
type Lines struct {
	mode Mode
	ix   *index
	pool sync.Pool

	linesSeen    atomic.Int64
	linesRemoved atomic.Int64
	bytesRemoved atomic.Int64
}

type scratch struct {
	buf  []byte
	keys []uint64
	seen map[uint64]struct{}
}

// NewLines returns a line deduper.
func NewLines(o Options) (*Lines, error) {
	switch o.Mode {
	case RemoveAll, KeepFirst:
	case "":
		o.Mode = RemoveAll
	default:
		return nil, fmt.Errorf("dedup: unknown mode %q (want %q or %q)", o.Mode, RemoveAll, KeepFirst)
	}
	l := &Lines{mode: o.Mode, ix: newIndex(o.MemoryBytes, o.TempDir, o.Mode == RemoveAll)}
	l.pool.New = func() any { return &scratch{seen: map[uint64]struct{}{}} }
	return l, nil
}

// Observe records the lines of the next document of shard. Documents of one
// shard must come in input order; different shards may be observed
// concurrently.
func (l *Lines) Observe(shard int, id, text string) error {
	sc := l.pool.Get().(*scratch)
	defer l.pool.Put(sc)
	sc.keys = sc.keys[:0]
	for line := range strings.SplitSeq(text, "\n") {
		var k uint64
		k, sc.buf = LineKey(sc.buf, line)
		sc.keys = append(sc.keys, k)
	}
	_, err := l.ix.add(shard, id, sc.keys)
	return err
}

// Seal merges what was observed. It must be called once, after the last
// Observe and before the first Dedup.
func (l *Lines) Seal(ctx context.Context) error { return l.ix.seal(ctx) }

// Dedup returns the text of the document observed under id with its
// duplicated lines removed (kept lines joined by "\n") and how many lines it
// removed. It is safe for concurrent use.
func (l *Lines) Dedup(id, text string) (string, int, error) {
	if l.ix.dups == nil {
		return "", 0, fmt.Errorf("dedup: Dedup before Seal")
	}
	dk, ok := l.ix.docOf(id)
	if !ok {
		return "", 0, fmt.Errorf("dedup: document %q was not observed", id)
	}
	sc := l.pool.Get().(*scratch)
	defer l.pool.Put(sc)
	clear(sc.seen)
	var out strings.Builder
	out.Grow(len(text))
	nIn, removed, bytesRemoved, kept := 0, 0, 0, 0
	for line := range strings.SplitSeq(text, "\n") {
		nIn++
		var k uint64
		k, sc.buf = LineKey(sc.buf, line)
		keep := true
		if _, rep := sc.seen[k]; rep {
			keep = false
		} else {
			sc.seen[k] = struct{}{}
			if first, dup := l.ix.dups.get(k); dup {
				keep = l.mode == KeepFirst && first == dk
			}
		}
		if !keep {
			removed++
			bytesRemoved += len(line) + 1
			continue
		}
		if kept > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(line)
		kept++
	}
	l.linesSeen.Add(int64(nIn))
	l.linesRemoved.Add(int64(removed))
	l.bytesRemoved.Add(int64(bytesRemoved))
	if removed == 0 {
		return text, 0, nil
	}
	return out.String(), removed, nil
}

// Counters reports lines and bytes seen and removed and the spill activity.
func (l *Lines) Counters() map[string]int64 {
	return map[string]int64{
		"lines_seen":    l.linesSeen.Load(),
		"lines_removed": l.linesRemoved.Load(),
		"bytes_removed": l.bytesRemoved.Load(),
		"records":       l.ix.records.Load(),
		"distinct_keys": l.ix.keys,
		"dup_keys":      int64(l.ix.dupsLen()),
		"spills":        l.ix.spills.Load(),
		"spilled_bytes": l.ix.spilled.Load(),
	}
}

// Close removes any runs left on disk (Seal removes them already).
func (l *Lines) Close() error {
	l.ix.removeRuns()
	return nil
}
