package bigquery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	bq "cloud.google.com/go/bigquery"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/github"
)

// Config says which query to run and where its result is kept.
type Config struct {
	// Project is the billing project that runs the query and holds the
	// cache dataset.
	Project string
	// CacheDataset is the dataset (in Project) that keeps the result tables.
	CacheDataset string
	// Location of the jobs ("US" for the public dataset).
	Location string
	// Query is the join and its limits.
	Query github.QueryOptions
	// RowsPerInput is the size of one input's range of result rows.
	RowsPerInput int64
	// PageRows is the page size of tabledata.list.
	PageRows int
	// Source is the recipe's source name, for Doc.Source.
	Source string
	// ClientOptions are passed to bigquery.NewClient (credentials the usual
	// Google way by default; tests give an endpoint and no authentication).
	ClientOptions []option.ClientOption
}

// Source reads the query's result table; it implements pipeline.Source.
type Source struct {
	cfg Config
	sql string
	key string
}

// New returns a source for cfg.
func New(cfg Config) *Source {
	if cfg.RowsPerInput <= 0 {
		cfg.RowsPerInput = 200_000
	}
	if cfg.PageRows <= 0 {
		cfg.PageRows = 1000
	}
	sql := github.Query(cfg.Query)
	sum := sha256.Sum256([]byte(sql))
	return &Source{cfg: cfg, sql: sql, key: hex.EncodeToString(sum[:8])}
}

// Factory builds the BigQuery path from the github source's options; pass
// it to github.RegisterWith.
func Factory(c github.BigQueryConfig) (pipeline.Source, error) {
	if c.Project == "" || c.CacheDataset == "" {
		return nil, fmt.Errorf("github: bigquery_project and bigquery_cache_dataset are required to read from BigQuery")
	}
	return New(Config{Project: c.Project, CacheDataset: c.CacheDataset, Location: c.Location,
		Query:        github.QueryOptions{Dataset: c.Dataset, Licenses: c.Licenses, Extensions: c.Extensions, MaxSize: c.MaxSize},
		RowsPerInput: c.RowsPerInput, Source: c.Source}), nil
}

// SQL is the query the source runs.
func (s *Source) SQL() string { return s.sql }

// TableID is the result table's name: github_ and the query's digest.
func (s *Source) TableID() string { return "github_" + s.key }

func (s *Source) client(ctx context.Context) (*bq.Client, error) {
	c, err := bq.NewClient(ctx, s.cfg.Project, s.cfg.ClientOptions...)
	if err != nil {
		return nil, fmt.Errorf("bigquery: %w", err)
	}
	if s.cfg.Location != "" {
		c.Location = s.cfg.Location
	}
	return c, nil
}

func notFound(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusNotFound
}

func conflict(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusConflict
}

// ensure returns the number of rows of the result table, running the
// query only when the table does not exist yet.
func (s *Source) ensure(ctx context.Context, c *bq.Client) (int64, error) {
	t := c.Dataset(s.cfg.CacheDataset).Table(s.TableID())
	md, err := t.Metadata(ctx)
	if err == nil {
		return int64(md.NumRows), nil
	}
	if !notFound(err) {
		return 0, fmt.Errorf("bigquery: result table %s: %w", s.TableID(), err)
	}
	q := c.Query(s.sql)
	q.Dst = t
	q.WriteDisposition = bq.WriteEmpty
	q.CreateDisposition = bq.CreateIfNeeded
	q.JobID = "tokenmill_" + s.TableID()
	job, err := q.Run(ctx)
	if conflict(err) {
		// The same query already runs or ran under this job id: wait for it.
		job, err = c.JobFromID(ctx, q.JobID)
	}
	if err != nil {
		return 0, fmt.Errorf("bigquery: query job: %w", err)
	}
	st, err := job.Wait(ctx)
	if err == nil {
		err = st.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("bigquery: query job %s: %w", job.ID(), err)
	}
	md, err = t.Metadata(ctx)
	if err != nil {
		return 0, fmt.Errorf("bigquery: result table %s: %w", s.TableID(), err)
	}
	return int64(md.NumRows), nil
}

// Inputs runs (or finds) the query's result and splits it into ranges of
// rows, named "rows-000000000000-000000199999". The specs are ignored: the
// query is the input.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	c, err := s.client(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	n, err := s.ensure(ctx, c)
	if err != nil {
		return nil, err
	}
	url := "bigquery://" + s.cfg.Project + "/" + s.cfg.CacheDataset + "/" + s.TableID()
	var out []pipeline.Input
	for lo := int64(0); lo < n; lo += s.cfg.RowsPerInput {
		hi := min(lo+s.cfg.RowsPerInput, n) - 1
		out = append(out, pipeline.Input{URL: url, Part: fmt.Sprintf("rows=%d-%d", lo, hi),
			Name: fmt.Sprintf("rows-%012d-%012d", lo, hi)})
	}
	return out, nil
}

// row is one result row.
type row struct {
	RepoName string        `bigquery:"repo_name"`
	Ref      string        `bigquery:"ref"`
	Path     string        `bigquery:"path"`
	Mode     bq.NullInt64  `bigquery:"mode"`
	ID       string        `bigquery:"id"`
	License  string        `bigquery:"license"`
	Size     bq.NullInt64  `bigquery:"size"`
	Content  bq.NullString `bigquery:"content"`
}

// Open reads one range of the result table, a page at a time.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	lo, hi, ok := strings.Cut(strings.TrimPrefix(in.Part, "rows="), "-")
	a, err1 := strconv.ParseInt(lo, 10, 64)
	b, err2 := strconv.ParseInt(hi, 10, 64)
	if !ok || err1 != nil || err2 != nil || b < a {
		return nil, fmt.Errorf("bigquery: bad input part %q", in.Part)
	}
	c, err := s.client(ctx)
	if err != nil {
		return nil, err
	}
	it := c.Dataset(s.cfg.CacheDataset).Table(s.TableID()).Read(ctx)
	it.StartIndex = uint64(a)
	it.PageInfo().MaxSize = s.cfg.PageRows
	return &reader{c: c, it: it, left: b - a + 1, source: s.cfg.Source, url: in.URL, next: a, skip: skip}, nil
}

type reader struct {
	c      *bq.Client
	it     *bq.RowIterator
	left   int64
	next   int64
	source string
	url    string
	skip   pipeline.SkipFunc
	d      *pipeline.Doc
	err    error
}

func (r *reader) Next() bool {
	for r.err == nil && r.left > 0 {
		var x row
		err := r.it.Next(&x)
		if err == iterator.Done {
			r.err = fmt.Errorf("bigquery: %s ends %d rows before its range", r.url, r.left)
			return false
		}
		if err != nil {
			r.err = fmt.Errorf("bigquery: %s row %d: %w", r.url, r.next, err)
			return false
		}
		r.left--
		idx := r.next
		r.next++
		if !x.Content.Valid || x.ID == "" {
			if r.skip != nil {
				r.skip(&pipeline.RecordError{Path: r.url, Record: strconv.FormatInt(idx, 10),
					Err: pipeline.Corruptf("github-missing-column", "result row without content or id")})
			}
			continue
		}
		d, err := github.BlobDoc(r.source, github.Row{RepoName: x.RepoName, Ref: x.Ref, Path: x.Path, ID: x.ID,
			Mode: x.Mode.Int64, HasMode: x.Mode.Valid, License: x.License, Content: x.Content.StringVal, HasContent: true, Size: x.Size.Int64})
		if err != nil {
			if r.skip != nil {
				r.skip(&pipeline.RecordError{Path: r.url, Record: strconv.FormatInt(idx, 10), Err: err})
			}
			continue
		}
		r.d = d
		return true
	}
	return false
}

func (r *reader) Doc() *pipeline.Doc { return r.d }
func (r *reader) Err() error         { return r.err }
func (r *reader) Close() error {
	r.c.Close()
	return r.err
}
