package stackexchange

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Record kinds, in the order a question's records sort: the question first,
// then its answers.
const (
	kindQuestion = 0
	kindAnswer   = 1
)

// record is one post on its way through the join, its HTML already turned
// into text. Questions carry their own Id in both QID and ID.
type record struct {
	QID   int64 // the question's Id (an answer's ParentId)
	Kind  uint8
	Score int64
	ID    int64 // the post's own Id
	Date  string
	Title string
	Text  string
	Tags  string
	Row   int64 // row index and offset in Posts.xml, for reports
	Off   int64
}

// recordOverhead is what a record costs in memory besides its strings: the
// struct in the slice and the string headers' allocations.
const recordOverhead = 160

func (r *record) size() int64 {
	return int64(len(r.Date)+len(r.Title)+len(r.Text)+len(r.Tags)) + recordOverhead
}

// compareRecords is the join's order: by question, the question before its
// answers, answers by score (highest first) then by Id, then by content so
// that the order is total and never depends on the order of the rows.
func compareRecords(a, b *record) int {
	if c := cmp.Compare(a.QID, b.QID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	if c := strings.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	if c := strings.Compare(a.Text, b.Text); c != 0 {
		return c
	}
	if c := strings.Compare(a.Tags, b.Tags); c != 0 {
		return c
	}
	if c := strings.Compare(a.Date, b.Date); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Row, b.Row); c != 0 {
		return c
	}
	return cmp.Compare(a.Off, b.Off)
}

// joiner gathers the posts of one Posts.xml and hands them back grouped by
// question in compareRecords order. It holds at most memory bytes of
// records; past that it sorts them and writes them as a run to a private
// folder under dir, and at the end merges the runs. The output is the same
// whatever the cap and whatever the order records were added in.
type joiner struct {
	memory int64
	dir    string // parent of the runs' folder
	tmp    string // the runs' folder, made on the first spill
	mem    []record
	used   int64
	runs   []string
	// Spills counts the runs written (spills and intermediate merges) and
	// SpilledBytes the bytes spilled, for tests and stats.
	Spills       int
	SpilledBytes int64
}

func newJoiner(memory int64, dir string) *joiner {
	return &joiner{memory: memory, dir: dir}
}

func (j *joiner) add(r record) error {
	j.mem = append(j.mem, r)
	j.used += r.size()
	if j.used >= j.memory {
		return j.spill()
	}
	return nil
}

func (j *joiner) sortMem() {
	slices.SortFunc(j.mem, func(a, b record) int { return compareRecords(&a, &b) })
}

func (j *joiner) spill() error {
	if len(j.mem) == 0 {
		return nil
	}
	if j.tmp == "" {
		if j.dir != "" {
			if err := os.MkdirAll(j.dir, 0o755); err != nil {
				return fmt.Errorf("stackexchange: join spill: %w", err)
			}
		}
		d, err := os.MkdirTemp(j.dir, "stackexchange-join-")
		if err != nil {
			return fmt.Errorf("stackexchange: join spill: %w", err)
		}
		j.tmp = d
	}
	j.sortMem()
	name := filepath.Join(j.tmp, fmt.Sprintf("run-%05d", j.Spills))
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("stackexchange: join spill: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf []byte
	for i := range j.mem {
		buf = appendRecord(buf[:0], &j.mem[i])
		if _, err := w.Write(buf); err != nil {
			f.Close()
			return fmt.Errorf("stackexchange: join spill %s: %w", name, err)
		}
		j.SpilledBytes += int64(len(buf))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("stackexchange: join spill %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("stackexchange: join spill %s: %w", name, err)
	}
	j.runs = append(j.runs, name)
	j.Spills++
	clear(j.mem)
	j.mem = j.mem[:0]
	j.used = 0
	return nil
}

// Close removes the runs.
func (j *joiner) Close() error {
	j.mem = nil
	if j.tmp != "" {
		err := os.RemoveAll(j.tmp)
		j.tmp = ""
		return err
	}
	return nil
}

// finish returns the records in order. After finish, add must not be called.
func (j *joiner) finish() (recordIter, error) {
	if len(j.runs) == 0 {
		j.sortMem()
		return &memIter{recs: j.mem}, nil
	}
	if err := j.spill(); err != nil {
		return nil, err
	}
	// Merge runs maxFanIn at a time until one pass can merge them all, so
	// that a small cap on a large file never needs thousands of open files.
	for len(j.runs) > maxFanIn {
		if err := j.mergeRuns(maxFanIn); err != nil {
			return nil, err
		}
	}
	return j.openMerge(j.runs)
}

// maxFanIn is the most runs merged at once.
const maxFanIn = 64

// mergeRuns merges the first n runs into one new run at the end of the list.
func (j *joiner) mergeRuns(n int) error {
	m, err := j.openMerge(j.runs[:n])
	if err != nil {
		return err
	}
	name := filepath.Join(j.tmp, fmt.Sprintf("run-%05d", j.Spills))
	j.Spills++
	f, err := os.Create(name)
	if err != nil {
		m.Close()
		return fmt.Errorf("stackexchange: join merge: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf []byte
	for {
		r, ok, err := m.next()
		if err != nil {
			m.Close()
			f.Close()
			return err
		}
		if !ok {
			break
		}
		buf = appendRecord(buf[:0], r)
		if _, err := w.Write(buf); err != nil {
			m.Close()
			f.Close()
			return fmt.Errorf("stackexchange: join merge %s: %w", name, err)
		}
	}
	m.Close()
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("stackexchange: join merge %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("stackexchange: join merge %s: %w", name, err)
	}
	for _, old := range j.runs[:n] {
		os.Remove(old)
	}
	j.runs = append(j.runs[n:], name)
	return nil
}

// openMerge opens a merge over the named runs.
func (j *joiner) openMerge(runs []string) (*mergeIter, error) {
	m := &mergeIter{}
	for _, name := range runs {
		f, err := os.Open(name)
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("stackexchange: join merge: %w", err)
		}
		rr := &runReader{f: f, r: bufio.NewReaderSize(f, 256<<10), name: name}
		m.files = append(m.files, rr)
		ok, err := rr.next()
		if err != nil {
			m.Close()
			return nil, err
		}
		if ok {
			m.h = append(m.h, rr)
		}
	}
	heap.Init(&m.h)
	return m, nil
}

// recordIter yields records in order; next returns false at the end.
type recordIter interface {
	next() (*record, bool, error)
	Close() error
}

type memIter struct {
	recs []record
	i    int
}

func (m *memIter) next() (*record, bool, error) {
	if m.i >= len(m.recs) {
		return nil, false, nil
	}
	r := &m.recs[m.i]
	m.i++
	return r, true, nil
}

func (m *memIter) Close() error { m.recs = nil; return nil }

type mergeIter struct {
	h     runHeap
	files []*runReader
	out   record
}

func (m *mergeIter) next() (*record, bool, error) {
	if len(m.h) == 0 {
		return nil, false, nil
	}
	top := m.h[0]
	m.out = top.cur
	ok, err := top.next()
	if err != nil {
		return nil, false, err
	}
	if ok {
		heap.Fix(&m.h, 0)
	} else {
		heap.Pop(&m.h)
	}
	return &m.out, true, nil
}

func (m *mergeIter) Close() error {
	var first error
	for _, f := range m.files {
		if err := f.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	m.files, m.h = nil, nil
	return first
}

type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return compareRecords(&h[i].cur, &h[j].cur) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type runReader struct {
	f    *os.File
	r    *bufio.Reader
	name string
	cur  record
}

// next reads the run's next record into cur.
func (rr *runReader) next() (bool, error) {
	if _, err := rr.r.Peek(1); err == io.EOF {
		return false, nil
	}
	if err := readRecord(rr.r, &rr.cur); err != nil {
		return false, fmt.Errorf("stackexchange: join run %s: %w", rr.name, err)
	}
	return true, nil
}

// appendRecord encodes r: varints for the numbers, length-prefixed strings.
func appendRecord(b []byte, r *record) []byte {
	b = binary.AppendVarint(b, r.QID)
	b = append(b, r.Kind)
	b = binary.AppendVarint(b, r.Score)
	b = binary.AppendVarint(b, r.ID)
	b = binary.AppendVarint(b, r.Row)
	b = binary.AppendVarint(b, r.Off)
	for _, s := range [...]string{r.Date, r.Title, r.Text, r.Tags} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

var errRun = errors.New("corrupt run file")

func readRecord(br *bufio.Reader, r *record) error {
	var err error
	rd := func() int64 {
		if err != nil {
			return 0
		}
		var v int64
		v, err = binary.ReadVarint(br)
		return v
	}
	r.QID = rd()
	if err == nil {
		r.Kind, err = br.ReadByte()
	}
	r.Score = rd()
	r.ID = rd()
	r.Row = rd()
	r.Off = rd()
	for _, p := range [...]*string{&r.Date, &r.Title, &r.Text, &r.Tags} {
		if err != nil {
			break
		}
		var n uint64
		n, err = binary.ReadUvarint(br)
		if err != nil {
			break
		}
		if n > 1<<31 {
			err = errRun
			break
		}
		b := make([]byte, n)
		if _, err = io.ReadFull(br, b); err != nil {
			break
		}
		*p = string(b)
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
