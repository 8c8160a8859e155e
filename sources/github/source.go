package github

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/tokenmill/tokenmill/pipeline"
)

// Spec describes the github source format in recipes.
var Spec = pipeline.Spec{
	Name: "github",
	Doc: "GitHub files from bigquery-public-data.github_repos: an export folder holding the files, contents " +
		"and licenses tables (BigQuery's newline-delimited JSON, Parquet or Avro, wildcard shards), joined on the " +
		"blob id under a memory budget. One document per files row: ID <repo_name>:<ref>:<path>, text the blob.",
	Fields: []pipeline.Field{
		{Name: "partitions", Type: pipeline.TypeInt, Default: 0, Min: pipeline.Bound(0), Max: pipeline.Bound(1 << 16),
			Doc: "hash partitions of the join, one input each; 0 chooses from the export's size and memory_bytes"},
		{Name: "memory_bytes", Type: pipeline.TypeInt, Default: 0, Min: pipeline.Bound(0),
			Doc: "memory one partition's join may hold; 0 means the build's budget, or 1 GiB"},
		{Name: "bigquery_project", Type: pipeline.TypeString, Default: "",
			Doc: "read from BigQuery instead of an export: the billing project (credentials the usual Google way)"},
		{Name: "bigquery_cache_dataset", Type: pipeline.TypeString, Default: "tokenmill_cache",
			Doc: "dataset of bigquery_project that keeps the query's result table, named after the query's digest; a rerun reads it instead of querying again"},
		{Name: "bigquery_dataset", Type: pipeline.TypeString, Default: "bigquery-public-data.github_repos",
			Doc: "the dataset holding the files, contents and licenses tables"},
		{Name: "bigquery_location", Type: pipeline.TypeString, Default: "US", Doc: "location of the query jobs"},
		{Name: "bigquery_licenses", Type: pipeline.TypeStrings, Default: DefaultLicenses,
			Doc: "licences kept, pushed into the SQL (keep it equal to code_files.licenses)"},
		{Name: "bigquery_extensions", Type: pipeline.TypeStrings, Default: DefaultExtensions(),
			Doc: "path suffixes kept, pushed into the SQL (keep it equal to code_files.extensions)"},
		{Name: "bigquery_max_size", Type: pipeline.TypeInt, Default: 1 << 20, Min: pipeline.Bound(1),
			Doc: "largest blob kept, in bytes, pushed into the SQL"},
		{Name: "bigquery_rows_per_input", Type: pipeline.TypeInt, Default: 200000, Min: pipeline.Bound(1),
			Doc: "result rows per input (the grain of the BigQuery path's tasks)"},
	},
}

// BigQueryConfig is what the bigquery_* options ask of the BigQuery path.
type BigQueryConfig struct {
	Project, CacheDataset, Dataset, Location string
	Licenses, Extensions                     []string
	MaxSize, RowsPerInput                    int64
	Source                                   string
}

// BigQueryFactory builds the BigQuery path (sources/github/bigquery.Factory).
type BigQueryFactory func(BigQueryConfig) (pipeline.Source, error)

// expansion is how much larger a partition's rows are in memory than the
// export's compressed bytes (gzip JSON of source code is about 4:1; Go
// strings and the join's slices roughly double that again).
const expansion = 8

// Source reads an export of github_repos; it implements pipeline.Source.
type Source struct {
	name       string
	partitions int
	memory     int64
	workers    int
	tempDir    string

	mu    sync.Mutex
	cache map[string]*prepared
}

// New returns a source. partitions 0 sizes them from memory (bytes one
// partition may hold); tempDir receives the spill files.
func New(name string, partitions int, memory int64, workers int, tempDir string) *Source {
	if memory <= 0 {
		memory = 1 << 30
	}
	if workers < 1 {
		workers = 1
	}
	return &Source{name: name, partitions: partitions, memory: memory, workers: workers, tempDir: tempDir, cache: map[string]*prepared{}}
}

// Register adds the github format to r, reading exports only.
func Register(r *pipeline.Registry) { RegisterWith(r, nil) }

// RegisterWith adds the github format to r; a recipe that sets
// bigquery_project reads through bq. The BigQuery client is a large
// dependency, so this package does not import it: the program passes it in.
func RegisterWith(r *pipeline.Registry, bq BigQueryFactory) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		if p := c.String("bigquery_project"); p != "" {
			if bq == nil {
				return nil, fmt.Errorf("github: bigquery_project is set but this program was built without the BigQuery client")
			}
			return bq(BigQueryConfig{Project: p, CacheDataset: c.String("bigquery_cache_dataset"),
				Dataset: c.String("bigquery_dataset"), Location: c.String("bigquery_location"),
				Licenses: c.Strings("bigquery_licenses"), Extensions: c.Strings("bigquery_extensions"),
				MaxSize: c.Int("bigquery_max_size"), RowsPerInput: c.Int("bigquery_rows_per_input"), Source: env.Source})
		}
		mem := c.Int("memory_bytes")
		if mem == 0 {
			mem = env.MemoryBytes
		}
		tmp := env.TempDir
		if tmp == "" {
			tmp = filepath.Join(".", "github-tmp")
		}
		return New(env.Source, int(c.Int("partitions")), mem, env.Workers, tmp), nil
	})
}

func (s *Source) partitionCount(shards []shard) int {
	if s.partitions > 0 {
		return s.partitions
	}
	var total int64
	for _, sh := range shards {
		if sh.Table != TableLicenses {
			total += sh.Size
		}
	}
	n := int((total*expansion + s.memory - 1) / s.memory)
	return max(n, 1)
}

// Inputs lists the export folder (one spec: the export is joined as a
// whole) and returns one input per hash partition of the join, named
// "part-00003-of-00016".
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	if len(specs) != 1 {
		return nil, fmt.Errorf("github: give one export folder (holding the files, contents and licenses tables), not %d inputs", len(specs))
	}
	shards, err := listExport(ctx, fs, specs[0])
	if err != nil {
		return nil, err
	}
	n := s.partitionCount(shards)
	var size int64
	for _, sh := range shards {
		size += sh.Size
	}
	out := make([]pipeline.Input, n)
	for q := range out {
		out[q] = pipeline.Input{URL: specs[0], Part: fmt.Sprintf("hash=%d/%d", q, n),
			Name: fmt.Sprintf("part-%05d-of-%05d", q, n), Size: size / int64(n)}
	}
	return out, nil
}

func parsePart(part string) (q, n int, err error) {
	a, b, ok := strings.Cut(strings.TrimPrefix(part, "hash="), "/")
	if ok {
		if q, err = strconv.Atoi(a); err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || q < 0 || q >= n {
		return 0, 0, fmt.Errorf("github: bad input part %q (want hash=Q/N)", part)
	}
	return q, n, nil
}

// Open joins one hash partition. The first Open of a build runs the
// prepass that partitions the export; the others wait for it and reuse it.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	q, n, err := parsePart(in.Part)
	if err != nil {
		return nil, err
	}
	shards, err := listExport(ctx, fs, in.URL)
	if err != nil {
		return nil, err
	}
	key := exportKey(shards, n)
	s.mu.Lock()
	p := s.cache[key]
	if p == nil {
		p = &prepared{dir: filepath.Join(s.tempDir, "github-"+key)}
		s.cache[key] = p
	}
	s.mu.Unlock()
	p.once.Do(func() {
		var mu sync.Mutex
		record := func(err error) {
			mu.Lock()
			p.skipped = append(p.skipped, err)
			mu.Unlock()
		}
		p.err = s.prepass(ctx, fs, shards, n, p, record)
	})
	if p.err != nil {
		return nil, p.err
	}
	if q == 0 && skip != nil {
		for _, err := range p.skipped {
			skip(err)
		}
	}
	rows, err := joinPartition(p, q)
	if err != nil {
		return nil, err
	}
	return &reader{rows: rows, source: s.name}, nil
}

// reader hands out a partition's joined rows in document ID order.
type reader struct {
	rows   []joined
	i      int
	source string
	d      *pipeline.Doc
}

func (r *reader) Next() bool {
	if r.i >= len(r.rows) {
		r.rows = nil
		return false
	}
	r.d = r.rows[r.i].doc(r.source)
	r.rows[r.i] = joined{}
	r.i++
	return true
}

func (r *reader) Doc() *pipeline.Doc { return r.d }
func (r *reader) Err() error         { return nil }
func (r *reader) Close() error       { r.rows = nil; return nil }
