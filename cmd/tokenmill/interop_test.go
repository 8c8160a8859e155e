package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// interopBuild builds the embedded sample once for the interop tests and
// returns the output folder and its manifest.
func interopBuild(t *testing.T) (string, *manifest.Manifest) {
	t.Helper()
	out := t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: out, workers: 2})
	data, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Sources) < 2 {
		t.Fatalf("the sample built %d sources", len(m.Sources))
	}
	return out, &m
}

// TestShardsArrow reads every shard of a sample build with arrow-go's
// Parquet reader (an implementation independent of the writer's
// parquet-go): the schemas are the documented ones, row and token counts
// are the manifest's, the footer carries the tokenizer, framing, tool and
// recipe, and the output holds the tokenizer model the manifest names.
func TestShardsArrow(t *testing.T) {
	out, m := interopBuild(t)
	wantTok := "id: utf8, source: utf8, tokens: list<element: int32>, n_tokens: int32"
	wantDoc := "id: utf8, source: utf8, text: utf8, url: utf8, date: timestamp[ms, tz=UTC], lang: utf8, " +
		"lang_score: float32, perplexity: float32, bucket: utf8, quality: float32, meta: utf8"
	if m.Tokenizer == nil || m.Tokenizer.File != manifest.TokenizerFile || m.Tokenizer.ShardsHaveBOSEOS || m.Tool == "" {
		t.Fatalf("manifest tokenizer %+v, tool %q", m.Tokenizer, m.Tool)
	}
	model, err := os.ReadFile(filepath.Join(out, m.Tokenizer.File))
	if err != nil {
		t.Fatal(err)
	}
	if got := sha256Hex(model); got != m.Tokenizer.SHA256 {
		t.Errorf("%s has sha256 %s, the manifest says %s", m.Tokenizer.File, got, m.Tokenizer.SHA256)
	}
	for _, src := range m.Sources {
		var docs, tokens, textRows int64
		for _, sh := range src.Shards {
			pf, err := file.OpenParquetFile(filepath.Join(out, sh.Path), false)
			if err != nil {
				t.Fatalf("%s: %v", sh.Path, err)
			}
			kv := pf.MetaData().KeyValueMetadata()
			for k, want := range map[string]string{
				manifest.MetaTokenizerSHA256: m.Tokenizer.SHA256, manifest.MetaBOSEOS: "none",
				manifest.MetaTokenizerBOS: fmt.Sprint(m.Tokenizer.BOS), manifest.MetaTokenizerEOS: fmt.Sprint(m.Tokenizer.EOS),
				manifest.MetaTokenizerVocabSize: fmt.Sprint(m.Tokenizer.VocabSize),
				manifest.MetaRecipeSHA256:       m.RecipeSHA256, manifest.MetaTool: m.Tool,
			} {
				if v := kv.FindValue(k); v == nil || *v != want {
					t.Errorf("%s: footer %s = %v, want %q", sh.Path, k, v, want)
				}
			}
			fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := fr.ReadTable(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", sh.Path, err)
			}
			var fields []string
			for _, f := range tbl.Schema().Fields() {
				fields = append(fields, f.Name+": "+f.Type.String())
			}
			schema := strings.Join(fields, ", ")
			switch sh.Kind {
			case manifest.KindTokens:
				if schema != wantTok {
					t.Errorf("%s: schema %s, want %s", sh.Path, schema, wantTok)
				}
				docs += tbl.NumRows()
				for _, ch := range tbl.Column(3).Data().Chunks() {
					for _, v := range ch.(*array.Int32).Int32Values() {
						tokens += int64(v)
					}
				}
			case manifest.KindDocs:
				if schema != wantDoc {
					t.Errorf("%s: schema %s, want %s", sh.Path, schema, wantDoc)
				}
				textRows += tbl.NumRows()
				for _, ch := range tbl.Column(10).Data().Chunks() {
					s := ch.(*array.String)
					for i := 0; i < s.Len(); i++ {
						var meta map[string]string
						if err := json.Unmarshal([]byte(s.Value(i)), &meta); err != nil {
							t.Errorf("%s row %d: meta %q is not a JSON object of strings: %v", sh.Path, i, s.Value(i), err)
						}
					}
				}
			}
			tbl.Release()
			pf.Close()
		}
		if docs != src.Docs || tokens != src.Tokens {
			t.Errorf("%s: arrow reads %d documents and %d tokens, the manifest says %d and %d", src.Name, docs, tokens, src.Docs, src.Tokens)
		}
		if textRows != 0 && textRows != src.Docs {
			t.Errorf("%s: %d text rows, %d token rows", src.Name, textRows, src.Docs)
		}
	}
}

// TestShardsDuckDB reads the sample build's shards with DuckDB, as the
// README shows: per-source document and token counts are the manifest's,
// the token column is a list of INTEGER, and the meta column opens with
// DuckDB's JSON functions (Wikipedia's wiki_lang).
func TestShardsDuckDB(t *testing.T) {
	node, module := duckdb(t)
	out, m := interopBuild(t)
	script := `
const { DuckDBInstance } = require(process.argv[1]);
(async () => {
  const c = await (await DuckDBInstance.create()).connect();
  const q = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson();
  const dir = process.argv[2];
  const res = {
    counts: await q("SELECT source, count(*) AS docs, sum(n_tokens) AS tokens, sum(len(tokens)) AS listed FROM read_parquet('" + dir + "/tokens/*/**/*.parquet') GROUP BY source ORDER BY source"),
    types: await q("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('" + dir + "/tokens/*/**/*.parquet'))"),
    langs: await q("SELECT json_extract_string(meta, '$.wiki_lang') AS wl, count(*) AS n FROM read_parquet('" + dir + "/docs/wikipedia/**/*.parquet') GROUP BY 1 ORDER BY 1"),
  };
  console.log(JSON.stringify(res));
})().catch(e => { console.error(e); process.exit(1); });
`
	cmd := exec.Command(node, "-e", script, module, out)
	res, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("duckdb: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct {
		Counts []struct {
			Source string `json:"source"`
			Docs   string `json:"docs"`
			Tokens string `json:"tokens"`
			Listed string `json:"listed"`
		} `json:"counts"`
		Types []struct {
			Name string `json:"column_name"`
			Type string `json:"column_type"`
		} `json:"types"`
		Langs []struct {
			Lang *string `json:"wl"`
			N    string  `json:"n"`
		} `json:"langs"`
	}
	if err := json.Unmarshal(res, &got); err != nil {
		t.Fatalf("%v: %s", err, res)
	}
	want := map[string]string{}
	for _, s := range m.Sources {
		if s.Docs > 0 {
			want[s.Name] = fmt.Sprintf("%d docs %d tokens", s.Docs, s.Tokens)
		}
	}
	have := map[string]string{}
	for _, c := range got.Counts {
		have[c.Source] = fmt.Sprintf("%s docs %s tokens", c.Docs, c.Tokens)
		if c.Listed != c.Tokens {
			t.Errorf("%s: n_tokens sums to %s, the token lists hold %s", c.Source, c.Tokens, c.Listed)
		}
	}
	if fmt.Sprint(have) != fmt.Sprint(want) {
		t.Errorf("DuckDB counts %v, manifest %v", have, want)
	}
	var types []string
	for _, c := range got.Types {
		types = append(types, c.Name+" "+c.Type)
	}
	if s := strings.Join(types, ", "); s != "id VARCHAR, source VARCHAR, tokens INTEGER[], n_tokens INTEGER" {
		t.Errorf("token shard columns in DuckDB: %s", s)
	}
	var langs []string
	for _, l := range got.Langs {
		if l.Lang == nil {
			t.Errorf("%s Wikipedia rows have no wiki_lang in meta", l.N)
			continue
		}
		langs = append(langs, *l.Lang)
	}
	sort.Strings(langs)
	// The sample has an English and a German dump.
	if strings.Join(langs, " ") != "de en" {
		t.Errorf("wiki_lang values read through the meta column: %v, want [de en]", langs)
	}
}

// duckdb finds node and @duckdb/node-api as scripts/test.sh installs them
// (.tools/duckdb at the repository root, or TOKENMILL_DUCKDB_NODE); in CI
// (TOKENMILL_REQUIRE_SERVERS) their absence is a failure.
func duckdb(t *testing.T) (node, module string) {
	t.Helper()
	miss := t.Skipf
	if os.Getenv("TOKENMILL_REQUIRE_SERVERS") != "" {
		miss = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		miss("node is not installed; run scripts/test.sh to read the shards with DuckDB")
	}
	module = os.Getenv("TOKENMILL_DUCKDB_NODE")
	if module == "" {
		module, _ = filepath.Abs("../../.tools/duckdb/node_modules/@duckdb/node-api")
	}
	if _, err := os.Stat(module); err != nil {
		miss("%s missing; run scripts/test.sh (npm install @duckdb/node-api)", module)
	}
	return node, module
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
