package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress shows how far a build is: a line redrawn in place on a
// terminal, plain lines at most every few seconds otherwise (logs, CI).
// Each names the source, its inputs done, the documents and text read so
// far with their rates (which move while an input is read, not only when
// it commits) and an estimate of the time left from the inputs this run has
// committed.
type progress struct {
	w    io.Writer
	mode string
	// live reads a source's documents and text bytes read so far.
	live  func(source string) (docs, bytes int64)
	mu    sync.Mutex
	last  time.Time
	start time.Time
	drawn bool
	srcs  map[string]*srcProgress
	cur   string
	// lastCommit is when an input last committed: a source whose first
	// commit comes next started about then.
	lastCommit time.Time
	stop       chan struct{}
	done       chan struct{}
}

// srcProgress is one source's commits as this run saw them.
type srcProgress struct {
	start         time.Time
	done, total   int
	committedHere int // tasks this run committed (resumed ones excluded)
}

func newProgress(w io.Writer, mode string) *progress {
	if mode == "auto" {
		mode = "lines"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				mode = "bar"
			}
		}
	}
	return &progress{w: w, mode: mode, start: time.Now(), srcs: map[string]*srcProgress{}}
}

// watch starts redrawing every interval from live counts until finish;
// sources and totals are the plan's, in build order.
func (p *progress) watch(live func(source string) (int64, int64), sources []string, totals []int, every time.Duration) {
	if p.mode == "none" || live == nil {
		return
	}
	p.live = live
	lastDocs := make([]int64, len(sources))
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				// The source being read is the one whose count moved.
				for i, name := range sources {
					if d, _ := live(name); d != lastDocs[i] {
						lastDocs[i] = d
						if p.srcs[name] == nil {
							start := p.start
							if !p.lastCommit.IsZero() {
								start = p.lastCommit
							}
							p.srcs[name] = &srcProgress{start: start, total: totals[i]}
						}
						p.cur = name
					}
				}
				if p.cur != "" {
					p.draw(p.cur, false)
				}
				p.mu.Unlock()
			}
		}
	}()
}

// update is the plan's Progress callback: an input of source committed.
func (p *progress) update(source string, done, total int) {
	if p.mode == "none" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.srcs[source]
	if s == nil {
		s = &srcProgress{start: p.start}
		if !p.lastCommit.IsZero() {
			s.start = p.lastCommit
		}
		p.srcs[source] = s
	}
	p.lastCommit = time.Now()
	s.done, s.total = done, total
	s.committedHere++
	p.cur = source
	p.draw(source, done == total)
}

// draw prints the source's line; p.mu is held.
func (p *progress) draw(source string, final bool) {
	s := p.srcs[source]
	el := time.Since(p.start).Seconds()
	var docs, bytes int64
	if p.live != nil {
		docs, bytes = p.live(source)
	}
	srcEl := time.Since(s.start).Seconds()
	rate := func(n float64) float64 {
		if srcEl <= 0 {
			return 0
		}
		return n / srcEl
	}
	eta := "?"
	if s.done >= s.total {
		eta = "0s"
	} else if s.committedHere > 0 && srcEl > 0 {
		left := time.Duration(float64(s.total-s.done) * srcEl / float64(s.committedHere) * float64(time.Second))
		eta = left.Round(time.Second).String()
	}
	switch p.mode {
	case "bar":
		const width = 24
		fill := width * s.done / max(s.total, 1)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < fill {
				bar[i] = '#'
			}
		}
		fmt.Fprintf(p.w, "\r%-13s [%s] %d/%d inputs  %d docs %.0f/s  %s %.1f MB/s  ETA %s  %.0fs \x1b[K",
			source, bar, s.done, s.total, docs, rate(float64(docs)), human(bytes), rate(float64(bytes))/1e6, eta, el)
		p.drawn = true
	default:
		if !final && time.Since(p.last) < 5*time.Second {
			return
		}
		p.last = time.Now()
		fmt.Fprintf(p.w, "progress source=%s inputs=%d/%d docs=%d docs_per_s=%.0f text_bytes=%d mb_per_s=%.2f eta=%s elapsed=%.1fs\n",
			source, s.done, s.total, docs, rate(float64(docs)), bytes, rate(float64(bytes))/1e6, eta, el)
	}
}

func (p *progress) finish() {
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
