package github

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
)

// Format is how a table shard is encoded.
type Format int

// The formats BigQuery exports a table in.
const (
	FormatNDJSON Format = iota
	FormatParquet
	FormatAvro
)

// shard is one file of one exported table.
type shard struct {
	URL    string
	Size   int64
	ETag   string
	Table  Table
	Format Format
}

// classify names the table and format of a file of an export folder, from
// its base name or the folder holding it: BigQuery's wildcard exports are
// named like "files-000000000000.json.gz", "contents-000000000003.parquet",
// "licenses-000000000000.avro", or sit in folders named after the table.
// Files that are none of these (a README, a _SUCCESS marker) are not shards.
func classify(u string) (Table, Format, bool) {
	p, _, _ := strings.Cut(u, "?")
	base := path.Base(p)
	lower := strings.ToLower(base)
	var f Format
	switch {
	case strings.HasSuffix(lower, ".parquet"):
		f = FormatParquet
	case strings.HasSuffix(lower, ".avro"):
		f = FormatAvro
	default:
		t := lower
		for _, c := range []string{".gz", ".gzip", ".zst", ".bz2", ".xz"} {
			t = strings.TrimSuffix(t, c)
		}
		if !(strings.HasSuffix(t, ".json") || strings.HasSuffix(t, ".jsonl") || strings.HasSuffix(t, ".ndjson")) {
			return 0, 0, false
		}
		f = FormatNDJSON
	}
	for _, t := range []Table{TableFiles, TableContents, TableLicenses} {
		name := t.String()
		if strings.HasPrefix(lower, name+"-") || strings.HasPrefix(lower, name+"_") || strings.HasPrefix(lower, name+".") {
			return t, f, true
		}
		if strings.Contains(p, "/"+name+"/") {
			return t, f, true
		}
	}
	return 0, 0, false
}

// listExport finds the shards of the three tables under the folder dir, in
// URL order. Every table must have at least one shard.
func listExport(ctx context.Context, fs pipeline.Files, dir string) ([]shard, error) {
	files, err := fs.List(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("github export %s: %w", dir, err)
	}
	var out []shard
	var have [3]bool
	for _, f := range files {
		t, fm, ok := classify(f.URL)
		if !ok {
			continue
		}
		have[t] = true
		out = append(out, shard{URL: f.URL, Size: f.Size, ETag: f.ETag, Table: t, Format: fm})
	}
	for t, ok := range have {
		if !ok {
			return nil, fmt.Errorf("github export %s: no shard of the %s table (want %s-*.json.gz, .parquet or .avro)", dir, Table(t), Table(t))
		}
	}
	return out, nil
}

// rowReader is the common shape of the three format readers.
type rowReader interface {
	Next(r *Row) bool
	Err() error
	Close() error
}

// openShard opens one shard for reading rows. tmpDir receives a copy of a
// remote Parquet file (Parquet needs random access).
func openShard(ctx context.Context, fs pipeline.Files, sh shard, tmpDir string, skip pipeline.SkipFunc) (rowReader, error) {
	if sh.Format == FormatParquet {
		local := ""
		if !strings.Contains(sh.URL, "://") {
			local = sh.URL
		} else if strings.HasPrefix(sh.URL, "file://") {
			local = strings.TrimPrefix(sh.URL, "file://")
		}
		spool := func() (string, error) {
			r, err := fs.Open(ctx, sh.URL)
			if err != nil {
				return "", err
			}
			defer r.Close()
			f, err := os.CreateTemp(tmpDir, "parquet-*")
			if err != nil {
				return "", err
			}
			if _, err := io.Copy(f, r); err != nil {
				f.Close()
				os.Remove(f.Name())
				return "", fmt.Errorf("%s: %w", sh.URL, err)
			}
			return f.Name(), f.Close()
		}
		return newParquetReader(sh.URL, sh.Table, local, spool, skip)
	}
	r, err := fs.Open(ctx, sh.URL)
	if err != nil {
		return nil, err
	}
	if sh.Format == FormatAvro {
		return newAvroReader(sh.URL, sh.Table, r, skip)
	}
	return newNDJSONReader(sh.URL, sh.Table, r, skip)
}
