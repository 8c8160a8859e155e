package dedup

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// fakeBook writes a deterministic book: chapters of sentences over a
// vocabulary of made-up words, so that two books with different seeds share
// almost no 5-word shingle.
func fakeBook(seed int64, chapters, words int) []string {
	r := rand.New(rand.NewSource(seed))
	vocab := make([]string, 3000)
	for i := range vocab {
		n := 2 + r.Intn(8)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte('a' + r.Intn(26))
		}
		vocab[i] = string(b)
	}
	out := make([]string, chapters)
	for c := range out {
		var sb strings.Builder
		fmt.Fprintf(&sb, "CHAPTER %d.\n\n", c+1)
		for w := 0; w < words; w++ {
			sb.WriteString(vocab[r.Intn(len(vocab))])
			if r.Intn(12) == 0 {
				sb.WriteString(". ")
			} else {
				sb.WriteByte(' ')
			}
		}
		out[c] = sb.String()
	}
	return out
}

// wrap re-flows text to lines of at most width characters.
func wrap(text string, width int, eol string) string {
	var sb strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len(w) > width {
			sb.WriteString(eol)
			n = 0
		} else if n > 0 {
			sb.WriteByte(' ')
			n++
		}
		sb.WriteString(w)
		n += len(w)
	}
	return sb.String()
}

type nearDocIn struct {
	shard int
	id    string
	text  string
}

// bookSet: a book A of 30 chapters; A rewrapped to 60 columns with CRLF
// (longer by its CRs, so it is the survivor); A re-typeset (wrapped to 72,
// curly quotes, page headers) without chapters 5, 12 and 20; C, made of
// 45% of A's chapters and 55% of its own, which must stay; B and an exact
// copy of B in another shard; D unrelated.
func bookSet() []nearDocIn {
	a := fakeBook(1, 30, 300)
	b := fakeBook(2, 20, 300)
	c := fakeBook(3, 30, 300)
	d := fakeBook(4, 10, 300)
	join := func(ch []string) string { return strings.Join(ch, "\n\n") }
	var minus3 []string
	for i, ch := range a {
		if i == 4 || i == 11 || i == 19 {
			continue
		}
		minus3 = append(minus3, fmt.Sprintf("[page %d]\n%s", i+7, wrap(strings.ReplaceAll(ch, ". ", ".” "), 72, "\n")))
	}
	// 45% of C's chapters come from A: 13.5 of 30, so 13 whole and half of one.
	mixed := append([]string{}, a[:13]...)
	mixed = append(mixed, a[13][:len(a[13])/2])
	mixed = append(mixed, c[14:]...)
	return []nearDocIn{
		{0, "a", join(a)},
		{0, "b", join(b)},
		{1, "a-rewrapped", wrap(join(a), 60, "\r\n")},
		{1, "d", join(d)},
		{2, "a-minus-3-chapters", join(minus3)},
		{2, "c-45pct-of-a", join(mixed)},
		{3, "b-copy", join(b)},
	}
}

func runNear(t *testing.T, o NearOptions, docs []nearDocIn, concurrent bool) (map[string]string, *Near) {
	t.Helper()
	o.TempDir, o.KeepIDs = t.TempDir(), true
	n, err := NewNear(o)
	if err != nil {
		t.Fatal(err)
	}
	byShard := map[int][]nearDocIn{}
	for _, d := range docs {
		byShard[d.shard] = append(byShard[d.shard], d)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(byShard))
	for _, ds := range byShard {
		run := func(ds []nearDocIn) {
			for _, d := range ds {
				if err := n.Observe(d.shard, d.id, d.text); err != nil {
					errs <- err
				}
			}
		}
		if concurrent {
			wg.Add(1)
			go func(ds []nearDocIn) { defer wg.Done(); run(ds) }(ds)
		} else {
			run(ds)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := n.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, d := range docs {
		dup, err := n.Duplicate(d.id)
		if err != nil {
			t.Fatal(err)
		}
		if dup {
			got[d.id] = n.Survivor(d.id)
		}
	}
	return got, n
}

func booksOptions() NearOptions {
	return NearOptions{Measure: MeasureContainment, Threshold: 0.9, Bands: 50, Rows: 2, SampleRate: 1.0 / 16}
}

func show(m map[string]string) string {
	var s []string
	for k, v := range m {
		s = append(s, k+"->"+v)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// TestNearClusters: the exact clusters of the book set, under containment
// (books) and Jaccard (web defaults), whatever the observation order, the
// workers and the memory cap.
func TestNearClusters(t *testing.T) {
	docs := bookSet()
	wantContainment := "a->a-rewrapped a-minus-3-chapters->a-rewrapped b-copy->b"
	// Jaccard: the copy missing 3 of 30 chapters is at 0.9 too; C at 0.45
	// of A stays under both measures.
	wantJaccard := "a->a-rewrapped a-minus-3-chapters->a-rewrapped b-copy->b"
	for _, tc := range []struct {
		name string
		o    NearOptions
		want string
	}{
		{"containment", booksOptions(), wantContainment},
		{"jaccard-datatrove", NearOptions{}, wantJaccard},
		{"containment-spill-1worker", func() NearOptions { o := booksOptions(); o.MemoryBytes = 1 << 10; o.Workers = 1; return o }(), wantContainment},
		{"chars", NearOptions{Shingle: ShingleChars, Size: 12, Measure: MeasureContainment, Threshold: 0.9, Bands: 20, Rows: 4}, wantContainment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, conc := range []bool{false, true} {
				got, n := runNear(t, tc.o, docs, conc)
				if show(got) != tc.want {
					t.Errorf("concurrent=%v: dropped %s; want %s (counters %v)", conc, show(got), tc.want, n.Counters())
				}
				if tc.o.MemoryBytes > 0 && n.Counters()["spills"] == 0 {
					t.Errorf("no spill under a %d-byte cap", tc.o.MemoryBytes)
				}
				n.Close()
			}
		})
	}
}

// TestNearMeasures: the sample-based measures against the exact ones.
func TestNearMeasures(t *testing.T) {
	docs := bookSet()
	sh := &shingler{kind: ShingleWords, n: 5}
	set := func(text string) map[uint64]bool {
		m := map[uint64]bool{}
		for _, h := range sh.shingles(text) {
			m[h] = true
		}
		return m
	}
	a, c, m3 := set(docs[0].text), set(docs[5].text), set(docs[4].text)
	inter := func(x, y map[uint64]bool) int {
		n := 0
		for k := range x {
			if y[k] {
				n++
			}
		}
		return n
	}
	if got := float64(inter(c, a)) / float64(len(c)); got < 0.43 || got > 0.47 {
		t.Errorf("exact containment of C in A = %.3f, want about 0.45", got)
	}
	if got := float64(inter(m3, a)) / float64(len(m3)); got < 0.97 {
		t.Errorf("exact containment of the 27-chapter copy in A = %.3f", got)
	}
}

// TestNearState: a second build loads the first one's survivors; a new
// copy of one of them is dropped, the state's own documents seen again are
// kept, and the state grows by the new survivors.
func TestNearState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	o := booksOptions()
	o.State = dir
	docs := bookSet()
	first, n := runNear(t, o, docs, false)
	n.Close()
	if len(first) != 3 {
		t.Fatalf("first build dropped %v", first)
	}
	if _, err := os.Stat(filepath.Join(dir, "near.json")); err != nil {
		t.Fatal(err)
	}
	e := fakeBook(5, 10, 300)
	second := append([]nearDocIn{}, docs...)
	second = append(second,
		nearDocIn{4, "d-again", wrap(strings.Join(fakeBook(4, 10, 300), "\n\n"), 50, "\n")},
		nearDocIn{4, "e", strings.Join(e, "\n\n")},
	)
	got, n2 := runNear(t, o, second, true)
	// The first build's survivors are the state; its duplicates are
	// duplicates again (of state documents, so without a named survivor).
	if want := "a-> a-minus-3-chapters-> b-copy-> d-again->"; show(got) != want {
		t.Errorf("second build dropped %s, want %s (counters %v)", show(got), want, n2.Counters())
	}
	c := n2.Counters()
	if c["docs_state"] != 4 || c["docs_state_seen"] != 4 {
		t.Errorf("counters %v: want the 4 survivors of the first build as state, all 4 seen again", c)
	}
	n2.Close()
	// A third build with other parameters refuses the state.
	o.Rows = 4
	if _, err := NewNear(o); err == nil || !strings.Contains(err.Error(), "other parameters") {
		t.Errorf("state with other parameters: %v", err)
	}
}

// TestNearShortAndEmpty: documents without words are kept and never
// compared; two short identical documents are duplicates.
func TestNearShortAndEmpty(t *testing.T) {
	docs := []nearDocIn{
		{0, "empty", "  ...  "},
		{0, "short", "Call me Ishmael."},
		{1, "short-copy", "call me ishmael"},
		{1, "empty-2", ""},
	}
	got, n := runNear(t, NearOptions{}, docs, false)
	defer n.Close()
	if show(got) != "short-copy->short" {
		t.Errorf("dropped %s", show(got))
	}
}
