package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestProgressRates: a progress line gives the inputs done, documents and
// text read with their rates, and the time left from this run's commits.
func TestProgressRates(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "lines")
	p.start = time.Now().Add(-10 * time.Second)
	p.live = func(string) (int64, int64) { return 100, 20e6 }
	p.update("commoncrawl", 1, 4)
	line := b.String()
	for _, want := range []string{"source=commoncrawl inputs=1/4 docs=100 docs_per_s=10 text_bytes=20000000 mb_per_s=2.00 eta=30s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	// The watcher redraws while an input is read, before any commit.
	var w bytes.Buffer
	q := newProgress(&w, "bar")
	docs := int64(0)
	q.watch(func(string) (int64, int64) { docs += 7; return docs, docs * 100 }, []string{"c4"}, []int{2}, 10*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	q.finish()
	if !strings.Contains(w.String(), "c4") || !strings.Contains(w.String(), "0/2 inputs") || !strings.Contains(w.String(), "ETA ?") {
		t.Errorf("bar before the first commit: %q", w.String())
	}
}
