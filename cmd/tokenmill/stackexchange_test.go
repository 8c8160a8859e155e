package main

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// seDocRow holds the columns of a text shard that TestBuildStackExchange
// checks.
type seDocRow struct {
	ID        string  `parquet:"id"`
	Text      string  `parquet:"text"`
	URL       string  `parquet:"url"`
	Lang      string  `parquet:"lang"`
	LangScore float32 `parquet:"lang_score"`
	Meta      string  `parquet:"meta"`
}

// meta decodes the meta column (a JSON object).
func (r seDocRow) meta() map[string]string {
	m := map[string]string{}
	json.Unmarshal([]byte(r.Meta), &m)
	return m
}

// TestBuildStackExchange builds the embedded sample's StackExchange archives
// (made by tools/stackexchangesample): the listed sites' questions are kept
// with their answers by numeric score, the meta site and the unlisted site
// are left out unread, the question cross-posted to both sites is kept once,
// the Portuguese question stays with its language labelled, and the
// tag wikis, the orphan answer and the malformed row are counted.
func TestBuildStackExchange(t *testing.T) {
	out := t.TempDir()
	summary := build(t, defaultRegistry(), buildFlags{out: out, only: []string{"stackexchange"}, workers: 2})
	docs := map[string]seDocRow{}
	var ids []string
	filepath.WalkDir(filepath.Join(out, "docs", "stackexchange"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		rows, err := parquet.ReadFile[seDocRow](p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
			docs[r.ID] = r
		}
		return nil
	})
	sort.Strings(ids)
	// Kept: every question of the two listed sites but the cross-posted
	// copy (unix.stackexchange.com:1030, the later input's), the malformed
	// row (stackoverflow.com:2020) and the tag wikis; nothing of
	// beer.stackexchange.com (not listed) nor unix.meta.stackexchange.com.
	want := "stackoverflow.com:2001 stackoverflow.com:2010 stackoverflow.com:2030 stackoverflow.com:2040 stackoverflow.com:2050 " +
		"unix.stackexchange.com:1001 unix.stackexchange.com:1010 unix.stackexchange.com:1020 unix.stackexchange.com:1040"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("kept %s\nwant %s", got, want)
	}
	// Answers by numeric score: 10 before 9 (RedPajama's string sort put
	// "9" first), negative last; answers stored before their question
	// (1004, 2012) joined.
	for id, answers := range map[string]string{
		"stackoverflow.com:2001": "2003,2002,2004", "unix.stackexchange.com:1010": "1012,1011,1013",
		"unix.stackexchange.com:1001": "1004,1002", "stackoverflow.com:2010": "2012", "stackoverflow.com:2040": "",
	} {
		if got := docs[id].meta()["answer_ids"]; got != answers {
			t.Errorf("%s: answer_ids %q, want %q", id, got, answers)
		}
	}
	if m := docs["stackoverflow.com:2030"].meta(); m["site"] != "stackoverflow.com" || m["score"] != "-4" || m["tags"] != "c,floating-point" {
		t.Errorf("stackoverflow.com:2030 meta %v", m)
	}
	// Language is labelled, never a reason to drop.
	for _, id := range ids {
		lang := "en"
		if id == "stackoverflow.com:2050" {
			lang = "pt"
		}
		if r := docs[id]; r.Lang != lang || r.LangScore <= 0.5 {
			t.Errorf("%s: lang %s %.2f, want %s", id, r.Lang, r.LangScore, lang)
		}
	}
	// Entities decoded, code kept verbatim, no tag left.
	wantText := "Q: Why does 0.1 + 0.2 != 0.3?\n\nIn C, 0.1 + 0.2 == 0.3 is false. Is my compiler broken?\n\n" +
		"A: No. 0.1, 0.2 and 0.3 have no exact binary representation; the sum of the two nearest doubles is not the double nearest to 0.3. Compare with a tolerance:\n\n" +
		"#include <math.h>\nif (fabs(a - b) < 1e-9) { /* equal enough */ }\n\nA: Use float instead of double."
	if got := docs["stackoverflow.com:2030"].Text; got != wantText {
		t.Errorf("stackoverflow.com:2030 text\n%q\nwant\n%q", got, wantText)
	}
	if r := docs["stackoverflow.com:2030"]; r.URL != "https://stackoverflow.com/questions/2030" {
		t.Errorf("stackoverflow.com:2030 url %q", r.URL)
	}
	for _, s := range []string{
		"doc_dedup:duplicate                             1",
		"malformed-row                                   1",
		"meta-site                                       1",
		"orphan-answer                                   1",
		"post-type:tag-wiki                              1",
		"post-type:tag-wiki-excerpt                      2",
		"site-not-listed                                 1",
		"stackoverflow.com-Posts.7z/Posts.xml: record 6 (offset 3012)",
	} {
		if !strings.Contains(summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, summary)
		}
	}
}
