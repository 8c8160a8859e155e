package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// TestGitHubFormats builds the embedded recipe's github chain over the same
// export written as BigQuery's NDJSON, Parquet and Avro, and shuffled
// NDJSON, with 1 and 3 workers: the token shards are byte-identical, and the
// sample's planted cases leave 8 files (sources/github/testdata/README.md).
func TestGitHubFormats(t *testing.T) {
	var want string
	for _, dir := range []string{"export-json", "export-parquet", "export-avro", "export-json-shuffled"} {
		for _, workers := range []int{1, 3} {
			out := filepath.Join(t.TempDir(), "out")
			build(t, defaultRegistry(), buildFlags{out: out, only: []string{"github"}, workers: workers,
				inputs: []string{"github=" + filepath.Join("../../sources/github/testdata", dir)}})
			m, err := manifest.Parse(outputFiles(t, out)["manifest.json"])
			if err != nil {
				t.Fatal(err)
			}
			var sums []string
			rows := 0
			for _, s := range m.Source("github").Shards {
				sums = append(sums, s.Path+" "+s.SHA256)
				if s.Kind == "tokens" {
					rows += int(s.Rows)
				}
			}
			got := strings.Join(sums, "\n")
			if rows != 8 {
				t.Errorf("%s: %d documents kept, want 8", dir, rows)
			}
			if want == "" {
				want = got
			} else if got != want {
				t.Errorf("%s, %d workers: shards\n%s\nwant (export-json)\n%s", dir, workers, got, want)
			}
		}
	}
}
