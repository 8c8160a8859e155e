package dedup

import (
	"context"
	"math/rand"
	"testing"
)

func benchGroup(nDocs int) ([]tdoc, int64) {
	r := rand.New(rand.NewSource(1))
	shards := randomGroup(r, 1, nDocs)
	var n int64
	for _, d := range shards[0] {
		n += int64(len(d.text))
	}
	return shards[0], n
}

func BenchmarkLinesObserve(b *testing.B) {
	docs, n := benchGroup(2000)
	b.SetBytes(n)
	for b.Loop() {
		l, _ := NewLines(Options{})
		for _, d := range docs {
			if err := l.Observe(0, d.id, d.text); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkLinesDedup(b *testing.B) {
	docs, n := benchGroup(2000)
	l, _ := NewLines(Options{})
	for _, d := range docs {
		l.Observe(0, d.id, d.text)
	}
	if err := l.Seal(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n)
	for b.Loop() {
		for _, d := range docs {
			if _, _, err := l.Dedup(d.id, d.text); err != nil {
				b.Fatal(err)
			}
		}
	}
}
