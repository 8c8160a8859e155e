package dedup

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkNearObserve: shingling, sampling, MinHash and band records of
// one 300-chapter book-like text, with the books recipe's options and
// datatrove's.
func BenchmarkNearObserve(b *testing.B) {
	text := strings.Join(fakeBook(7, 100, 300), "\n\n")
	for _, tc := range []struct {
		name string
		o    NearOptions
	}{{"books-50x2", booksOptions()}, {"datatrove-14x8", NearOptions{}}} {
		b.Run(tc.name, func(b *testing.B) {
			o := tc.o
			o.TempDir = b.TempDir()
			n, err := NewNear(o)
			if err != nil {
				b.Fatal(err)
			}
			defer n.Close()
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				if err := n.Observe(0, fmt.Sprint(i), text); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := n.Seal(context.Background()); err != nil {
				b.Fatal(err)
			}
		})
	}
}
