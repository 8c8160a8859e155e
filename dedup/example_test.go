package dedup_test

import (
	"context"
	"fmt"

	"github.com/tokenmill/tokenmill/dedup"
)

func Example() {
	l, _ := dedup.NewLines(dedup.Options{Mode: dedup.RemoveAll})
	docs := [][2]string{
		{"a", "Menu | Home\nThe first article.\nCopyright 2023"},
		{"b", "MENU | HOME\nThe second article.\nCopyright 2024"},
	}
	for _, d := range docs {
		l.Observe(0, d[0], d[1])
	}
	l.Seal(context.Background())
	for _, d := range docs {
		text, removed, _ := l.Dedup(d[0], d[1])
		fmt.Printf("%s: %q (%d lines removed)\n", d[0], text, removed)
	}
	// Output:
	// a: "The first article." (2 lines removed)
	// b: "The second article." (2 lines removed)
}
