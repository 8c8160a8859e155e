package dedup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/sources/books"
)

// evalDoc is one document of the labelled set.
type evalDoc struct {
	id   string
	text string
}

// paragraphs splits a body into its blank-line separated paragraphs.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// blocks cuts paragraphs into k runs of about equal size.
func blocks(ps []string, k int) [][]string {
	out := make([][]string, k)
	for i, p := range ps {
		out[i*k/len(ps)] = append(out[i*k/len(ps)], p)
	}
	return out
}

// labelledSet reads real Gutenberg books (a mirror's files, stripped by
// sources/books) and derives editions at known overlaps from the first
// nDerived of them: rewrapped; x% of the book's 40 blocks mixed with
// (1-x)% from a book outside the set, for x in 95, 92, 90, 88, 85, 70, 45;
// every other paragraph (an abridgement, containment 1, Jaccard 0.5); the
// first 30% (an excerpt, Jaccard 0.3). The mirror's own duplicates (the
// same book in two folders, a volume and the complete work) stay in.
func labelledSet(t *testing.T, dir string, nBase, nDerived int) []evalDoc {
	var paths []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") {
			paths = append(paths, p)
		}
		return nil
	})
	sort.Strings(paths)
	var base []evalDoc
	var donors []string
	for i, p := range paths {
		if len(base) >= nBase && len(donors) >= nDerived {
			break
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := books.Decode(data, "")
		b := books.Strip(strings.ReplaceAll(text, "\r\n", "\n"))
		if len(b.Text) < 50_000 || len(b.Text) > 2_000_000 || len(paragraphs(b.Text)) < 80 {
			continue
		}
		rel, _ := filepath.Rel(dir, p)
		// Every 7th usable book donates foreign text and stays out.
		if i%7 == 3 && len(donors) < nDerived {
			donors = append(donors, b.Text)
			continue
		}
		if len(base) < nBase {
			base = append(base, evalDoc{rel, b.Text})
		}
	}
	docs := append([]evalDoc{}, base...)
	for i := 0; i < nDerived && i < len(base) && i < len(donors); i++ {
		a := base[i]
		ps := paragraphs(a.text)
		docs = append(docs, evalDoc{a.id + "~rewrap60", wrap(a.text, 60, "\n")})
		own, foreign := blocks(ps, 40), blocks(paragraphs(donors[i]), 40)
		for _, x := range []int{95, 92, 90, 88, 85, 70, 45} {
			keep := x * 40 / 100
			var parts []string
			for j := 0; j < keep; j++ {
				parts = append(parts, own[j]...)
			}
			for j := 0; j < 40-keep; j++ {
				parts = append(parts, foreign[j]...)
			}
			docs = append(docs, evalDoc{a.id + "~mix" + strconv.Itoa(x), strings.Join(parts, "\n\n")})
		}
		var every2 []string
		for j := 0; j < len(ps); j += 2 {
			every2 = append(every2, ps[j])
		}
		docs = append(docs, evalDoc{a.id + "~abridged-half", strings.Join(every2, "\n\n")})
		docs = append(docs, evalDoc{a.id + "~first30pct", strings.Join(ps[:len(ps)*3/10], "\n\n")})
	}
	return docs
}

// exactContainment returns, for every pair of documents sharing a
// shingle, max(|A∩B|/|A|, |A∩B|/|B|) over their full shingle sets.
func exactContainment(sets [][]uint64) map[[2]int]float64 {
	type rec struct {
		h   uint64
		doc int32
	}
	var recs []rec
	for d, s := range sets {
		for _, h := range s {
			recs = append(recs, rec{h, int32(d)})
		}
	}
	slices.SortFunc(recs, func(a, b rec) int {
		if a.h != b.h {
			if a.h < b.h {
				return -1
			}
			return 1
		}
		return int(a.doc - b.doc)
	})
	inter := map[[2]int]int{}
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && recs[j].h == recs[i].h {
			j++
		}
		for x := i; x < j; x++ {
			for y := x + 1; y < j; y++ {
				inter[[2]int{int(recs[x].doc), int(recs[y].doc)}]++
			}
		}
		i = j
	}
	out := make(map[[2]int]float64, len(inter))
	for p, n := range inter {
		out[p] = float64(n) / float64(min(len(sets[p[0]]), len(sets[p[1]])))
	}
	return out
}

// TestNearRealBooks measures near_dedup (the books recipe's options)
// against exact all-pairs containment on real books: LSH candidate recall
// and the sample's measurement error by band of exact containment, and the
// precision and recall of the documents dropped, against the same
// decision rule run on exact containment over all pairs. Needs real
// Gutenberg files: BOOKS_GUTENBERG_DIR (BOOKS_EVAL_BASE, BOOKS_EVAL_DERIVED
// size the set). The figures are in the package doc.
func TestNearRealBooks(t *testing.T) {
	dir := os.Getenv("BOOKS_GUTENBERG_DIR")
	if dir == "" {
		t.Skip("BOOKS_GUTENBERG_DIR not set")
	}
	nBase, nDerived := 150, 30
	if v, err := strconv.Atoi(os.Getenv("BOOKS_EVAL_BASE")); err == nil {
		nBase = v
	}
	if v, err := strconv.Atoi(os.Getenv("BOOKS_EVAL_DERIVED")); err == nil {
		nDerived = v
	}
	docs := labelledSet(t, dir, nBase, nDerived)
	o := booksOptions()
	if v, err := strconv.Atoi(os.Getenv("BOOKS_EVAL_BANDS")); err == nil {
		o.Bands = v
	}
	if v, err := strconv.Atoi(os.Getenv("BOOKS_EVAL_ROWS")); err == nil {
		o.Rows = v
	}
	o.TempDir, o.KeepIDs = t.TempDir(), true
	if err := o.fill(); err != nil {
		t.Fatal(err)
	}
	n, err := NewNear(o)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	sh := &shingler{kind: o.Shingle, n: o.Size}
	sets := make([][]uint64, len(docs))
	samples := make([][]uint64, len(docs))
	taus := make([]uint64, len(docs))
	bandsOf := make([]map[uint64]bool, len(docs))
	sc := n.pool.Get().(*nearScratch)
	var bytesIn int64
	for i, d := range docs {
		bytesIn += int64(len(d.text))
		hs := sh.shingles(d.text)
		s := slices.Clone(hs)
		slices.Sort(s)
		sets[i] = slices.Compact(s)
		smp, tau := n.sample(sc, hs)
		samples[i], taus[i] = slices.Clone(smp), tau
		n.mh.signature(hs, sc.sig, sc.mins)
		bandsOf[i] = map[uint64]bool{}
		for b := 0; b < o.Bands; b++ {
			bandsOf[i][bandKey(b, sc.sig[b*o.Rows:(b+1)*o.Rows])] = true
		}
		if err := n.Observe(0, d.id, d.text); err != nil {
			t.Fatal(err)
		}
	}
	if err := n.Seal(context.Background()); err != nil {
		t.Fatal(err)
	}
	exact := exactContainment(sets)

	// Per band of exact containment: pairs, LSH candidates, pairs the
	// sample measure puts at or over the threshold, mean |error|.
	type row struct {
		pairs, cand, over int
		err               float64
	}
	edges := []float64{0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.88, 0.9, 0.92, 0.95, 0.99, 1.01}
	rows := make([]row, len(edges)-1)
	truth := map[[2]int]bool{}
	for p, c := range exact {
		if c < 0.3 {
			continue
		}
		k := sort.SearchFloat64s(edges, c+1e-12) - 1
		r := &rows[k]
		r.pairs++
		for key := range bandsOf[p[0]] {
			if bandsOf[p[1]][key] {
				r.cand++
				break
			}
		}
		est := Overlap(MeasureContainment, samples[p[0]], taus[p[0]], samples[p[1]], taus[p[1]])
		if est >= o.Threshold {
			r.over++
		}
		if est > c {
			r.err += est - c
		} else {
			r.err += c - est
		}
		if c >= o.Threshold {
			truth[p] = true
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "bands %d x rows %d, %s >= %.2f, sample rate %g\n", o.Bands, o.Rows, o.Measure, o.Threshold, o.SampleRate)
	fmt.Fprintf(&sb, "%d documents (%d base, %.1f MB), %d pairs with containment >= 0.3\n", len(docs), nBase, float64(bytesIn)/1e6, func() int {
		s := 0
		for _, r := range rows {
			s += r.pairs
		}
		return s
	}())
	fmt.Fprintf(&sb, "| exact containment | pairs | LSH candidate | sample says >= %.2f | mean abs error of the sample |\n|---|---|---|---|---|\n", o.Threshold)
	for k, r := range rows {
		if r.pairs == 0 {
			continue
		}
		fmt.Fprintf(&sb, "| [%.2f, %.2f) | %d | %.3f | %.3f | %.4f |\n", edges[k], edges[k+1], r.pairs, float64(r.cand)/float64(r.pairs), float64(r.over)/float64(r.pairs), r.err/float64(r.pairs))
	}

	// Documents dropped: the same greedy rule on exact containment over
	// all pairs (longest first; a document goes when it duplicates one
	// already kept).
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(docs[order[a]].text) > len(docs[order[b]].text) })
	exactOf := func(i, j int) float64 { return exact[[2]int{min(i, j), max(i, j)}] }
	var keptExact []int
	wantDrop := map[string]bool{}
	for _, i := range order {
		dup := false
		for _, k := range keptExact {
			if exactOf(i, k) >= o.Threshold {
				dup = true
				break
			}
		}
		if dup {
			wantDrop[docs[i].id] = true
		} else {
			keptExact = append(keptExact, i)
		}
	}
	dropped := make([]bool, len(docs))
	for i, d := range docs {
		dup, err := n.Duplicate(d.id)
		if err != nil {
			t.Fatal(err)
		}
		dropped[i] = dup
	}
	// Precision: a drop is right when the document's exact containment
	// with some kept document passes the threshold. Recall: of the exact
	// rule's drops, those made. Residual: pairs of kept documents whose
	// exact containment passes.
	tp, fp, hit, residual := 0, 0, 0, 0
	var fps, fns []string
	for i, d := range docs {
		if dropped[i] {
			ok := false
			for j := range docs {
				if j != i && !dropped[j] && exactOf(i, j) >= o.Threshold {
					ok = true
					break
				}
			}
			if ok {
				tp++
			} else {
				fp++
				fps = append(fps, d.id)
			}
			if wantDrop[d.id] {
				hit++
			}
		} else if wantDrop[d.id] {
			fns = append(fns, d.id)
		}
	}
	for p, c := range exact {
		if c >= o.Threshold && !dropped[p[0]] && !dropped[p[1]] {
			residual++
		}
	}
	prec := float64(tp) / float64(max(tp+fp, 1))
	rec := float64(hit) / float64(max(len(wantDrop), 1))
	fmt.Fprintf(&sb, "documents the exact rule drops: %d; near_dedup drops: %d; precision %.4f (drops with a kept duplicate), recall %.4f (of the exact rule's drops); pairs of kept documents still over the threshold: %d\n",
		len(wantDrop), tp+fp, prec, rec, residual)
	fmt.Fprintf(&sb, "false drops %v\nmissed %v\ncounters %v\n", fps, fns, n.Counters())
	t.Log("\n" + sb.String())
	if out := os.Getenv("BOOKS_EVAL_OUT"); out != "" {
		os.WriteFile(out, []byte(sb.String()), 0o644)
	}
}
