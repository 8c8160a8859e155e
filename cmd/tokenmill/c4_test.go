package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/c4"
)

// c4DocRow is the part of a text shard's row this test reads.
type c4DocRow struct {
	ID   string `parquet:"id"`
	Text string `parquet:"text"`
}

// TestC4Sample builds the c4 source of the embedded recipe on the embedded
// sample (recipes/sample/c4, made by tools/c4sample) and checks exactly
// which lines are kept, which are dropped and why, and which are skipped.
func TestC4Sample(t *testing.T) {
	out := t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: out, only: []string{"c4"}})

	var kept []string
	texts := map[string]string{}
	for _, shard := range []string{"c4-train.00000-of-01024", "c4-train.00001-of-01024", "c4-validation.00000-of-00008"} {
		rows, err := parquet.ReadFile[c4DocRow](filepath.Join(out, "docs", "c4", shard+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			kept = append(kept, r.ID)
			texts[r.ID] = r.Text
		}
	}
	const tr0, tr1, va0 = "c4-train.00000-of-01024.json.gz#L", "c4-train.00001-of-01024.json.zst#L", "c4-validation.00000-of-00008.json.gz#L"
	wantKept := []string{tr0 + "1", tr0 + "2", tr0 + "3", tr0 + "8", tr0 + "13", tr0 + "15", tr1 + "1", tr1 + "2", va0 + "2"}
	if strings.Join(kept, " ") != strings.Join(wantKept, " ") {
		t.Errorf("kept\n%v\nwant\n%v", kept, wantKept)
	}
	// The \u escapes (a surrogate pair among them) decode; c4_rules cut
	// the navigation, the short line, the javascript and cookie notices,
	// the citation markers and the line with a 1001-character word.
	if got := texts[tr0+"3"]; !strings.HasPrefix(got, "Our café on the corner serves the best crème brûlée in town 😀.\n") {
		t.Errorf("L3 text %q", got)
	}
	wantL8 := "Town council approves the new park.\n" +
		"The town council voted on Tuesday to build a new park on the site of the old railway yard.\n" +
		"Construction will start in the autumn and should take about eighteen months to finish.\n" +
		"The park will have a playground, a pond and a path that links the two halves of the town."
	if got := texts[tr0+"8"]; got != wantL8 {
		t.Errorf("L8 text\n%q\nwant\n%q", got, wantL8)
	}
	if got := texts[tr1+"2"]; strings.Contains(got, "Terms of Use") || strings.Count(got, "\n") != 3 {
		t.Errorf("zst L2 text %q", got)
	}

	var stats pipeline.Stats
	b, err := os.ReadFile(filepath.Join(out, "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &stats); err != nil {
		t.Fatal(err)
	}
	src := stats.Sources[0]
	if src.Name != "c4" || len(stats.Sources) != 1 {
		t.Fatalf("sources %+v", stats.Sources)
	}
	if got, want := c4Flat(src.Skipped), "bad-json=1 blank-line=1 invalid-utf8=1 missing-text=1"; got != want {
		t.Errorf("skipped %s, want %s", got, want)
	}
	want := "c4_rules:badwords=1 c4_rules:curly_bracket=1 c4_rules:lorem_ipsum=1 c4_rules:too_few_sentences=1 doc_dedup:duplicate=2 langid:lang=de=1"
	if got := c4Flat(src.Drops); got != want {
		t.Errorf("drops %s, want %s", got, want)
	}
	if src.DocsIn != 16 || src.DocsOut != 9 {
		t.Errorf("docs in %d out %d, want 16 and 9", src.DocsIn, src.DocsOut)
	}

	// Which line each drop is: the read lines less the kept ones, and
	// c4_rules' reason for each of its drops, run on the reader's docs.
	reg := defaultRegistry()
	s, err := reg.NewSource("c4", c4Config(t, c4.Spec), &pipeline.Env{Source: "c4"})
	if err != nil {
		t.Fatal(err)
	}
	fs := pipeline.NewStores()
	ins, err := s.Inputs(context.Background(), fs, []string{"../../recipes/sample/c4"})
	if err != nil {
		t.Fatal(err)
	}
	rules := heuristics.NewC4(heuristics.DefaultC4Options())
	var dropped, ruled []string
	isKept := map[string]bool{}
	for _, id := range kept {
		isKept[id] = true
	}
	for _, in := range ins {
		r, err := s.Open(context.Background(), fs, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			d := r.Doc()
			if !isKept[d.ID] {
				dropped = append(dropped, d.ID)
			}
			if reason, _ := rules.Process(d); reason != "" {
				ruled = append(ruled, d.ID+"="+reason)
			}
		}
		r.Close()
	}
	wantDropped := []string{tr0 + "7", tr0 + "9", tr0 + "10", tr0 + "11", tr0 + "12", tr0 + "14", va0 + "1"}
	if strings.Join(dropped, " ") != strings.Join(wantDropped, " ") {
		t.Errorf("dropped\n%v\nwant\n%v", dropped, wantDropped)
	}
	wantRuled := []string{tr0 + "9=c4_rules:lorem_ipsum", tr0 + "10=c4_rules:curly_bracket",
		tr0 + "11=c4_rules:too_few_sentences", tr0 + "12=c4_rules:badwords"}
	if strings.Join(ruled, " ") != strings.Join(wantRuled, " ") {
		t.Errorf("c4_rules drops\n%v\nwant\n%v", ruled, wantRuled)
	}
}

func c4Flat(m map[string]int64) string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k+"="+strconv.FormatInt(v, 10))
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

func c4Config(t *testing.T, spec pipeline.Spec) pipeline.Config {
	t.Helper()
	c, err := pipeline.NewConfig(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
