package dedup

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// pair is a 16-byte record sorted by (a, b): a band key and a document, or
// two documents.
type pair struct{ a, b uint64 }

func cmpPair(x, y pair) int {
	switch {
	case x.a < y.a:
		return -1
	case x.a > y.a:
		return 1
	case x.b < y.b:
		return -1
	case x.b > y.b:
		return 1
	}
	return 0
}

// pairSorter collects pairs under a memory cap: when its buffer passes the
// cap it is sorted and written out as a run; iterate merges the buffer and
// the runs in order. Safe for concurrent add.
type pairSorter struct {
	capBytes int64
	dir      string // created on first spill
	tempDir  string
	prefix   string

	mu      sync.Mutex
	buf     []pair
	runs    []string
	extra   []string // sorted run files owned by someone else (a saved state)
	spills  int64
	spilled int64
	total   int64
}

func newPairSorter(capBytes int64, tempDir, prefix string) *pairSorter {
	if capBytes < 1<<12 {
		capBytes = 1 << 12
	}
	return &pairSorter{capBytes: capBytes, tempDir: tempDir, prefix: prefix}
}

func (s *pairSorter) add(ps ...pair) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, ps...)
	s.total += int64(len(ps))
	if int64(len(s.buf))*16 >= s.capBytes {
		return s.spill()
	}
	return nil
}

// spill sorts the buffer and writes it as a run; s.mu is held.
func (s *pairSorter) spill() error {
	slices.SortFunc(s.buf, cmpPair)
	if s.dir == "" {
		d, err := os.MkdirTemp(s.tempDir, s.prefix)
		if err != nil {
			return fmt.Errorf("dedup: spill: %w", err)
		}
		s.dir = d
	}
	name := filepath.Join(s.dir, fmt.Sprintf("run-%06d", len(s.runs)))
	if err := writePairs(name, s.buf); err != nil {
		return err
	}
	s.runs = append(s.runs, name)
	s.spills++
	s.spilled += int64(len(s.buf)) * 16
	s.buf = s.buf[:0]
	return nil
}

func writePairs(name string, ps []pair) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("dedup: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var b [16]byte
	for _, p := range ps {
		binary.LittleEndian.PutUint64(b[:8], p.a)
		binary.LittleEndian.PutUint64(b[8:], p.b)
		w.Write(b[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("dedup: write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("dedup: write %s: %w", name, err)
	}
	return nil
}

type pairStream interface {
	next() (pair, bool, error)
}

type slicePairs struct{ ps []pair }

func (s *slicePairs) next() (pair, bool, error) {
	if len(s.ps) == 0 {
		return pair{}, false, nil
	}
	p := s.ps[0]
	s.ps = s.ps[1:]
	return p, true, nil
}

type filePairs struct {
	name string
	f    *os.File
	r    *bufio.Reader
}

func (s *filePairs) next() (pair, bool, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.r, b[:]); err != nil {
		if err == io.EOF {
			return pair{}, false, nil
		}
		return pair{}, false, fmt.Errorf("dedup: run %s: %w", s.name, err)
	}
	return pair{binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])}, true, nil
}

type pairItem struct {
	p   pair
	src int
}

type pairHeap []pairItem

func (h pairHeap) Len() int           { return len(h) }
func (h pairHeap) Less(i, j int) bool { return cmpPair(h[i].p, h[j].p) < 0 }
func (h pairHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)        { *h = append(*h, x.(pairItem)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// iterate calls fn with every pair in order (duplicates included) and then
// releases the buffer and removes the sorter's runs. No add may follow.
func (s *pairSorter) iterate(fn func(pair) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	slices.SortFunc(s.buf, cmpPair)
	streams := []pairStream{&slicePairs{s.buf}}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
		s.buf = nil
		s.remove()
	}()
	for _, name := range append(append([]string(nil), s.runs...), s.extra...) {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("dedup: merge: %w", err)
		}
		files = append(files, f)
		streams = append(streams, &filePairs{name: name, f: f, r: bufio.NewReaderSize(f, 256<<10)})
	}
	h := make(pairHeap, 0, len(streams))
	for i, st := range streams {
		p, ok, err := st.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, pairItem{p, i})
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		it := h[0]
		p, ok, err := streams[it.src].next()
		if err != nil {
			return err
		}
		if ok {
			h[0].p = p
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
		if err := fn(it.p); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes the sorter's own runs (not the extra ones).
func (s *pairSorter) remove() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
		s.dir = ""
	}
	s.runs = nil
}
