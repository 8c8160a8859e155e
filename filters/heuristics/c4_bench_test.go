package heuristics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkC4Clean measures the step on the test pages, in MB/s of input.
func BenchmarkC4Clean(b *testing.B) {
	pages, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.txt"))
	var texts []string
	n := 0
	for _, p := range pages {
		t, _ := os.ReadFile(p)
		texts = append(texts, string(t))
		n += len(t)
	}
	s := NewC4(DefaultC4Options())
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			s.Clean(t)
		}
	}
}

// BenchmarkBadwords measures the bad-words scan alone over a clean page.
func BenchmarkBadwords(b *testing.B) {
	t, _ := os.ReadFile(filepath.Join("testdata", "pages", "forum-clean.txt"))
	lower := strings.ToLower(strings.Repeat(string(t), 10))
	bw, _ := NewBadwords(BadwordsEN())
	b.SetBytes(int64(len(lower)))
	for b.Loop() {
		bw.Find(lower)
	}
}
