package github

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/pipeline"
)

// duckdbModule finds @duckdb/node-api as scripts/test.sh installs it
// (.tools/duckdb at the repository root), or where TOKENMILL_DUCKDB_NODE
// points.
func duckdbModule(t *testing.T) (node, module string) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIP: node is not installed; the SQL of the BigQuery path is not checked (scripts/test.sh installs it)")
	}
	module = os.Getenv("TOKENMILL_DUCKDB_NODE")
	if module == "" {
		module, _ = filepath.Abs("../../.tools/duckdb/node_modules/@duckdb/node-api")
	}
	if _, err := os.Stat(module); err != nil {
		t.Skipf("SKIP: %s missing; run scripts/test.sh (npm install @duckdb/node-api) to check the BigQuery SQL with DuckDB", module)
	}
	return node, module
}

// TestQueryDuckDB runs the BigQuery path's SQL (in DuckDB's dialect: table
// names and quoting only) on the fixture tables (the Parquet export) and
// checks that it keeps exactly the documents the export path keeps after
// code_files and doc_dedup, with the same survivor of the duplicated blob.
func TestQueryDuckDB(t *testing.T) {
	node, module := duckdbModule(t)
	sql := Query(QueryOptions{Licenses: DefaultLicenses, Extensions: DefaultExtensions(), MaxSize: 1 << 20, DuckDB: true})
	dir, _ := filepath.Abs("testdata/export-parquet")
	script := `
const { DuckDBInstance } = require(process.argv[1]);
(async () => {
  const c = await (await DuckDBInstance.create()).connect();
  for (const t of ['files', 'contents', 'licenses'])
    await c.run("CREATE TABLE " + t + " AS SELECT * FROM '" + process.argv[2] + "/" + t + "-000000000000.parquet'");
  const rows = (await c.runAndReadAll(process.argv[3])).getRowObjectsJson();
  console.log(JSON.stringify(rows));
})().catch(e => { console.error(e); process.exit(1); });
`
	out, err := exec.Command(node, "-e", script, module, dir, sql).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("duckdb: %v\n%s\nSQL:\n%s", err, ee.Stderr, sql)
		}
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got []string
	for _, r := range rows {
		str := func(k string) string { s, _ := r[k].(string); return s }
		d, err := BlobDoc("github", Row{RepoName: str("repo_name"), Ref: str("ref"), Path: str("path"), ID: str("id"),
			License: str("license"), Content: str("content"), HasContent: true})
		if err != nil {
			got = append(got, "skip "+pipeline.SkipReason(err))
			continue
		}
		got = append(got, d.ID)
	}
	sort.Strings(got)

	// The export path: join, code_files, then the first copy of each text.
	s := New("github", 1, 0, 1, t.TempDir())
	fs := pipeline.NewStores()
	ins, err := s.Inputs(context.Background(), fs, []string{"testdata/export-parquet"})
	if err != nil {
		t.Fatal(err)
	}
	cf := heuristics.NewCodeFiles(DefaultLicenses, DefaultExtensions())
	var want []string
	seen := map[string]bool{}
	r, err := s.Open(context.Background(), fs, ins[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		d := r.Doc()
		if drop, _ := cf.Process(d); drop != "" || seen[d.Text] {
			continue
		}
		seen[d.Text] = true
		want = append(want, d.ID)
	}
	// The corrupt row is in the SQL's result (BigQuery does not hash
	// contents) and skipped by the reader; the export path skipped it in the
	// join, leaving its file without content.
	want = append(want, "skip github-blob-sha1")
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SQL keeps\n%s\nexport path keeps\n%s\nSQL:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), sql)
	}
	if !strings.Contains(strings.Join(got, "\n"), "golang/go:refs/heads/master:src/sort/search.go") ||
		strings.Contains(strings.Join(got, "\n"), "mirror/gosort:refs/heads/main:sort/search.go") {
		t.Errorf("the duplicated blob's survivor is not golang/go's copy")
	}
}
