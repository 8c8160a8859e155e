package dedup

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/stages/normalize"
)

type tdoc struct{ id, text string }

// planted is a group of two shards with lines repeated across documents,
// across shards, and inside one document, some equal only after CCNet's
// dedup normalization (case, digits, the Unicode punctuation table).
var planted = [][]tdoc{
	{
		{"s0d0", "Header Menu\nUnique line A0\nCommon footer © 2024\nRepeated in one doc\nRepeated in one doc"},
		{"s0d1", "HEADER menu\nUnique line B\nCopyright 1999"},
	},
	{
		{"s1d0", "Common footer © 2031\nUnique line C\nHeader Menu。"},
		{"s1d1", "Only here\nonly HERE\nUnique line D"},
		{"s1d2", "Copyright 1999"},
	},
}

var plantedWant = map[Mode]map[string]string{
	RemoveAll: {
		"s0d0": "Unique line A0\nRepeated in one doc",
		"s0d1": "Unique line B",
		"s1d0": "Unique line C",
		"s1d1": "Only here\nUnique line D",
		"s1d2": "",
	},
	KeepFirst: {
		"s0d0": "Header Menu\nUnique line A0\nCommon footer © 2024\nRepeated in one doc",
		"s0d1": "Unique line B\nCopyright 1999",
		"s1d0": "Unique line C",
		"s1d1": "Only here\nUnique line D",
		"s1d2": "",
	},
}

// runLines observes the shards in the given order, concurrently, then
// dedups every document and returns the texts by ID.
func runLines(t *testing.T, o Options, shards [][]tdoc, order []int) (map[string]string, *Lines) {
	t.Helper()
	l, err := NewLines(o)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(order))
	for _, s := range order {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for _, d := range shards[s] {
				if err := l.Observe(s, d.id, d.text); err != nil {
					errs <- err
					return
				}
			}
		}(s)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := l.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, sh := range shards {
		for _, d := range sh {
			text, _, err := l.Dedup(d.id, d.text)
			if err != nil {
				t.Fatal(err)
			}
			out[d.id] = text
		}
	}
	return out, l
}

func TestLinesPlanted(t *testing.T) {
	for _, mode := range []Mode{RemoveAll, KeepFirst} {
		for _, memory := range []int64{0, 1} {
			for _, order := range [][]int{{0, 1}, {1, 0}} {
				t.Run(fmt.Sprintf("%s/mem=%d/order=%v", mode, memory, order), func(t *testing.T) {
					tmp := t.TempDir()
					got, l := runLines(t, Options{Mode: mode, MemoryBytes: memory, TempDir: tmp}, planted, order)
					for id, want := range plantedWant[mode] {
						if got[id] != want {
							t.Errorf("%s:\n got %q\nwant %q", id, got[id], want)
						}
					}
					c := l.Counters()
					if c["lines_seen"] != 15 {
						t.Errorf("lines_seen = %d, want 15", c["lines_seen"])
					}
					wantRemoved := map[Mode]int64{RemoveAll: 9, KeepFirst: 6}[mode]
					if c["lines_removed"] != wantRemoved {
						t.Errorf("lines_removed = %d, want %d", c["lines_removed"], wantRemoved)
					}
					// Keys in ≥ 2 documents: header, footer, copyright.
					if c["dup_keys"] != 3 {
						t.Errorf("dup_keys = %d, want 3", c["dup_keys"])
					}
					if memory == 1 && c["spills"] == 0 {
						t.Errorf("no spill under a 1-byte cap")
					}
					if memory == 0 && c["spills"] != 0 {
						t.Errorf("spills = %d, want 0", c["spills"])
					}
					if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
						t.Errorf("runs left in the temp folder: %v", ents)
					}
				})
			}
		}
	}
}

func TestLineKey(t *testing.T) {
	// SHA-1("hello world") = 2aae6c35c94fcfb4 15dbe95f408b9ce91ee846ed.
	k, _ := LineKey(nil, "  Hello World\t")
	if k != 0x2aae6c35c94fcfb4 {
		t.Errorf("LineKey = %#x", k)
	}
	a, _ := LineKey(nil, "Price: 12 €")
	b, _ := LineKey(nil, "price: 99 €")
	if a != b {
		t.Error("digits and case must not change the key")
	}
}

// reference computes the expected output of a group straight from the
// definition, one document at a time, with no hashing tricks.
func reference(mode Mode, shards [][]tdoc) map[string]string {
	type pos struct{ shard, doc int }
	docsWith := map[string][]pos{} // normalized line -> documents holding it, in input order
	for s, sh := range shards {
		for i, d := range sh {
			seen := map[string]bool{}
			for _, line := range strings.Split(d.text, "\n") {
				n := normalize.ForDedup(line)
				if !seen[n] {
					seen[n] = true
					docsWith[n] = append(docsWith[n], pos{s, i})
				}
			}
		}
	}
	out := map[string]string{}
	for s, sh := range shards {
		for i, d := range sh {
			var kept []string
			seen := map[string]bool{}
			for _, line := range strings.Split(d.text, "\n") {
				n := normalize.ForDedup(line)
				rep := seen[n]
				seen[n] = true
				holders := docsWith[n]
				switch {
				case rep:
				case len(holders) < 2:
					kept = append(kept, line)
				case mode == KeepFirst && holders[0] == pos{s, i}:
					kept = append(kept, line)
				}
			}
			out[d.id] = strings.Join(kept, "\n")
		}
	}
	return out
}

func randomGroup(r *rand.Rand, nShards, nDocs int) [][]tdoc {
	vocab := make([]string, 60)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("line %c%d about things", 'a'+rune(i%26), i)
	}
	shards := make([][]tdoc, nShards)
	for s := range shards {
		for d := 0; d < nDocs; d++ {
			n := 1 + r.Intn(12)
			lines := make([]string, n)
			for j := range lines {
				if r.Intn(3) == 0 {
					lines[j] = vocab[r.Intn(len(vocab))]
					if r.Intn(2) == 0 {
						lines[j] = strings.ToUpper(lines[j])
					}
				} else {
					lines[j] = fmt.Sprintf("unique %d-%d-%d", s, d, j)
				}
			}
			shards[s] = append(shards[s], tdoc{fmt.Sprintf("%d/%d", s, d), strings.Join(lines, "\n")})
		}
	}
	return shards
}

// TestLinesRandom compares both modes with the reference on random groups,
// observing shards in shuffled orders, with and without spilling.
func TestLinesRandom(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for iter := 0; iter < 6; iter++ {
		shards := randomGroup(r, 5, 40)
		for _, mode := range []Mode{RemoveAll, KeepFirst} {
			want := reference(mode, shards)
			for _, memory := range []int64{0, 2048} {
				order := r.Perm(len(shards))
				got, l := runLines(t, Options{Mode: mode, MemoryBytes: memory, TempDir: t.TempDir()}, shards, order)
				if memory > 0 && l.Counters()["spills"] == 0 {
					t.Errorf("iter %d: no spill with a %d-byte cap", iter, memory)
				}
				for id, w := range want {
					if got[id] != w {
						t.Fatalf("iter %d %s mem=%d order=%v doc %s:\n got %q\nwant %q", iter, mode, memory, order, id, got[id], w)
					}
				}
			}
		}
	}
}

func TestLineStep(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	spec, _ := reg.StepSpec("line_dedup")
	c, err := pipeline.NewConfig(spec, map[string]any{"min_chars": 10})
	if err != nil {
		t.Fatal(err)
	}
	st, err := reg.NewStep("line_dedup", c, &pipeline.Env{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	g := st.(pipeline.Gatherer)
	for s, sh := range planted {
		for _, d := range sh {
			if err := g.Observe(s, &pipeline.Doc{ID: d.id, Text: d.text}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := g.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sh := range planted {
		for _, d := range sh {
			doc := &pipeline.Doc{ID: d.id, Text: d.text}
			drop, err := g.Process(doc)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s %q %s", d.id, doc.Text, drop))
		}
	}
	want := []string{
		`s0d0 "Unique line A0\nRepeated in one doc" `,
		`s0d1 "Unique line B" `,
		`s1d0 "Unique line C" `,
		`s1d1 "Only here\nUnique line D" `,
		`s1d2 "" line_dedup:short`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := g.Observe(0, &pipeline.Doc{ID: "late"}); err == nil {
		t.Error("Observe after Seal must fail")
	}
}

func TestDuplicateID(t *testing.T) {
	l, _ := NewLines(Options{})
	if err := l.Observe(0, "x", "a"); err != nil {
		t.Fatal(err)
	}
	if err := l.Observe(1, "x", "b"); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("duplicate ID: err = %v", err)
	}
}

func TestDocs(t *testing.T) {
	shards := [][]tdoc{
		{{"a", "same text"}, {"b", "other"}, {"c", "same text"}},
		{{"d", "same text"}, {"e", "other"}, {"f", "alone"}},
	}
	for _, memory := range []int64{0, 1} {
		for _, order := range [][]int{{0, 1}, {1, 0}} {
			d := NewDocs(Options{MemoryBytes: memory, TempDir: t.TempDir()})
			for _, s := range order {
				for _, doc := range shards[s] {
					if err := d.Observe(s, doc.id, doc.text); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := d.Seal(context.Background()); err != nil {
				t.Fatal(err)
			}
			var dups []string
			for _, sh := range shards {
				for _, doc := range sh {
					dup, err := d.Duplicate(doc.id, doc.text)
					if err != nil {
						t.Fatal(err)
					}
					if dup {
						dups = append(dups, doc.id)
					}
				}
			}
			if got := strings.Join(dups, ","); got != "c,d,e" {
				t.Errorf("mem=%d order=%v: duplicates %s, want c,d,e", memory, order, got)
			}
		}
	}
}

// TestSpillRunsStayLarge observes many shards under a small cap: the
// largest buffers are spilled, whichever shard holds them, so the number of
// runs stays far below the number of documents, and the result is the
// reference's.
func TestSpillRunsStayLarge(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	shards := randomGroup(r, 20, 50)
	want := reference(RemoveAll, shards)
	got, l := runLines(t, Options{Mode: RemoveAll, MemoryBytes: 16 << 10, TempDir: t.TempDir()}, shards, r.Perm(20))
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("doc %s: got %q, want %q", id, got[id], w)
		}
	}
	c := l.Counters()
	// ~3,100 records of 8 bytes under a 16 KiB cap, spilled down to 8 KiB
	// a time: a few runs, not one per document (1,000).
	if c["spills"] == 0 || c["spills"] > 20 {
		t.Errorf("spills = %d, want between 1 and 20", c["spills"])
	}
	t.Logf("records %d, spills %d, spilled bytes %d", c["records"], c["spills"], c["spilled_bytes"])
}
