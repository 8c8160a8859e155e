package stackexchange

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// xmlAttr escapes an attribute value the way the dumps do.
func xmlAttr(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;", "\n", "&#xA;", "\r", "&#xD;")
	return r.Replace(s)
}

// synthPosts makes n questions with up to 6 answers each (scores from -3
// to 12, so ties and 9 against 10 happen), some orphan answers and tag
// wiki posts, as rows in question order.
func synthPosts(rng *rand.Rand, n int) []string {
	var rows []string
	id := 1
	for i := 0; i < n; i++ {
		qid := id
		id++
		rows = append(rows, fmt.Sprintf(`  <row Id="%d" PostTypeId="1" CreationDate="2020-01-02T03:04:05.678" Score="%d" Body="%s" Title="%s" Tags="%s" />`,
			qid, rng.Intn(30)-5, xmlAttr(fmt.Sprintf("<p>Question %d body with <code>x &lt; %d</code>.</p>\n<pre><code>line one\n  line %d\n</code></pre>\n", qid, i, i)),
			xmlAttr(fmt.Sprintf("Question %d?", qid)), xmlAttr("<t1><t2>")))
		for k := rng.Intn(7); k > 0; k-- {
			rows = append(rows, fmt.Sprintf(`  <row Id="%d" PostTypeId="2" ParentId="%d" Score="%d" Body="%s" />`,
				id, qid, rng.Intn(16)-3, xmlAttr(fmt.Sprintf("<p>Answer %d to %d.</p>\n<ul><li>item</li></ul>\n", id, qid))))
			id++
		}
		switch rng.Intn(20) {
		case 0:
			rows = append(rows, fmt.Sprintf(`  <row Id="%d" PostTypeId="2" ParentId="%d" Score="1" Body="orphan" />`, id, 1000000+id))
			id++
		case 1:
			rows = append(rows, fmt.Sprintf(`  <row Id="%d" PostTypeId="4" Score="0" Body="wiki" />`, id))
			id++
		}
	}
	return rows
}

func postsXML(rows []string) string {
	return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n" + strings.Join(rows, "\n") + "\n</posts>\n"
}

// readAll runs a Reader over a Posts.xml held in memory and renders its
// documents and its skipped records (without offsets and row indexes,
// which depend on the order of the rows).
func readAll(t *testing.T, xml string, opts Options) (string, *Reader) {
	t.Helper()
	var skips []string
	skip := func(err error) { skips = append(skips, pipeline.SkipReason(err)) }
	r := NewReader(context.Background(), "mem", strings.NewReader(xml), nil, nil, skip, opts)
	var b strings.Builder
	for r.Next() {
		d := r.Doc()
		fmt.Fprintf(&b, "%s %s %s %s %s\n%s\n", d.ID, d.Meta["score"], d.Meta["tags"], d.Meta["answer_ids"], d.Date, d.Text)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(skips)
	fmt.Fprintf(&b, "skipped %v\n", skips)
	return b.String(), r
}

// TestJoinSpills: under a tiny memory cap the join spills many runs and
// merges them, and the documents are those of the unlimited join, whatever
// the order of the rows (answers before questions included).
func TestJoinSpills(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	rows := synthPosts(rng, 300)
	opts := Options{Site: "x.stackexchange.com", KeepUnanswered: true, TempDir: t.TempDir()}
	want, r := readAll(t, postsXML(rows), opts)
	if r.j.Spills != 0 {
		t.Fatalf("the default cap spilled %d runs", r.j.Spills)
	}
	r.Close()
	if strings.Count(want, "\nQ: ") < 299 {
		t.Fatalf("too few documents:\n%.2000s", want)
	}
	for _, order := range []string{"file", "shuffled", "reversed"} {
		for _, memory := range []int64{1, 4 << 10, 64 << 10} {
			t.Run(fmt.Sprintf("%s/%d", order, memory), func(t *testing.T) {
				rs := slices.Clone(rows)
				switch order {
				case "shuffled":
					rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
				case "reversed":
					slices.Reverse(rs)
				}
				o := opts
				o.MemoryBytes = memory
				o.TempDir = t.TempDir()
				got, r := readAll(t, postsXML(rs), o)
				if r.j.Spills < 2 {
					t.Errorf("%d spills under a %d-byte cap", r.j.Spills, memory)
				}
				if err := r.Close(); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("differs from the unlimited, ordered join: %s", diffLines(want, got))
				}
				if left, _ := os.ReadDir(o.TempDir); len(left) != 0 {
					t.Errorf("Close left %d entries in the temp folder", len(left))
				}
			})
		}
	}
}

// TestJoinPlantedSpills: the planted fixture read with a 1-byte cap (a run
// per post) gives the golden output of the unlimited read.
func TestJoinPlantedSpills(t *testing.T) {
	src := &Source{Opts: Options{KeepUnanswered: true, MemoryBytes: 1, TempDir: t.TempDir()}}
	checkGolden(t, "cooking", dump(t, src, "testdata/extracted/cooking.stackexchange.com/Posts.xml"))
}

// TestAnswerOrder: numeric score, highest first ("10" before "9", negative
// scores last), then answer Id ascending.
func TestAnswerOrder(t *testing.T) {
	recs := []record{
		{QID: 5, Kind: kindAnswer, ID: 9, Score: 9},
		{QID: 5, Kind: kindAnswer, ID: 8, Score: -1},
		{QID: 5, Kind: kindAnswer, ID: 7, Score: 10},
		{QID: 5, Kind: kindAnswer, ID: 12, Score: 2},
		{QID: 5, Kind: kindAnswer, ID: 11, Score: 2},
		{QID: 5, Kind: kindQuestion, ID: 5, Score: -7},
		{QID: 4, Kind: kindAnswer, ID: 6, Score: 100},
		{QID: 5, Kind: kindAnswer, ID: 13, Score: -10},
	}
	slices.SortFunc(recs, func(a, b record) int { return compareRecords(&a, &b) })
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d/%d/%d", r.QID, r.ID, r.Score))
	}
	want := []string{"4/6/100", "5/5/-7", "5/7/10", "5/9/9", "5/11/2", "5/12/2", "5/8/-1", "5/13/-10"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// TestRunRoundTrip: a record survives the run encoding.
func TestRunRoundTrip(t *testing.T) {
	j := newJoiner(1, t.TempDir())
	in := []record{
		{QID: -1, Kind: kindQuestion, Score: -9, ID: 1 << 40, Date: "d", Title: "t\x00", Text: strings.Repeat("é", 1000), Tags: "a,b", Row: 3, Off: 99},
		{QID: 2, Kind: kindAnswer, Score: 1 << 50, ID: 3, Row: 0, Off: 0},
	}
	for _, r := range in {
		if err := j.add(r); err != nil {
			t.Fatal(err)
		}
	}
	it, err := j.finish()
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	defer it.Close()
	for i := range in {
		r, ok, err := it.next()
		if err != nil || !ok || *r != in[i] {
			t.Fatalf("record %d: %+v %v %v", i, r, ok, err)
		}
	}
	if _, ok, _ := it.next(); ok {
		t.Error("extra record")
	}
}
