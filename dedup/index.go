package dedup

import (
	"bufio"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
)

// record says that document doc (shard<<32 | position) holds key.
type record struct {
	key uint64
	doc uint64
}

func cmpRecord(a, b record) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	case a.doc < b.doc:
		return -1
	case a.doc > b.doc:
		return 1
	}
	return 0
}

// A record takes 16 bytes, or 8 when the index keeps keys only.
const recordSize = 16

// docKey orders documents by (shard, position in shard).
func docKey(shard int, pos uint32) uint64 { return uint64(shard)<<32 | uint64(pos) }

func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// index gathers (key, document) records from many shards, spilling sorted
// runs above a memory cap, and at seal finds the keys held by two or more
// documents with the first such document.
type index struct {
	capBytes int64
	tempDir  string
	// keysOnly drops the document from records: enough to count the
	// documents holding a key (each document records a key once), which is
	// all CCNet's remove-all rule needs, in half the memory.
	keysOnly bool

	mu      sync.Mutex
	spillMu sync.Mutex // one spill at a time
	shards  map[int]*shardState
	runs    []string
	dir     string // created on first spill
	ids     map[uint64]uint64
	mem     atomic.Int64
	spills  atomic.Int64
	spilled atomic.Int64
	records atomic.Int64

	sealed bool
	dups   *u64map // key -> first document holding it (keys held by ≥ 2 documents)
	keys   int64   // distinct keys in the group
}

type shardState struct {
	mu   sync.Mutex
	pos  uint32
	recs []record
	keys []uint64 // instead of recs when keysOnly
}

func (ix *index) recSize() int64 {
	if ix.keysOnly {
		return 8
	}
	return recordSize
}

func (st *shardState) len() int { return len(st.recs) + len(st.keys) }

func newIndex(capBytes int64, tempDir string, keysOnly bool) *index {
	if capBytes <= 0 {
		capBytes = 1 << 30
	}
	return &index{capBytes: capBytes, tempDir: tempDir, keysOnly: keysOnly,
		shards: map[int]*shardState{}, ids: map[uint64]uint64{}}
}

// add records the distinct keys of the next document of shard (keys may
// repeat and come in any order) and returns the document's key.
func (ix *index) add(shard int, id string, keys []uint64) (uint64, error) {
	if shard < 0 || shard >= 1<<31 {
		return 0, fmt.Errorf("dedup: shard index %d out of range", shard)
	}
	ix.mu.Lock()
	if ix.sealed {
		ix.mu.Unlock()
		return 0, errors.New("dedup: Observe after Seal")
	}
	st := ix.shards[shard]
	if st == nil {
		st = &shardState{}
		ix.shards[shard] = st
	}
	dk := docKey(shard, st.pos)
	ih := idHash(id)
	if prev, dup := ix.ids[ih]; dup {
		ix.mu.Unlock()
		return 0, fmt.Errorf("dedup: document %q (shard %d position %d) has the ID of shard %d position %d",
			id, shard, st.pos, prev>>32, uint32(prev))
	}
	ix.ids[ih] = dk
	ix.mu.Unlock()
	// Only this shard's goroutine changes st.pos; st.mu guards the buffer,
	// which a spill started by another shard may write out.
	st.pos++
	slices.Sort(keys)
	st.mu.Lock()
	n := 0
	for i, k := range keys {
		if i > 0 && k == keys[i-1] {
			continue
		}
		if ix.keysOnly {
			st.keys = append(st.keys, k)
		} else {
			st.recs = append(st.recs, record{k, dk})
		}
		n++
	}
	st.mu.Unlock()
	ix.records.Add(int64(n))
	// The cap bounds the records, the part that can spill; the document
	// index (16 bytes of entry a document) comes on top.
	if ix.mem.Add(int64(n)*ix.recSize()) > ix.capBytes {
		if err := ix.spillLargest(); err != nil {
			return 0, err
		}
	}
	return dk, nil
}

// spillLargest writes out the largest buffers, whichever shard holds them
// (a shard that has finished still holds its records until Seal), until
// the records in memory are under half the cap, so runs stay large however
// many shards share the cap.
func (ix *index) spillLargest() error {
	ix.spillMu.Lock()
	defer ix.spillMu.Unlock()
	if ix.mem.Load() <= ix.capBytes {
		return nil // another shard's spill made room
	}
	ix.mu.Lock()
	states := make([]*shardState, 0, len(ix.shards))
	for _, st := range ix.shards {
		states = append(states, st)
	}
	ix.mu.Unlock()
	size := func(st *shardState) int {
		st.mu.Lock()
		defer st.mu.Unlock()
		return st.len()
	}
	sizes := make(map[*shardState]int, len(states))
	for _, st := range states {
		sizes[st] = size(st)
	}
	slices.SortFunc(states, func(a, b *shardState) int { return sizes[b] - sizes[a] })
	for _, st := range states {
		if ix.mem.Load() <= ix.capBytes/2 {
			break
		}
		st.mu.Lock()
		var err error
		if st.len() > 0 {
			err = ix.spill(st)
		}
		st.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// spill sorts a shard's records and writes them as a run; st.mu is held.
func (ix *index) spill(st *shardState) error {
	slices.SortFunc(st.recs, cmpRecord)
	slices.Sort(st.keys)
	ix.mu.Lock()
	if ix.dir == "" {
		d, err := os.MkdirTemp(ix.tempDir, "dedup-runs-")
		if err != nil {
			ix.mu.Unlock()
			return fmt.Errorf("dedup: spill: %w", err)
		}
		ix.dir = d
	}
	name := filepath.Join(ix.dir, fmt.Sprintf("run-%06d", len(ix.runs)))
	ix.runs = append(ix.runs, name)
	ix.mu.Unlock()
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("dedup: spill: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var b [recordSize]byte
	for _, r := range st.recs {
		binary.LittleEndian.PutUint64(b[:8], r.key)
		binary.LittleEndian.PutUint64(b[8:], r.doc)
		w.Write(b[:])
	}
	for _, k := range st.keys {
		binary.LittleEndian.PutUint64(b[:8], k)
		w.Write(b[:8])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("dedup: spill %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("dedup: spill %s: %w", name, err)
	}
	size := int64(st.len()) * ix.recSize()
	ix.mem.Add(-size)
	ix.spills.Add(1)
	ix.spilled.Add(size)
	st.recs, st.keys = st.recs[:0:0], st.keys[:0:0]
	return nil
}

// stream is one sorted source of records for the merge.
type stream interface {
	next() (record, bool, error)
}

type sliceStream struct {
	recs []record
	keys []uint64
}

func (s *sliceStream) next() (record, bool, error) {
	if len(s.recs) > 0 {
		r := s.recs[0]
		s.recs = s.recs[1:]
		return r, true, nil
	}
	if len(s.keys) > 0 {
		k := s.keys[0]
		s.keys = s.keys[1:]
		return record{key: k}, true, nil
	}
	return record{}, false, nil
}

type fileStream struct {
	name string
	r    *bufio.Reader
	f    *os.File
	size int
}

func (s *fileStream) next() (record, bool, error) {
	var b [recordSize]byte
	if _, err := io.ReadFull(s.r, b[:s.size]); err != nil {
		if err == io.EOF {
			return record{}, false, nil
		}
		return record{}, false, fmt.Errorf("dedup: run %s: %w", s.name, err)
	}
	if s.size == 8 {
		return record{key: binary.LittleEndian.Uint64(b[:8])}, true, nil
	}
	return record{binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])}, true, nil
}

type mergeItem struct {
	r   record
	src int
}

type mergeHeap []mergeItem

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return cmpRecord(h[i].r, h[j].r) < 0 }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)        { *h = append(*h, x.(mergeItem)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// seal merges every shard's records and runs and keeps, for each key held
// by two or more documents, the first of them.
func (ix *index) seal(ctx context.Context) error {
	ix.mu.Lock()
	if ix.sealed {
		ix.mu.Unlock()
		return errors.New("dedup: Seal called twice")
	}
	ix.sealed = true
	ix.mu.Unlock()

	var streams []stream
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
		ix.removeRuns()
	}()
	shardIDs := make([]int, 0, len(ix.shards))
	for s := range ix.shards {
		shardIDs = append(shardIDs, s)
	}
	slices.Sort(shardIDs)
	for _, s := range shardIDs {
		st := ix.shards[s]
		slices.SortFunc(st.recs, cmpRecord)
		slices.Sort(st.keys)
		streams = append(streams, &sliceStream{st.recs, st.keys})
	}
	for _, name := range ix.runs {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("dedup: merge: %w", err)
		}
		files = append(files, f)
		streams = append(streams, &fileStream{name: name, f: f, r: bufio.NewReaderSize(f, 256<<10), size: int(ix.recSize())})
	}
	h := make(mergeHeap, 0, len(streams))
	for i, s := range streams {
		r, ok, err := s.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, mergeItem{r, i})
		}
	}
	heap.Init(&h)
	dups := newU64Map(0)
	var cur record
	count := 0
	flush := func() {
		if count >= 2 {
			dups.put(cur.key, cur.doc)
		}
	}
	for n := 0; h.Len() > 0; n++ {
		if n&0xFFFFF == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		it := h[0]
		r, ok, err := streams[it.src].next()
		if err != nil {
			return err
		}
		if ok {
			h[0].r = r
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
		if count > 0 && it.r.key == cur.key {
			count++
			continue
		}
		flush()
		cur, count = it.r, 1
		ix.keys++
	}
	flush()
	ix.dups = dups
	for _, st := range ix.shards {
		st.recs, st.keys = nil, nil
	}
	ix.mem.Store(0)
	return nil
}

func (ix *index) removeRuns() {
	if ix.dir != "" {
		os.RemoveAll(ix.dir)
		ix.dir = ""
	}
	ix.runs = nil
}

// docOf returns the document key the ID was observed under.
func (ix *index) docOf(id string) (uint64, bool) {
	dk, ok := ix.ids[idHash(id)]
	return dk, ok
}

func (ix *index) dupsLen() int {
	if ix.dups == nil {
		return 0
	}
	return ix.dups.len()
}
