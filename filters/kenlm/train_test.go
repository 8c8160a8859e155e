package kenlm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// arpaEntries parses ARPA text into n-gram -> {log10 prob, backoff}.
func arpaEntries(t *testing.T, r io.Reader) map[string][2]float64 {
	t.Helper()
	out := map[string][2]float64{}
	sc := bufio.NewScanner(r)
	in := false
	for sc.Scan() {
		l := sc.Text()
		if strings.HasSuffix(l, "-grams:") {
			in = true
			continue
		}
		if !in || l == "" || l[0] == '\\' {
			continue
		}
		f := strings.Split(l, "\t")
		var b float64
		if len(f) == 3 {
			b = num(t, f[2])
		}
		out[f[1]] = [2]float64{num(t, f[0]), b}
	}
	return out
}

// compareARPA checks that got has exactly the n-grams of want (or, with
// subset, a superset of them) with |dprob| and |dbackoff| <= 1e-4.
func compareARPA(t *testing.T, got, want map[string][2]float64, subset bool) {
	t.Helper()
	bad := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			if bad++; bad < 5 {
				t.Errorf("missing n-gram %q", k)
			}
			continue
		}
		if math.Abs(g[0]-w[0]) > 1e-4 || math.Abs(g[1]-w[1]) > 1e-4 {
			if bad++; bad < 5 {
				t.Errorf("%q: got %v want %v", k, g, w)
			}
		}
	}
	if !subset {
		for k := range got {
			if _, ok := want[k]; !ok {
				if bad++; bad < 5 {
					t.Errorf("extra n-gram %q", k)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d mismatches of %d n-grams", bad, len(want))
	}
}

// TestTrainMatchesLmplz trains on the kit's train.pieces and compares with
// what lmplz built from it: every n-gram of o3.arpa, a 1-in-25 sample of
// o5.arpa (the whole file is 5 MB), the n-gram counts and the discounts
// lmplz printed.
func TestTrainMatchesLmplz(t *testing.T) {
	for _, tc := range []struct {
		order     int
		arpa      string
		subset    bool
		discounts string
		counts    []int
	}{
		{3, "o3.arpa.gz", false, "lmplz.o3.discounts.txt", []int{4151, 20014, 28235}},
		{5, "o5.sample25.arpa.gz", true, "lmplz.o5.discounts.txt", []int{4151, 20014, 28235, 29687, 29549}},
	} {
		t.Run(fmt.Sprint("o", tc.order), func(t *testing.T) {
			m, st, err := TrainWithStats(openTestdata(t, "train.pieces.gz"), tc.order, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(m.Counts()) != fmt.Sprint(tc.counts) || fmt.Sprint(st.Counts) != fmt.Sprint(tc.counts) {
				t.Errorf("counts %v / %v, want %v", m.Counts(), st.Counts, tc.counts)
			}
			// lmplz's own report, formatted the way it prints it.
			var rep strings.Builder
			fmt.Fprintf(&rep, "Unigram tokens %d types %d\n", st.Tokens, st.Types)
			for i, d := range st.Discounts {
				fmt.Fprintf(&rep, "%d %d D1=%s D2=%s D3+=%s\n", i+1, st.Counts[i],
					fmtG6(d[0]), fmtG6(d[1]), fmtG6(d[2]))
			}
			want := strings.Join(readLines(t, tc.discounts), "\n") + "\n"
			if rep.String() != want {
				t.Errorf("stats:\n%s\nwant:\n%s", rep.String(), want)
			}
			var buf bytes.Buffer
			if err := m.WriteARPA(&buf); err != nil {
				t.Fatal(err)
			}
			got, ref := arpaEntries(t, &buf), arpaEntries(t, openTestdata(t, tc.arpa))
			compareARPA(t, got, ref, tc.subset)
			// <unk> takes the uniform share over the vocabulary without
			// <s>: counting <s> would move it by 1e-4, so check it tighter.
			if d := math.Abs(got[UNK][0] - ref[UNK][0]); d > 1e-6 {
				t.Errorf("<unk> log10 prob %v, lmplz %v", got[UNK][0], ref[UNK][0])
			}
		})
	}
}

// fmtG6 prints like C++ iostreams' default (%g with 6 significant digits).
func fmtG6(f float64) string { return fmt.Sprintf("%.6g", f) }

// TestTrainDiscountFallback: a text too small for Kneser-Ney fails as lmplz
// does, unless a fallback is given.
func TestTrainDiscountFallback(t *testing.T) {
	text := "a b c\na b d\n"
	if _, err := Train(strings.NewReader(text), 3, TrainOptions{}); !errors.Is(err, ErrBadDiscount) {
		t.Fatalf("err = %v, want ErrBadDiscount", err)
	}
	m, st, err := TrainWithStats(strings.NewReader(text), 3, TrainOptions{DiscountFallback: []float64{0.5, 1, 1.5}})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Fallback[0] || st.Discounts[0] != (Discount{0.5, 1, 1.5}) {
		t.Errorf("unigram discounts %v fallback %v", st.Discounts[0], st.Fallback[0])
	}
	// The model is still a distribution over the vocabulary: probabilities
	// of every word after "a b" sum to 1 (<s> excluded, </s> included).
	var total float64
	for _, w := range []string{"a", "b", "c", "d", EOS, UNK} {
		a := m.BeginSentence()
		var b State
		for _, h := range []string{"a", "b"} {
			id, _ := m.Index(h)
			m.ScoreWord(&a, id, &b)
			a = b
		}
		id, _ := m.Index(w)
		total += math.Pow(10, float64(m.ScoreWord(&a, id, &b)))
	}
	if math.Abs(total-1) > 1e-5 {
		t.Errorf("sum of p(w | a b) = %v", total)
	}
}

// TestARPARoundTrip: writing a model and reading it back gives the same
// bytes and the same scores.
func TestARPARoundTrip(t *testing.T) {
	m := kitO3(t)
	var a, b bytes.Buffer
	if err := m.WriteARPA(&a); err != nil {
		t.Fatal(err)
	}
	m2, err := ReadARPA(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.WriteARPA(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("ARPA round trip changed the bytes")
	}
	// The lines themselves are lmplz's, byte for byte: same columns and
	// the same float formatting; only the order of the lines differs.
	sorted := func(s string) string {
		l := strings.Split(s, "\n")
		slices.Sort(l)
		return strings.Join(l, "\n")
	}
	if sorted(a.String()) != sorted(strings.Join(readLines(t, "o3.arpa.gz"), "\n")+"\n") {
		t.Error("written ARPA lines differ from lmplz's o3.arpa")
	}
}

// TestTrainTokens: lmplz splits on space, tab, CR and NUL only, and
// refuses <s>, </s> and <unk> unless told to read them as whitespace.
func TestTrainTokens(t *testing.T) {
	opts := TrainOptions{DiscountFallback: []float64{0.5, 1, 1.5}}
	m, err := Train(strings.NewReader("a\vb c\x00d\r\n"), 2, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for id := 3; id < m.VocabSize(); id++ {
		got = append(got, m.Word(uint32(id)))
	}
	if fmt.Sprintf("%q", got) != `["a\vb" "c" "d"]` {
		t.Errorf("vocabulary %q", got)
	}
	for _, w := range []string{BOS, EOS, UNK} {
		if _, err := Train(strings.NewReader("x "+w+" y\n"), 2, opts); !errors.Is(err, ErrSpecialWord) {
			t.Errorf("%s: err = %v, want ErrSpecialWord", w, err)
		}
	}
	opts.SkipSymbols = true
	var a, b bytes.Buffer
	m1, err := Train(strings.NewReader("x <s> y </s>\nx <unk> z\n"), 2, opts)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := Train(strings.NewReader("x y\nx z\n"), 2, opts)
	m1.WriteARPA(&a)
	m2.WriteARPA(&b)
	if a.String() != b.String() {
		t.Errorf("special words as whitespace:\n%s\nwant\n%s", a.String(), b.String())
	}
}
