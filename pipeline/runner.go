package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/internal/invariants"
)

// batchSize is the number of documents handed to a worker at once: large
// enough to make channel traffic negligible, small enough to keep all cores
// busy on small shards.
const batchSize = 64

// ShardSink receives the kept documents of one input shard, in input order,
// from a single goroutine. Commit makes its outputs visible; Abort drops them.
type ShardSink interface {
	Write(d *Doc) error
	Commit() (any, error)
	Abort()
}

// DroppedWriter is a ShardSink that also keeps the documents the chain
// dropped (output.dropped), in input order, with the reason.
type DroppedWriter interface {
	// KeepsDropped reports whether this sink writes dropped documents.
	KeepsDropped() bool
	WriteDropped(d *Doc, reason string) error
}

// pass is one run of a chain of steps over a set of shards.
type pass struct {
	src     Source
	steps   []Step
	files   Files
	jobs    chan *batch
	workers int
	// spills, when not nil, keeps or replays the inputs of a group with
	// several phases (see spill.go).
	spills *spills
	// batchBytes sends a batch early when its text reaches this size (the
	// build's memory budget bounds what is in flight); 0: by count only.
	batchBytes int64
	wait       func()
}

type batch struct {
	seq   int          // position of the batch in its shard, for the order invariant
	tc    *taskCounter // the task's counts; nil in pre-passes
	docs  []*Doc
	drops map[string]int64
	// dropEx holds the first dropped documents of each reason (excerpts).
	dropEx map[string][]DropExample
	// dropped are the batch's dropped documents, in order, when the task
	// keeps them (taskCounter.keep).
	dropped []droppedDoc
	err     error
	done    chan struct{}
}

// startWorkers runs n goroutines that apply the chain to batches until jobs
// is closed.
func startWorkers(n int, jobs chan *batch, wg *sync.WaitGroup, run func(*batch)) {
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				run(b)
				close(b.done)
			}
		}()
	}
}

// apply runs the steps over each document of b; dropped documents become nil.
func (p *pass) apply(b *batch) {
	for i, d := range b.docs {
		for si, st := range p.steps {
			var t0 time.Time
			var ss *stepCounter
			if b.tc != nil {
				ss = &b.tc.steps[si]
				ss.in.Add(1)
				ss.bin.Add(int64(len(d.Text)))
				t0 = time.Now()
			}
			reason, err := st.Process(d)
			if ss != nil {
				ss.nanos.Add(int64(time.Since(t0)))
			}
			if err != nil {
				b.err = fmt.Errorf("step %s on %s: %w", st.Name(), d.ID, err)
				return
			}
			if reason != "" {
				if b.drops == nil {
					b.drops = map[string]int64{}
				}
				b.drops[reason]++
				if b.tc != nil && len(b.dropEx[reason]) < maxDropExamples {
					if b.dropEx == nil {
						b.dropEx = map[string][]DropExample{}
					}
					b.dropEx[reason] = append(b.dropEx[reason], DropExample{ID: d.ID, Text: Excerpt(d.Text, dropExampleChars)})
				}
				if b.tc != nil && b.tc.keep != nil {
					b.dropped = append(b.dropped, droppedDoc{d, reason})
				}
				b.docs[i] = nil
				break
			}
			if ss != nil {
				ss.out.Add(1)
				ss.bout.Add(int64(len(d.Text)))
			}
		}
	}
}

// runShard reads one shard, sends its documents through the worker pool and
// hands the survivors, in input order, to emit; tc, when not nil, counts
// what the task did. It returns the SHA-256 and size of the input's raw
// bytes when the reader consumed all of them (nil otherwise).
func (p *pass) runShard(ctx context.Context, in Input, tc *taskCounter, emit func(*Doc) error) (*hashingReader, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	skip := func(error) {}
	if tc != nil {
		skip = tc.skip
	}
	if p.spills != nil && !p.spills.record && p.spills.has(in) {
		if sr, err := p.spills.open(in, skip); err == nil {
			err := p.consume(ctx, in, sr, tc, nil, emit)
			return sr.digest, err
		}
	}
	fs := &digestFiles{Files: p.files, url: in.URL}
	if in.Part != "" {
		fs.url = "" // a part's bytes are not the file's
	}
	var sw *spillWriter
	if p.spills != nil && p.spills.record {
		sw = p.spills.create(in)
	}
	if sw != nil {
		inner := skip
		skip = func(err error) { sw.skip(err); inner(err) }
	}
	r, err := p.src.Open(ctx, fs, in, skip)
	if err != nil {
		if sw != nil {
			sw.abort()
		}
		return nil, &InputError{Input: in, Err: fmt.Errorf("open %s: %w", describe(in), err)}
	}
	err = p.consume(ctx, in, r, tc, sw, emit)
	if sw != nil {
		if err == nil {
			sw.finish(fs.h)
		} else {
			sw.abort()
		}
	}
	return fs.h, err
}

// digestFiles is the Files a task's source reads through: it digests the
// input file when the source streams it whole.
type digestFiles struct {
	Files
	url string
	h   *hashingReader
}

func (f *digestFiles) Open(ctx context.Context, u string) (io.ReadCloser, error) {
	r, err := f.Files.Open(ctx, u)
	if err != nil || u != f.url || f.h != nil {
		return r, err
	}
	f.h = &hashingReader{r: r, h: sha256.New()}
	return f.h, nil
}

// hashingReader digests what a reader consumes of its input.
type hashingReader struct {
	r   io.ReadCloser
	h   hash.Hash
	n   int64
	eof bool
	sum string // the digest, when it was read back from a spill
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	if err == io.EOF {
		h.eof = true
	}
	return n, err
}

func (h *hashingReader) Close() error { return h.r.Close() }

// Sum returns the hex SHA-256 of the whole input, or "" if it was not read
// to its end.
func (h *hashingReader) Sum() string {
	if h == nil || !h.eof {
		return ""
	}
	if h.h == nil {
		return h.sum
	}
	return hex.EncodeToString(h.h.Sum(nil))
}

// consume reads r to its end through the pass's workers (see runShard),
// writing what it reads to sw when not nil.
func (p *pass) consume(ctx context.Context, in Input, r Reader, tc *taskCounter, sw *spillWriter, emit func(*Doc) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	order := make(chan *batch, 2*p.workers+2)
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		seq := 0
		var curBytes int64
		cur := &batch{tc: tc, done: make(chan struct{})}
		send := func() bool {
			cur.seq = seq
			seq++
			select {
			case order <- cur:
			case <-ctx.Done():
				return false
			}
			select {
			case p.jobs <- cur:
			case <-ctx.Done():
				close(cur.done)
				return false
			}
			cur = &batch{tc: tc, done: make(chan struct{})}
			curBytes = 0
			return true
		}
		for r.Next() {
			d := r.Doc()
			if sw != nil {
				sw.doc(d)
			}
			if tc != nil {
				tc.din.Add(1)
				tc.bin.Add(int64(len(d.Text)))
				if tc.live != nil {
					tc.live.docs.Add(1)
					tc.live.bytes.Add(int64(len(d.Text)))
				}
			}
			cur.docs = append(cur.docs, d)
			curBytes += int64(len(d.Text))
			full := len(cur.docs) == batchSize || (p.batchBytes > 0 && curBytes >= p.batchBytes)
			if full && !send() {
				break
			}
		}
		if len(cur.docs) > 0 && ctx.Err() == nil {
			send()
		}
		readErr <- r.Close()
	}()
	var firstErr error
	next := 0
	for b := range order {
		<-b.done
		if invariants.Enabled {
			if b.seq != next && b.err == nil && firstErr == nil {
				panic(fmt.Sprintf("pipeline: invariant: shard %s: batch %d emitted in place of %d", in.URL, b.seq, next))
			}
			next++
		}
		if firstErr != nil {
			continue
		}
		if b.err != nil {
			firstErr = b.err
			cancel()
			continue
		}
		if tc != nil {
			tc.addDrops(b.drops, b.dropEx)
			if tc.keep != nil {
				for _, dd := range b.dropped {
					if err := tc.keep(dd.d, dd.reason); err != nil {
						firstErr = err
						cancel()
						break
					}
				}
			}
		}
		for _, d := range b.docs {
			if d == nil {
				continue
			}
			if err := emit(d); err != nil {
				firstErr = err
				cancel()
				break
			}
		}
	}
	rerr := <-readErr
	if firstErr != nil {
		return firstErr
	}
	if rerr != nil {
		if errors.Is(rerr, context.Canceled) && ctx.Err() != nil {
			return rerr
		}
		return &InputError{Input: in, Err: fmt.Errorf("read %s: %w", describe(in), rerr)}
	}
	// A read stopped by cancellation did not reach the input's end.
	return ctx.Err()
}

// describe names an input in errors: its URL, and its part where it has one.
func describe(in Input) string {
	if in.Part != "" {
		return in.URL + " (" + in.Part + ")"
	}
	return in.URL
}
