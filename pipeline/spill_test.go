package pipeline

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestSpillRoundTrip: a spill gives back every field of every document and
// the skipped records, in order, with their stats reason, message and kind,
// and the input's digest.
func TestSpillRoundTrip(t *testing.T) {
	s, err := newSpills(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	s.record = true
	in := Input{URL: "x", Name: "a/b=1"}
	docs := []*Doc{
		{ID: "1", Source: "cc", Text: "héllo\nworld", URL: "http://e/1", Date: time.Date(2023, 1, 2, 3, 4, 5, 6, time.UTC),
			Lang: "en", LangScore: 0.5, Perplexity: 12.25, Bucket: "head", Quality: 0.75, Meta: map[string]string{"k": "v", "a": ""}, Tokens: []int32{1, -2, 300000}},
		{ID: "2", Text: ""},
	}
	w := s.create(in)
	w.skip(&RecordError{Path: "f", Record: "0", Offset: 3, Err: Corruptf("bad-header", "broken")})
	w.doc(docs[0])
	w.skip(Filteredf("redirect", "a redirect"))
	w.doc(docs[1])
	w.finish(&hashingReader{eof: true, n: 42, sum: "abc"})
	if !s.has(in) {
		t.Fatal("spill not finished")
	}
	var skips []error
	r, err := s.open(in, func(err error) { skips = append(skips, err) })
	if err != nil {
		t.Fatal(err)
	}
	var got []*Doc
	for r.Next() {
		got = append(got, r.Doc())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, docs) {
		t.Errorf("docs %+v, want %+v", got, docs)
	}
	var f *FilteredError
	if len(skips) != 2 || SkipReason(skips[0]) != "bad-header" || skips[0].Error() != "f: record 0 (offset 3): broken" ||
		SkipReason(skips[1]) != "redirect" || !errors.As(skips[1], &f) || errors.As(skips[0], &f) {
		t.Errorf("skips %v", skips)
	}
	if r.digest == nil || r.digest.Sum() != "abc" || r.digest.n != 42 {
		t.Errorf("digest %+v", r.digest)
	}
}

// TestSpillBudget: a spill that would pass its group's budget is not kept
// (the input is then read from storage again), and one within it is.
func TestSpillBudget(t *testing.T) {
	s, err := newSpills(t.TempDir(), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	small, big := Input{Name: "small"}, Input{Name: "big"}
	w := s.create(small)
	w.doc(&Doc{ID: "1", Text: "short"})
	w.finish(nil)
	w = s.create(big)
	x := uint64(1)
	for i := range 100 {
		var b strings.Builder
		for range 100 { // text that does not compress
			x = x*6364136223846793005 + 1442695040888963407
			fmt.Fprintf(&b, "%x ", x>>20)
		}
		w.doc(&Doc{ID: fmt.Sprint(i), Text: b.String()})
	}
	w.finish(nil)
	if !s.has(small) || s.has(big) {
		t.Errorf("kept small %v, big %v; want small only", s.has(small), s.has(big))
	}
	// The budget the big one took is given back.
	w = s.create(Input{Name: "again"})
	w.doc(&Doc{ID: "2", Text: "short"})
	w.finish(nil)
	if !s.has(Input{Name: "again"}) {
		t.Error("a small spill after the big one was not kept")
	}
	if ents, _ := os.ReadDir(s.dir); len(ents) != 2 {
		t.Errorf("%d files in the spill folder, want 2", len(ents))
	}
}
