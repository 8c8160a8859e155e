package fasttext

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStdSort checks that the libstdc++ replica sorts, including the
// heapsort fallback that introsort takes when its depth budget runs out.
// (That it orders equal keys exactly as libstdc++ does is checked by the
// trained models' bytes matching fastText's.)
func TestStdSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	less := func(a, b int) bool { return a < b }
	for _, n := range []int{0, 1, 2, 15, 16, 17, 100, 1000, 5000} {
		for _, keys := range []int{3, 1 << 30} {
			a := make([]int, n)
			for i := range a {
				a[i] = r.IntN(keys)
			}
			b := slices.Clone(a)
			stdSort(a, less)
			if !slices.IsSorted(a) {
				t.Errorf("n=%d keys=%d: not sorted", n, keys)
			}
			introsortLoop(b, 0, len(b), 0, less) // heapsort at once
			finalInsertionSort(b, less)
			if !slices.IsSorted(b) {
				t.Errorf("n=%d keys=%d: heapsort path not sorted", n, keys)
			}
		}
	}
}

// TestHash pins fastText's FNV-1a with sign extension: a byte ≥ 0x80 is
// xored as 0xffffffXX. Values computed independently in Python;
// without the extension "é" would hash to 0x1e9de8c1.
func TestHash(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want uint32
	}{
		{"", 2166136261},
		{"a", 0xe40c292c},
		{"</s>", 0xd79c9359},
		{"é", 0x3cfa68c1},
	} {
		if got := hashString(tc.s); got != tc.want {
			t.Errorf("hash(%q) = %#x, want %#x", tc.s, got, tc.want)
		}
		if got := hashBytes([]byte(tc.s)); got != tc.want {
			t.Errorf("hashBytes(%q) = %#x, want %#x", tc.s, got, tc.want)
		}
	}
}
