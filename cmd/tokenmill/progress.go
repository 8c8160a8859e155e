package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress shows how far a build is: a bar redrawn in place on a terminal,
// plain lines at most every few seconds otherwise (logs, CI).
type progress struct {
	w     io.Writer
	mode  string
	mu    sync.Mutex
	last  time.Time
	start time.Time
	drawn bool
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
	return &progress{w: w, mode: mode, start: time.Now()}
}

func (p *progress) update(source string, done, total int) {
	if p.mode == "none" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	el := time.Since(p.start).Seconds()
	switch p.mode {
	case "bar":
		const width = 30
		fill := width * done / max(total, 1)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < fill {
				bar[i] = '#'
			}
		}
		fmt.Fprintf(p.w, "\r%-12s [%s] %d/%d shards  %.0fs ", source, bar, done, total, el)
		p.drawn = true
	default:
		if time.Since(p.last) < 2*time.Second && done != total {
			return
		}
		p.last = time.Now()
		fmt.Fprintf(p.w, "progress source=%s shards=%d/%d elapsed=%.1fs\n", source, done, total, el)
	}
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
