package bigquery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"google.golang.org/api/option"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/github"
)

// fakeBQ speaks the part of the BigQuery REST API (v2) the client uses for
// a query into a destination table and reading that table back: tables.get,
// jobs.insert, jobs.get / jobs.getQueryResults, tabledata.list with paging.
type fakeBQ struct {
	mu      sync.Mutex
	t       *testing.T
	rows    [][]any // repo_name, ref, path, mode, id, license, size, content
	table   string  // the result table, once a job made it
	inserts int
	pages   int
	log     []string
	sql     string
	// running is the id of a job another planner started, not yet done:
	// inserting it again is a 409, and it makes the table when polled.
	running, pending string
}

var schema = map[string]any{"fields": []map[string]any{
	{"name": "repo_name", "type": "STRING", "mode": "NULLABLE"},
	{"name": "ref", "type": "STRING", "mode": "NULLABLE"},
	{"name": "path", "type": "STRING", "mode": "NULLABLE"},
	{"name": "mode", "type": "INTEGER", "mode": "NULLABLE"},
	{"name": "id", "type": "STRING", "mode": "NULLABLE"},
	{"name": "license", "type": "STRING", "mode": "NULLABLE"},
	{"name": "size", "type": "INTEGER", "mode": "NULLABLE"},
	{"name": "content", "type": "STRING", "mode": "NULLABLE"},
}}

func (f *fakeBQ) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, r.Method+" "+r.URL.Path)
	w.Header().Set("Content-Type", "application/json")
	send := func(code int, v any) {
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(v)
	}
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	job := func(id string) map[string]any {
		return map[string]any{"jobReference": map[string]any{"projectId": "proj", "jobId": id, "location": "US"},
			"status": map[string]any{"state": "DONE"}, "configuration": map[string]any{"query": map[string]any{"query": f.sql}},
			"statistics": map[string]any{"query": map[string]any{}}}
	}
	switch {
	// tables.get and tabledata.list: /projects/proj/datasets/cache/tables/T[/data]
	case len(p) >= 6 && p[2] == "datasets" && p[4] == "tables":
		if p[5] != f.table {
			send(404, map[string]any{"error": map[string]any{"code": 404, "message": "Not found: Table " + p[5], "status": "NOT_FOUND"}})
			return
		}
		if len(p) == 6 {
			send(200, map[string]any{"tableReference": map[string]any{"projectId": "proj", "datasetId": "cache", "tableId": f.table},
				"schema": schema, "numRows": strconv.Itoa(len(f.rows)), "type": "TABLE"})
			return
		}
		f.pages++
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		if tok := r.URL.Query().Get("pageToken"); tok != "" {
			start, _ = strconv.Atoi(tok)
		}
		n, _ := strconv.Atoi(r.URL.Query().Get("maxResults"))
		if n == 0 {
			n = 100
		}
		end := min(start+n, len(f.rows))
		var out []map[string]any
		for _, row := range f.rows[start:end] {
			var cells []map[string]any
			for _, v := range row {
				cells = append(cells, map[string]any{"v": v})
			}
			out = append(out, map[string]any{"f": cells})
		}
		resp := map[string]any{"totalRows": strconv.Itoa(len(f.rows)), "rows": out}
		if end < len(f.rows) {
			resp["pageToken"] = strconv.Itoa(end)
		}
		send(200, resp)
	// jobs.insert
	case len(p) == 3 && p[2] == "jobs" && r.Method == "POST":
		body, _ := io.ReadAll(r.Body)
		var req struct {
			JobReference  struct{ JobID string } `json:"jobReference"`
			Configuration struct {
				Query struct {
					Query            string
					DestinationTable struct{ TableID string } `json:"destinationTable"`
					UseLegacySQL     *bool                    `json:"useLegacySql"`
				}
			}
		}
		json.Unmarshal(body, &req)
		f.inserts++
		if req.JobReference.JobID == f.running {
			send(409, map[string]any{"error": map[string]any{"code": 409, "message": "Already Exists: Job proj:US." + f.running, "status": "ALREADY_EXISTS"}})
			return
		}
		f.sql = req.Configuration.Query.Query
		f.table = req.Configuration.Query.DestinationTable.TableID
		send(200, job(req.JobReference.JobID))
	// jobs.get and jobs.getQueryResults
	case len(p) == 4 && (p[2] == "jobs" || p[2] == "queries"):
		if p[2] == "queries" {
			send(200, map[string]any{"jobReference": map[string]any{"projectId": "proj", "jobId": p[3], "location": "US"},
				"jobComplete": true, "schema": schema, "totalRows": strconv.Itoa(len(f.rows))})
			return
		}
		if p[3] == f.running {
			f.table, f.running = f.pending, ""
		}
		send(200, job(p[3]))
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		send(400, map[string]any{"error": map[string]any{"code": 400, "message": "unexpected"}})
	}
}

// TestLoopback runs the BigQuery path against the fake: the first Inputs
// runs one job into github_<digest>; a second source (a rerun) finds the
// table and runs none; Open pages through tabledata.list and returns the
// documents the export path makes of the same rows.
func TestLoopback(t *testing.T) {
	content := map[string]string{"a.go": "package a\n", "b.py": "print(1)\n", "c.js": "f()\n", "d.c": "int x;\n", "e.sh": "ls\n"}
	fake := &fakeBQ{t: t}
	var want []string
	for _, p := range []string{"a.go", "b.py", "c.js", "d.c", "e.sh"} {
		d, err := github.BlobDoc("github", github.Row{RepoName: "o/r", Ref: "refs/heads/main", Path: p, ID: blob(content[p]),
			Mode: 0o100644, HasMode: true, License: "mit", Content: content[p], HasContent: true})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, fmt.Sprintf("%s %v %q", d.ID, d.Meta, d.Text))
		fake.rows = append(fake.rows, []any{"o/r", "refs/heads/main", p, strconv.Itoa(0o100644), blob(content[p]), "mit", strconv.Itoa(len(content[p])), content[p]})
	}
	// A row whose content does not hash to its id is skipped, counted.
	fake.rows = append(fake.rows, []any{"o/r", "refs/heads/main", "bad.go", "33188", blob("x"), "mit", "1", "y"})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := Config{Project: "proj", CacheDataset: "cache", Location: "US", RowsPerInput: 4, PageRows: 2, Source: "github",
		Query:         github.QueryOptions{Dataset: "bigquery-public-data.github_repos", Licenses: github.DefaultLicenses, Extensions: github.DefaultExtensions(), MaxSize: 1 << 20},
		ClientOptions: []option.ClientOption{option.WithEndpoint(srv.URL), option.WithoutAuthentication()}}
	ctx := context.Background()
	s := New(cfg)
	ins, err := s.Inputs(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fake.inserts != 1 || fake.sql != s.SQL() || fake.table != s.TableID() || !strings.HasPrefix(s.TableID(), "github_") {
		t.Fatalf("inserts %d, table %q (want %q), sql sent == SQL(): %v", fake.inserts, fake.table, s.TableID(), fake.sql == s.SQL())
	}
	if len(ins) != 2 || ins[0].Part != "rows=0-3" || ins[1].Part != "rows=4-5" || ins[0].Name != "rows-000000000000-000000000003" {
		t.Fatalf("inputs %+v", ins)
	}
	// A rerun: the table is there, no second job.
	if _, err := New(cfg).Inputs(ctx, nil, nil); err != nil || fake.inserts != 1 {
		t.Fatalf("rerun: err %v, %d jobs inserted (want 1)", err, fake.inserts)
	}
	var got, skips []string
	skip := func(err error) { skips = append(skips, pipeline.SkipReason(err)) }
	for _, in := range ins {
		r, err := s.Open(ctx, nil, in, skip)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			d := r.Doc()
			got = append(got, fmt.Sprintf("%s %v %q", d.ID, d.Meta, d.Text))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("docs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(skips) != 1 || skips[0] != "github-blob-sha1" {
		t.Errorf("skips %v", skips)
	}
	if fake.pages < 3 {
		t.Errorf("%d tabledata.list pages for 6 rows of 2: not paged", fake.pages)
	}
	t.Logf("requests: %v", fake.log)
}

func blob(s string) string { return gitBlob(s) }

// TestJobAlreadyRunning: another planner started the same query (same job
// id, derived from the digest); Inputs waits for that job instead of
// starting a second one, then reads its table.
func TestJobAlreadyRunning(t *testing.T) {
	fake := &fakeBQ{t: t, rows: [][]any{{"o/r", "refs/heads/main", "a.go", "33188", blob("package a\n"), "mit", "10", "package a\n"}}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	s := New(Config{Project: "proj", CacheDataset: "cache", Source: "github",
		Query:         github.QueryOptions{Dataset: "d", Licenses: github.DefaultLicenses, MaxSize: 1 << 20},
		ClientOptions: []option.ClientOption{option.WithEndpoint(srv.URL), option.WithoutAuthentication()}})
	fake.running, fake.pending = "tokenmill_"+s.TableID(), s.TableID()
	ins, err := s.Inputs(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 1 || fake.table != s.TableID() || fake.running != "" {
		t.Fatalf("inputs %v, table %q, running %q; requests %v", ins, fake.table, fake.running, fake.log)
	}
}
