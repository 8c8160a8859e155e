package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
	"github.com/tokenmill/tokenmill/sources/commoncrawl"
)

const token = "s3cret-token"

// recipeCC is a one-source recipe on the embedded sample; tests replace
// its inputs.
const recipeCC = `name: t
sources:
  - name: cc
    format: commoncrawl
    inputs: [embed://sample/commoncrawl]
`

func registry() *pipeline.Registry {
	reg := pipeline.NewRegistry()
	commoncrawl.Register(reg)
	return reg
}

// fake is a RunFunc whose builds write a stats.json and one marker per
// input, and block while hold is set.
type fake struct {
	mu    sync.Mutex
	hold  map[string]chan struct{} // by output: closed to let the build finish
	jobs  []Job
	fails error
}

func newFake() *fake { return &fake{hold: map[string]chan struct{}{}} }

func (f *fake) block(out string) { f.mu.Lock(); f.hold[out] = make(chan struct{}); f.mu.Unlock() }
func (f *fake) release(out string) {
	f.mu.Lock()
	close(f.hold[out])
	delete(f.hold, out)
	f.mu.Unlock()
}

func (f *fake) run(ctx context.Context, job Job, progress func(Progress)) (*Result, error) {
	f.mu.Lock()
	f.jobs = append(f.jobs, job)
	h := f.hold[job.Request.Output]
	err := f.fails
	f.mu.Unlock()
	if strings.HasSuffix(job.Request.Output, "/panic") {
		panic("planted")
	}
	fmt.Fprintf(job.Log, "fake build of %s\n", job.Request.Output)
	out, oerr := storage.Open(ctx, job.Request.Output)
	if oerr != nil {
		return nil, oerr
	}
	defer out.Close()
	out.WriteFile(ctx, "_tasks/cc/a.json", []byte(`{"recipe_sha256":"`+pipeline.Digest([]byte(recipeCC))+`","docs":5,"tokens":50,"bytes":500}`))
	if h != nil {
		select {
		case <-h:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	st := &pipeline.Stats{Sources: []*pipeline.SourceStats{{Name: "cc", Inputs: 3, DocsIn: 10, BytesIn: 1000, DocsOut: 7, BytesOut: 700, Tokens: 70,
		Drops: map[string]int64{"langid:lang=de": 2, "doc_dedup:duplicate": 1}, Steps: []*pipeline.StepStats{{Name: "langid", Seconds: 0.5}}}}}
	data, _ := st.JSON()
	return &Result{}, out.WriteFile(ctx, "stats.json", data)
}

type env struct {
	t    *testing.T
	root string // allowed
	out  string // outside every root
	srv  *Server
	http *httptest.Server
	fake *fake
	cfg  Config
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	storage.RegisterEmbedded("sample", recipes.Sample())
	e := &env{t: t, root: t.TempDir(), out: t.TempDir(), fake: newFake()}
	e.root, _ = filepath.EvalSymlinks(e.root)
	e.out, _ = filepath.EvalSymlinks(e.out)
	e.cfg = Config{StateDir: filepath.Join(t.TempDir(), "state"), MaxBuilds: 1, Tokens: []string{"other", token},
		Roots: []string{e.root}, Buckets: []string{"s3://allowed/data", "gs://gbucket"}, URLs: []string{"https://mirror.example/cc"}, Registry: registry(),
		EmbeddedRecipe: []byte(recipeCC), Run: e.fake.run, PollInterval: 20 * time.Millisecond, MaxBodyBytes: 64 << 10}
	if mod != nil {
		mod(&e.cfg)
	}
	e.start()
	return e
}

func (e *env) start() {
	e.t.Helper()
	srv, err := New(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	e.http = httptest.NewServer(srv.Handler())
	e.t.Cleanup(func() { e.http.Close(); srv.Close() })
}

func (e *env) stop() { e.http.Close(); e.srv.Close() }

func (e *env) do(method, path, tok string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, e.http.URL+path, rd)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func (e *env) submit(req BuildRequest) (int, Status) {
	e.t.Helper()
	code, data := e.do("POST", "/v1/builds", token, req)
	var st Status
	json.Unmarshal(data, &st)
	if code != http.StatusCreated {
		e.t.Logf("submit: %d %s", code, bytes.Join(bytes.Fields(data), []byte(" ")))
	}
	return code, st
}

func (e *env) status(id string) Status {
	e.t.Helper()
	code, data := e.do("GET", "/v1/builds/"+id, token, nil)
	if code != 200 {
		e.t.Fatalf("status %s: %d %s", id, code, data)
	}
	var st Status
	if err := json.Unmarshal(data, &st); err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *env) wait(id string, want string) Status {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := e.status(id)
		if st.State == want {
			return st
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("build %s: state %s, want %s (%s)", id, st.State, want, st.Error)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, nil)
	for _, c := range []struct {
		method, path, header string
		want                 int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/v1/builds", "", 401},
		{"GET", "/v1/builds", "Bearer wrong", 401},
		{"GET", "/v1/builds", "Bearer " + token + "x", 401},
		{"GET", "/v1/builds", "Bearer " + token[:len(token)-1], 401},
		{"GET", "/v1/builds", "Basic " + token, 401},
		{"GET", "/v1/builds", token, 401},
		{"GET", "/v1/builds", "Bearer ", 401},
		{"GET", "/metrics", "", 401},
		{"GET", "/v1/builds/20261205T120004Z-0b23eb68", "", 401},
		{"POST", "/v1/builds", "", 401},
		{"GET", "/nothing", "", 401},
		{"GET", "/v1/builds", "Bearer " + token, 200},
		{"GET", "/v1/builds", "bearer " + token, 200},
		{"GET", "/v1/builds", "Bearer other", 200},
		{"GET", "/metrics", "Bearer " + token, 200},
		{"GET", "/nothing", "Bearer " + token, 404},
		{"GET", "/v1/builds/nope", "Bearer " + token, 404},
	} {
		req, _ := http.NewRequest(c.method, e.http.URL+c.path, nil)
		if c.header != "" {
			req.Header.Set("Authorization", c.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s %s with %q: %d, want %d", c.method, c.path, c.header, resp.StatusCode, c.want)
		}
	}
	if _, err := New(Config{StateDir: t.TempDir(), Registry: registry(), Run: e.fake.run, Tokens: []string{" ", ""}}); err == nil {
		t.Error("a server without tokens started")
	}
}

func TestReadTokens(t *testing.T) {
	got, _ := ReadTokens(strings.NewReader("# team tokens\n a \n\nb\n"))
	if strings.Join(got, ",") != "a,b" {
		t.Errorf("ReadTokens: %q", got)
	}
	if got := SplitTokens("a, b\nc"); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("SplitTokens: %q", got)
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, nil)
	big := `{"output":"` + e.root + `/o","recipe":"` + strings.Repeat("#", 70<<10) + `"}`
	if code, body := e.do("POST", "/v1/builds", token, big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("70 KiB body: %d %s, want 413", code, body)
	}
	if code, body := e.do("POST", "/v1/builds", token, `{"output":"`+e.root+`/o","bogus":1}`); code != 400 {
		t.Errorf("unknown field: %d %s, want 400", code, body)
	}
}

// writeSample copies one sample WET file to path.
func writeSample(t *testing.T, path string) {
	t.Helper()
	data, err := fs.ReadFile(recipes.Sample(), "commoncrawl/CC-SAMPLE-2023-06-00000.warc.wet.gz")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConfinement submits requests that name places inside and outside the
// roots and buckets: inputs, output, recipe files and what a listing or a
// folder leads to.
func TestConfinement(t *testing.T) {
	e := newEnv(t, nil)
	R, O := e.root, e.out
	writeSample(t, R+"/in/a.warc.wet.gz")
	writeSample(t, O+"/secret/b.warc.wet.gz")
	os.Symlink(O, R+"/link")                                                         // a folder leading out
	os.MkdirAll(R+"/mixed", 0o755)                                                   //
	writeSample(t, R+"/mixed/ok.warc.wet.gz")                                        //
	os.Symlink(O+"/secret/b.warc.wet.gz", R+"/mixed/evil.warc.wet.gz")               // a file leading out, found by listing a folder
	os.WriteFile(R+"/out.paths", []byte(O+"/secret/b.warc.wet.gz\n"), 0o644)         // a listing naming a file outside
	os.WriteFile(R+"/up.paths", []byte("../"+filepath.Base(O)+"/x.wet.gz\n"), 0o644) // a listing climbing out
	os.WriteFile(R+"/ok.paths", []byte(R+"/in/a.warc.wet.gz\n"), 0o644)              // a listing inside
	os.WriteFile(R+"/recipe.yaml", []byte(recipeCC), 0o644)                          //
	os.WriteFile(O+"/recipe.yaml", []byte(recipeCC), 0o644)                          //
	os.WriteFile(R+"/tok.yaml", []byte(strings.Replace(recipeCC, "name: t\n", "name: t\ntokenizer: {model: tok.model}\n", 1)), 0o644)
	os.WriteFile(O+"/tok.model", []byte("x"), 0o644)
	os.Symlink(O+"/tok.model", R+"/tok.model") // a bare name next to the recipe, leading out
	withModel := func(m string) string {
		return strings.Replace(recipeCC, "name: t\n", "name: t\ntokenizer: {model: "+m+"}\n", 1)
	}
	withInputs := func(in string) string {
		return strings.Replace(recipeCC, "[embed://sample/commoncrawl]", "["+in+"]", 1)
	}
	in := func(p ...string) map[string][]string { return map[string][]string{"cc": p} }
	n := 0
	out := func() string { n++; return fmt.Sprintf("%s/out%d", R, n) }

	for _, c := range []struct {
		name string
		req  BuildRequest
		want int
	}{
		{"embedded recipe, output under root", BuildRequest{Output: out()}, 201},
		{"file URL output under root", BuildRequest{Output: "file://" + out()}, 201},
		{"input override under root", BuildRequest{Output: out(), Inputs: in(R + "/in")}, 201},
		{"glob under root", BuildRequest{Output: out(), Inputs: in(R + "/in/*.wet.gz")}, 201},
		{"listing under root naming a file under root", BuildRequest{Output: out(), Inputs: in(R + "/ok.paths")}, 201},
		{"recipe_path under root", BuildRequest{Output: out(), RecipePath: R + "/recipe.yaml"}, 201},
		{"embed input", BuildRequest{Output: out(), Inputs: in("embed://sample/commoncrawl")}, 201},

		{"relative output", BuildRequest{Output: "out"}, 403},
		{"dot-dot output", BuildRequest{Output: R + "/../" + filepath.Base(O) + "/o"}, 403},
		{"dot-dot that stays inside", BuildRequest{Output: R + "/in/../o"}, 403},
		{"absolute output outside", BuildRequest{Output: O + "/o"}, 403},
		{"output through a symlink", BuildRequest{Output: R + "/link/o"}, 403},
		{"output in the state folder", BuildRequest{Output: e.cfg.StateDir + "/builds"}, 403},
		{"file URL outside", BuildRequest{Output: "file://" + O + "/o"}, 403},
		{"file URL with a host", BuildRequest{Output: "file://localhost" + R + "/o"}, 403},
		{"file URL relative", BuildRequest{Output: "file://o"}, 403},
		{"file URL with escapes", BuildRequest{Output: "file://" + R + "/%2e%2e/o"}, 403},
		{"file: without slashes", BuildRequest{Output: "file:" + R + "/o"}, 403},
		{"other bucket", BuildRequest{Output: "s3://other/data/o"}, 403},
		{"allowed bucket, other prefix", BuildRequest{Output: "s3://allowed/datax/o"}, 403},
		{"allowed bucket, dot-dot", BuildRequest{Output: "s3://allowed/data/../o"}, 403},
		{"allowed bucket, endpoint override", BuildRequest{Output: "s3://allowed/data/o?endpoint=http://evil:9000"}, 403},
		{"gs name as s3", BuildRequest{Output: "s3://gbucket/o"}, 403},
		{"http output", BuildRequest{Output: "http://example.com/o"}, 403},
		{"input outside", BuildRequest{Output: out(), Inputs: in(O + "/secret")}, 403},
		{"input through a symlinked folder", BuildRequest{Output: out(), Inputs: in(R + "/link/secret")}, 403},
		{"folder holding a symlink out", BuildRequest{Output: out(), Inputs: in(R + "/mixed")}, 403},
		{"glob matching a symlink out", BuildRequest{Output: out(), Inputs: in(R + "/mixed/*.gz")}, 403},
		{"listing naming a file outside", BuildRequest{Output: out(), Inputs: in(R + "/out.paths")}, 403},
		{"listing climbing out", BuildRequest{Output: out(), Inputs: in(R + "/up.paths")}, 403},
		{"input in another bucket", BuildRequest{Output: out(), Inputs: in("gs://other/x.wet.gz")}, 403},
		{"input over http", BuildRequest{Output: out(), Inputs: in("https://data.commoncrawl.org/x.wet.gz")}, 403},
		{"output below an allowed URL", BuildRequest{Output: "https://mirror.example/cc/o"}, 403},
		{"input beside an allowed URL", BuildRequest{Output: out(), Inputs: in("https://mirror.example/ccx/a.wet.gz")}, 403},
		{"recipe_path outside", BuildRequest{Output: out(), RecipePath: O + "/recipe.yaml"}, 403},
		{"recipe_path relative", BuildRequest{Output: out(), RecipePath: "recipe.yaml"}, 403},
		{"recipe model outside", BuildRequest{Output: out(), Recipe: withModel(O + "/tok.model")}, 403},
		{"recipe model relative", BuildRequest{Output: out(), Recipe: withModel("models/tok.model")}, 403},
		{"recipe model dot-dot", BuildRequest{Output: out(), Recipe: withModel("../../tok.model")}, 403},
		{"recipe model file URL outside", BuildRequest{Output: out(), Recipe: withModel("file://" + O + "/tok.model")}, 403},
		{"recipe bare name symlinked out", BuildRequest{Output: out(), RecipePath: R + "/tok.yaml"}, 403},
		{"recipe input outside", BuildRequest{Output: out(), Recipe: withInputs(O + "/secret")}, 403},
		{"recipe input relative", BuildRequest{Output: out(), Recipe: withInputs("secret")}, 403},

		{"unknown source in inputs", BuildRequest{Output: out(), Inputs: map[string][]string{"nope": {R + "/in"}}}, 400},
		{"unknown source in only", BuildRequest{Output: out(), Only: []string{"nope"}}, 400},
		{"no output", BuildRequest{}, 400},
		{"bad recipe", BuildRequest{Output: out(), Recipe: "sources: 3"}, 400},
	} {
		code, st := e.submit(c.req)
		if code != c.want {
			t.Errorf("%s: %d, want %d", c.name, code, c.want)
		}
		if code == 201 {
			e.wait(st.ID, StateSucceeded)
		}
	}
	// Nothing was written outside.
	filepath.WalkDir(O, func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() && !strings.HasSuffix(p, ".gz") && !strings.HasSuffix(p, "tok.model") && !strings.HasSuffix(p, "recipe.yaml") {
			t.Errorf("written outside the roots: %s", p)
		}
		return nil
	})
}

func TestConfinerCheck(t *testing.T) {
	root := t.TempDir()
	c, err := NewConfiner([]string{root}, []string{"s3://allowed/data", "gs://g", "s3://minio?endpoint=http://m:9000"})
	if err != nil {
		t.Fatal(err)
	}
	for ref, ok := range map[string]bool{
		root:                                     true,
		root + "/x/y":                            true,
		"file://" + root + "/x":                  true,
		"s3://allowed/data":                      true,
		"s3://allowed/data/x/y.gz":               true,
		"gs://g/anything":                        true,
		"s3://minio/x?endpoint=http://m:9000":    true,
		"embed://sample/commoncrawl":             true,
		root + "x":                               false, // a sibling sharing the prefix
		"/":                                      false,
		"/etc/passwd":                            false,
		"s3://allowed/dat":                       false,
		"s3://allowed/data2/x":                   false,
		"s3://allowed":                           false,
		"s3://allowed/data/./x":                  false,
		"s3://minio/x":                           false,
		"s3://minio/x?endpoint=http://evil:9000": false,
		"gs://g2/x":                              false,
		"S3://allowed/data/x":                    false,
		"ftp://x/y":                              false,
		"":                                       false,
		root + "/x\x00":                          false,
		"c:/x":                                   false,
	} {
		if err := c.Check(ref); (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want allowed=%v", ref, err, ok)
		}
	}
	if err := c.AllowURLs([]string{"https://data.commoncrawl.org/crawl-data"}); err != nil {
		t.Fatal(err)
	}
	for ref, ok := range map[string]bool{
		"https://data.commoncrawl.org/crawl-data/CC-MAIN-2023-06/x.wet.gz": true,
		"https://data.commoncrawl.org/crawl-data":                          false, // the folder itself is no file
		"https://data.commoncrawl.org/crawl-data2/x":                       false,
		"https://data.commoncrawl.org/other/x":                             false,
		"https://data.commoncrawl.org.evil.com/crawl-data/x":               false,
		"https://evil.com/https://data.commoncrawl.org/crawl-data/x":       false,
		"https://data.commoncrawl.org/crawl-data/../x":                     false,
		"https://data.commoncrawl.org/crawl-data/%2e%2e/x":                 false,
		"https://u:p@data.commoncrawl.org/crawl-data/x":                    false,
		"http://data.commoncrawl.org/crawl-data/x":                         false,
	} {
		if err := c.Check(ref); (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want allowed=%v", ref, err, ok)
		}
	}
	for _, bad := range []string{"ftp://x/", "https://", "https://u@h/", "https://h/a/../b"} {
		if err := c.AllowURLs([]string{bad}); err == nil {
			t.Errorf("AllowURLs(%q) accepted", bad)
		}
	}
	if _, err := NewConfiner(nil, []string{"http://x"}); err == nil {
		t.Error("an http bucket was accepted")
	}
	if _, err := NewConfiner([]string{root + "/missing"}, nil); err == nil {
		t.Error("a missing root was accepted")
	}
}

// TestQueueCancel: one slot, three builds: FIFO, queue positions, cancel
// of a queued and of a running build, one output per active build.
func TestQueueCancel(t *testing.T) {
	e := newEnv(t, nil)
	outs := []string{e.root + "/a", e.root + "/b", e.root + "/c"}
	for _, o := range outs {
		e.fake.block(o)
	}
	var ids []string
	for _, o := range outs {
		code, st := e.submit(BuildRequest{Output: o})
		if code != 201 {
			t.Fatal(code)
		}
		ids = append(ids, st.ID)
	}
	e.wait(ids[0], StateRunning)
	if st := e.status(ids[1]); st.State != StateQueued || st.QueuePosition != 1 {
		t.Errorf("second build: %s at %d, want queued at 1", st.State, st.QueuePosition)
	}
	if st := e.status(ids[2]); st.QueuePosition != 2 {
		t.Errorf("third build at %d, want 2", st.QueuePosition)
	}
	var list BuildList
	_, data := e.do("GET", "/v1/builds", token, nil)
	json.Unmarshal(data, &list)
	if list.QueueDepth != 2 || list.Running != 1 || len(list.Builds) != 3 || list.Builds[0].ID != ids[0] {
		t.Errorf("list: depth %d running %d builds %d", list.QueueDepth, list.Running, len(list.Builds))
	}
	for _, o := range []string{outs[1] + "/", "file://" + outs[1], outs[1] + "/sub", e.root} {
		if code, _ := e.submit(BuildRequest{Output: o}); code != http.StatusConflict {
			t.Errorf("a build into %s, where an active build writes: %d, want 409", o, code)
		}
	}
	// Live progress from the marker the fake wrote.
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := e.status(ids[0])
		if len(st.Sources) == 1 && st.Sources[0].InputsDone == 1 {
			s := st.Sources[0]
			if s.Source != "cc" || s.Inputs != 3 || s.DocsOut != 5 || s.Tokens != 50 || s.ShardBytes != 500 || st.ETASeconds == nil {
				t.Errorf("progress %+v eta %v", s, st.ETASeconds)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress: %+v", st.Sources)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, _ := e.do("POST", "/v1/builds/"+ids[2]+"/cancel", token, nil); code != 200 {
		t.Errorf("cancel queued: %d", code)
	}
	if code, _ := e.do("POST", "/v1/builds/"+ids[0]+"/cancel", token, nil); code != 202 {
		t.Errorf("cancel running: %d", code)
	}
	e.wait(ids[0], StateCanceled)
	e.wait(ids[1], StateRunning)
	e.fake.release(outs[1])
	st := e.wait(ids[1], StateSucceeded)
	if st.Sources[0].DocsIn != 10 || st.Sources[0].Drops["langid:lang=de"] != 2 || len(st.Sources[0].Steps) != 1 || st.Sources[0].Steps[0].Name != "langid" {
		t.Errorf("finished status %+v", st.Sources)
	}
	if s := e.status(ids[2]); s.State != StateCanceled {
		t.Errorf("queued build canceled: %s", s.State)
	}
	if code, _ := e.do("POST", "/v1/builds/"+ids[1]+"/cancel", token, nil); code != 409 {
		t.Errorf("cancel a finished build: %d, want 409", code)
	}
	code, logs := e.do("GET", "/v1/builds/"+ids[1]+"/logs", token, nil)
	if code != 200 || !strings.Contains(string(logs), "fake build of "+outs[1]) {
		t.Errorf("logs: %d %q", code, logs)
	}
	code, stats := e.do("GET", "/v1/builds/"+ids[1]+"/stats", token, nil)
	if code != 200 || !strings.Contains(string(stats), `"docs_in": 10`) {
		t.Errorf("stats: %d %s", code, stats)
	}
	if code, _ := e.do("GET", "/v1/builds/"+ids[2]+"/stats", token, nil); code != 404 {
		t.Errorf("stats of a build that never ran: %d, want 404", code)
	}
	for i, j := range e.fake.jobs {
		if j.Request.Output != outs[i] {
			t.Errorf("run %d: %s, want %s (FIFO)", i, j.Request.Output, outs[i])
		}
	}
}

// TestRestart: a server stopped mid-build leaves it running on disk; the
// next server on the same state folder runs it again (attempt 2) before the
// builds queued after it.
func TestRestart(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.root+"/a", e.root+"/b"
	e.fake.block(a)
	_, sa := e.submit(BuildRequest{Output: a, Recipe: recipeCC})
	_, sb := e.submit(BuildRequest{Output: b})
	e.wait(sa.ID, StateRunning)
	e.stop()
	data, err := os.ReadFile(filepath.Join(e.cfg.StateDir, "builds", sa.ID+".json"))
	if err != nil || !strings.Contains(string(data), `"state": "running"`) {
		t.Fatalf("state after stop: %s %v", data, err)
	}
	e.fake = newFake()
	e.cfg.Run = e.fake.run
	e.start()
	st := e.wait(sa.ID, StateSucceeded)
	if st.Attempts != 2 {
		t.Errorf("attempts %d, want 2", st.Attempts)
	}
	if st.Sources[0].InputsResumed != 0 || st.Sources[0].Inputs != 3 {
		t.Errorf("sources %+v", st.Sources)
	}
	e.wait(sb.ID, StateSucceeded)
	if len(e.fake.jobs) != 2 || e.fake.jobs[0].Request.Output != a || e.fake.jobs[0].Attempt != 2 {
		t.Errorf("jobs after restart %+v", e.fake.jobs)
	}
	if j := e.fake.jobs[0]; j.RecipeFile == "" || !strings.HasPrefix(j.RecipeFile, e.cfg.StateDir) {
		t.Errorf("the submitted recipe is not kept in the state folder: %q", j.RecipeFile)
	}
	// A damaged state file does not keep the server from starting, and a
	// build finished before it started shows its funnel from stats.json.
	e.stop()
	os.WriteFile(filepath.Join(e.cfg.StateDir, "builds", "junk.json"), []byte("{"), 0o600)
	e.start()
	if st := e.status(sb.ID); st.State != StateSucceeded || len(st.Sources) != 1 || st.Sources[0].DocsIn != 10 {
		t.Errorf("after a restart with a damaged file: %s %+v", st.State, st.Sources)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, nil)
	_, st := e.submit(BuildRequest{Output: e.root + "/m"})
	e.wait(st.ID, StateSucceeded)
	_, st = e.submit(BuildRequest{Output: e.root + "/panic"})
	if st := e.wait(st.ID, StateFailed); !strings.Contains(st.Error, "build panicked: planted") {
		t.Errorf("panicking build: %q", st.Error)
	}
	e.fake.fails = fmt.Errorf("boom")
	_, st = e.submit(BuildRequest{Output: e.root + "/n"})
	e.wait(st.ID, StateFailed)
	e.do("GET", "/v1/builds", "", nil) // a 401, timed too
	_, body := e.do("GET", "/metrics", token, nil)
	text := string(body)
	for _, want := range []string{
		`tokenmill_builds{state="succeeded"} 1`,
		`tokenmill_builds{state="failed"} 2`,
		`tokenmill_builds{state="queued"} 0`,
		`tokenmill_queue_depth 0`,
		`tokenmill_builds_finished_total{state="succeeded"} 1`,
		`tokenmill_documents_in_total{source="cc"} 10`,
		`tokenmill_documents_out_total{source="cc"} 7`,
		`tokenmill_bytes_in_total{source="cc"} 1000`,
		`tokenmill_bytes_out_total{source="cc"} 700`,
		`tokenmill_tokens_total{source="cc"} 70`,
		`tokenmill_documents_dropped_total{reason="langid:lang=de",source="cc"} 2`,
		`tokenmill_step_seconds_total{source="cc",step="langid"} 0.5`,
		`tokenmill_errors_total{kind="build"} 2`,
		`tokenmill_http_request_duration_seconds_count{code="201",method="POST",route="POST /v1/builds"} 3`,
		`tokenmill_http_request_duration_seconds_count{code="401",method="GET",route="GET /v1/builds"} 1`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
