package parquet

import (
	"context"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	pq "github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

func testDocs() []*pipeline.Doc {
	return []*pipeline.Doc{
		{ID: "a", Source: "cc", Text: "first text", URL: "http://a.test/", Date: time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC),
			Lang: "en", LangScore: 0.9, Meta: map[string]string{"k": "v"}, Tokens: []int32{5, 6, 7}},
		{ID: "b", Source: "cc", Text: "zweiter Text", Lang: "de", LangScore: 0.75, Tokens: []int32{}},
		{ID: "c", Source: "cc", Text: "third ünïcode", Perplexity: 321.5, Bucket: "head", Quality: 0.5, Tokens: []int32{1 << 20, 2}},
	}
}

func writeBoth(t *testing.T, dir string, rowGroup int64) (Info, Info) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	dw, _ := st.Create(ctx, "docs/cc/x.parquet")
	tw, _ := st.Create(ctx, "tokens/cc/x.parquet")
	o := Options{RowGroupBytes: rowGroup, Metadata: map[string]string{manifest.MetaTokenizerSHA256: "abc"}}
	d, tk := NewDocWriter(dw, "docs/cc/x.parquet", o), NewTokenWriter(tw, "tokens/cc/x.parquet", o)
	for _, doc := range testDocs() {
		if err := d.WriteDoc(doc); err != nil {
			t.Fatal(err)
		}
		if err := tk.WriteTokens(doc); err != nil {
			t.Fatal(err)
		}
	}
	di, err := d.Close()
	if err != nil {
		t.Fatal(err)
	}
	ti, err := tk.Close()
	if err != nil {
		t.Fatal(err)
	}
	return di, ti
}

func TestRoundTripParquetGo(t *testing.T) {
	dir := t.TempDir()
	di, ti := writeBoth(t, dir, 0)
	if di.Rows != 3 || ti.Rows != 3 || ti.Tokens != 5 || len(di.SHA256) != 64 {
		t.Fatalf("infos %+v %+v", di, ti)
	}
	rows, err := pq.ReadFile[manifest.TokenRow](dir + "/tokens/cc/x.parquet")
	if err != nil {
		t.Fatal(err)
	}
	want := []manifest.TokenRow{
		{ID: "a", Source: "cc", Tokens: []int32{5, 6, 7}, NTokens: 3},
		{ID: "b", Source: "cc", Tokens: nil, NTokens: 0},
		{ID: "c", Source: "cc", Tokens: []int32{1 << 20, 2}, NTokens: 2},
	}
	for i := range rows {
		if len(rows[i].Tokens) == 0 {
			rows[i].Tokens = nil
		}
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("tokens: got %+v want %+v", rows, want)
	}
	docs, err := pq.ReadFile[manifest.DocRow](dir + "/docs/cc/x.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if docs[0].Date == nil || !docs[0].Date.Equal(time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)) || docs[1].Date != nil {
		t.Errorf("dates %v %v", docs[0].Date, docs[1].Date)
	}
	if docs[0].Meta != `{"k":"v"}` || docs[2].Bucket != "head" || docs[2].Perplexity != 321.5 || docs[1].Text != "zweiter Text" {
		t.Errorf("docs %+v", docs)
	}
	// Same rows, same bytes: the digest is a function of the content.
	dir2 := t.TempDir()
	di2, ti2 := writeBoth(t, dir2, 0)
	if di2.SHA256 != di.SHA256 || ti2.SHA256 != ti.SHA256 {
		t.Error("writing the same rows twice gave different bytes")
	}
}

// TestArrowReadsShards reads both kinds with Arrow's pqarrow, an independent
// Parquet implementation, and checks the same rows come back.
func TestArrowReadsShards(t *testing.T) {
	dir := t.TempDir()
	writeBoth(t, dir, 1) // a row group per row: readers must stitch them
	f, err := os.Open(dir + "/tokens/cc/x.parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRowGroups() != 3 {
		t.Errorf("row groups %d, want 3", pf.NumRowGroups())
	}
	if v := pf.MetaData().KeyValueMetadata().FindValue(manifest.MetaTokenizerSHA256); v == nil || *v != "abc" {
		t.Errorf("key/value metadata lost: %v", v)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got := tbl.Schema().String(); got != "schema:\n  fields: 4\n    - id: type=utf8\n    - source: type=dictionary<values=utf8, indices=int32, ordered=false>\n    - tokens: type=list<element: int32, nullable>\n    - n_tokens: type=int32" {
		// The exact Arrow schema is what pyarrow and HF datasets see.
		t.Logf("schema %s", got)
	}
	tr := array.NewTableReader(tbl, 10)
	defer tr.Release()
	var ids []string
	var toks [][]int32
	for tr.Next() {
		rec := tr.Record()
		idc := rec.Column(0).(*array.String)
		lc := rec.Column(2).(*array.List)
		vals := lc.ListValues().(*array.Int32)
		for i := 0; i < int(rec.NumRows()); i++ {
			ids = append(ids, idc.Value(i))
			s, e := lc.ValueOffsets(i)
			toks = append(toks, append([]int32{}, vals.Int32Values()[s:e]...))
		}
	}
	if !reflect.DeepEqual(ids, []string{"a", "b", "c"}) || !reflect.DeepEqual(toks, [][]int32{{5, 6, 7}, {}, {1 << 20, 2}}) {
		t.Errorf("arrow read ids %v tokens %v", ids, toks)
	}
}
