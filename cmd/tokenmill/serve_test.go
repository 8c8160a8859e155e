package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/service"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
)

const serveToken = "test-token-1"

// api is a client of a test server.
type api struct {
	t   testing.TB
	url string
}

func (a api) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, a.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+serveToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func (a api) submit(req service.BuildRequest) string {
	a.t.Helper()
	code, data := a.do("POST", "/v1/builds", req)
	if code != http.StatusCreated {
		a.t.Fatalf("submit: %d %s", code, data)
	}
	var st service.Status
	json.Unmarshal(data, &st)
	return st.ID
}

func (a api) status(id string) service.Status {
	a.t.Helper()
	code, data := a.do("GET", "/v1/builds/"+id, nil)
	if code != http.StatusOK {
		a.t.Fatalf("status: %d %s", code, data)
	}
	var st service.Status
	json.Unmarshal(data, &st)
	return st
}

func (a api) wait(id string, done func(service.Status) bool) service.Status {
	a.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st := a.status(id)
		if done(st) {
			return st
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("build %s stuck in %s (%s)", id, st.State, st.Error)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func finished(st service.Status) bool {
	return st.State == service.StateSucceeded || st.State == service.StateFailed || st.State == service.StateCanceled
}

// TestServeCommand runs `tokenmill serve` as a user would: tokens from a
// file, a root, the embedded sample with only commoncrawl; the build
// completes, its stats are served and equal to the output's stats.json, the
// log and the metrics are there, and the server stops on its context.
func TestServeCommand(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(tmp, "tokens"), []byte("# tokens\n"+serveToken+"\n"), 0o600)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bytes.Buffer
	cmd := newRootCmd()
	cmd.SetOut(io.Discard)
	cmd.SetErr(&syncWriter{w: &logs})
	cmd.SetArgs([]string{"serve", "--addr", addr, "--state", filepath.Join(tmp, "state"), "--root", root,
		"--tokens-file", filepath.Join(tmp, "tokens"), "--workers", "1", "--log-format", "json"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	a := api{t: t, url: "http://" + addr}
	for i := 0; ; i++ {
		resp, err := http.Get(a.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 500 {
			t.Fatal("server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	out := filepath.Join(root, "out")
	id := a.submit(service.BuildRequest{Output: out, Only: []string{"commoncrawl"}})
	st := a.wait(id, finished)
	if st.State != service.StateSucceeded {
		t.Fatalf("build %s: %s", st.State, st.Error)
	}
	code, stats := a.do("GET", "/v1/builds/"+id+"/stats", nil)
	if code != 200 || !bytes.Equal(stats, mustRead(t, filepath.Join(out, "stats.json"))) {
		t.Errorf("stats: %d, not the output's stats.json", code)
	}
	var ps pipeline.Stats
	json.Unmarshal(stats, &ps)
	if len(st.Sources) != 1 || len(ps.Sources) != 1 || st.Sources[0].DocsOut != ps.Sources[0].DocsOut || st.Sources[0].DocsOut == 0 ||
		st.Sources[0].Inputs != 3 || st.Sources[0].Drops["langid:score<0.5"] == 0 {
		t.Errorf("status sources %+v", st.Sources)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err != nil {
		t.Error(err)
	}
	// The live report: the page tokenmill report writes, with this build's
	// numbers in its data.
	code, page := a.do("GET", "/v1/builds/"+id+"/report", nil)
	if code != 200 || !bytes.Contains(page, []byte(`id="report-data"`)) ||
		!bytes.Contains(page, []byte(fmt.Sprintf(`"docs_out":%d`, ps.Sources[0].DocsOut))) {
		t.Errorf("report: %d, %d bytes", code, len(page))
	}
	// The same bytes as `tokenmill build --only commoncrawl`.
	cli := filepath.Join(tmp, "cli")
	build(t, defaultRegistry(), buildFlags{out: cli, only: []string{"commoncrawl"}, workers: 1})
	sameFiles(t, outputFiles(t, out), outputFiles(t, cli))

	code, lg := a.do("GET", "/v1/builds/"+id+"/logs", nil)
	if code != 200 || !strings.Contains(string(lg), `"msg":"source planned"`) || !strings.Contains(string(lg), "wrote "+out) {
		t.Errorf("logs: %d\n%s", code, lg)
	}
	_, met := a.do("GET", "/metrics", nil)
	for _, want := range []string{`tokenmill_builds{state="succeeded"} 1`, `tokenmill_documents_out_total{source="commoncrawl"} ` + fmt.Sprint(ps.Sources[0].DocsOut),
		`tokenmill_documents_dropped_total{reason="perplexity:bucket=tail",source="commoncrawl"}`} {
		if !strings.Contains(string(met), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
	}
	if !strings.Contains(logs.String(), `"msg":"build succeeded"`) {
		t.Errorf("server log:\n%s", logs.String())
	}
}

// syncWriter serializes writes from the server's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestServeFlags(t *testing.T) {
	t.Setenv("TOKENMILL_TOKENS", "")
	if _, err := runCLI(t, "", true, "serve"); err == nil || exitCode(err) != 2 {
		t.Errorf("serve without --state: %v", err)
	}
	if _, err := runCLI(t, "", true, "serve", "--state", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no bearer token") {
		t.Errorf("serve without tokens: %v", err)
	}
}

// testServer is a server on state with the real build runner.
func testServer(t *testing.T, state, root string, reg *pipeline.Registry, maxBuilds int) (*service.Server, *httptest.Server) {
	t.Helper()
	storage.RegisterEmbedded("sample", recipes.Sample())
	srv, err := service.New(service.Config{StateDir: state, MaxBuilds: maxBuilds, Workers: 1, Tokens: []string{serveToken}, Roots: []string{root},
		Registry: reg, EmbeddedRecipe: recipes.LLaMA(), Run: buildRunner(reg), PollInterval: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	return srv, hs
}

// TestServeRestartResume stops the server in the middle of a build (after
// its first committed input shard), starts a new server on the same state
// folder, and checks that the build resumes from its task markers and ends
// with the same files as a build that was never interrupted.
func TestServeRestartResume(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	state := filepath.Join(tmp, "state")
	os.MkdirAll(root, 0o755)
	recipe := fmt.Sprintf(slowRecipe, 4) // ~0.5 s per input shard with one worker
	out := filepath.Join(root, "out")

	srv, hs := testServer(t, state, root, slowRegistry(), 1)
	a := api{t: t, url: hs.URL}
	id := a.submit(service.BuildRequest{Output: out, Recipe: recipe, Workers: 1})
	a.wait(id, func(st service.Status) bool {
		return len(st.Sources) == 1 && st.Sources[0].InputsDone >= 1 || finished(st)
	})
	hs.Close()
	srv.Close() // as on SIGTERM: the running build is canceled and left "running"
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Fatal("the build finished before the server stopped: nothing to resume")
	}
	rec := mustRead(t, filepath.Join(state, "builds", id+".json"))
	if !bytes.Contains(rec, []byte(`"state": "running"`)) {
		t.Fatalf("state after stop:\n%s", rec)
	}
	markers, _ := filepath.Glob(filepath.Join(out, "_tasks/commoncrawl/*.json"))
	t.Logf("stopped with %d of 3 input shards committed", len(markers))

	srv, hs = testServer(t, state, root, slowRegistry(), 1)
	defer func() { hs.Close(); srv.Close() }()
	a = api{t: t, url: hs.URL}
	st := a.wait(id, finished)
	if st.State != service.StateSucceeded || st.Attempts != 2 {
		t.Fatalf("after restart: %s, attempt %d (%s)", st.State, st.Attempts, st.Error)
	}
	if r := st.Sources[0].InputsResumed; r < 1 || r != len(markers) {
		t.Errorf("resumed %d input shards, %d were committed", r, len(markers))
	}
	code, lg := a.do("GET", "/v1/builds/"+id+"/logs", nil)
	if code != 200 || !strings.Contains(string(lg), "attempt 1 ended: context canceled") || !strings.Contains(string(lg), "attempt 2 succeeded") {
		t.Errorf("logs:\n%s", lg)
	}

	clean := filepath.Join(tmp, "clean")
	rf := filepath.Join(tmp, "slow.yaml")
	os.WriteFile(rf, []byte(recipe), 0o644)
	build(t, slowRegistry(), buildFlags{out: clean, recipe: rf, workers: 1})
	sameFiles(t, outputFiles(t, out), outputFiles(t, clean))
}

// TestServeLoad: 50 clients poll status and the list as fast as they can
// while 3 real builds (the sample's commoncrawl) queue behind a limit of
// one. Reports request latency and the process's memory; fails only if the
// server errs or a status takes longer than a second.
func TestServeLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const clients, builds = 50, 3
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	os.MkdirAll(root, 0o755)
	srv, hs := testServer(t, filepath.Join(tmp, "state"), root, defaultRegistry(), 1)
	defer func() { hs.Close(); srv.Close() }()
	a := api{t: t, url: hs.URL}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap0 := ms.HeapInuse

	var ids []string
	for i := range builds {
		ids = append(ids, a.submit(service.BuildRequest{Output: filepath.Join(root, fmt.Sprint("out", i)), Only: []string{"commoncrawl"}}))
	}
	if code, data := a.do("GET", "/v1/builds", nil); code != 200 || !bytes.Contains(data, []byte(`"queue_depth": 2`)) {
		t.Errorf("queue depth after 3 submissions with one slot: %s", data)
	}
	stop := make(chan struct{})
	var peakHeap, peakSys uint64
	var memWG sync.WaitGroup
	memWG.Go(func() {
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peakHeap, peakSys = max(peakHeap, m.HeapInuse), max(peakSys, m.Sys)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for i := 0; ; i++ {
				select {
				case <-stop:
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
					return
				default:
				}
				path := "/v1/builds/" + ids[(c+i)%builds]
				if i%10 == 0 {
					path = "/v1/builds"
				}
				req, _ := http.NewRequest("GET", hs.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+serveToken)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mine = append(mine, time.Since(t0))
				if err != nil || resp.StatusCode != 200 {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		})
	}
	for _, id := range ids {
		if st := a.wait(id, finished); st.State != service.StateSucceeded {
			t.Errorf("build %s: %s %s", id, st.State, st.Error)
		}
	}
	close(stop)
	wg.Wait()
	memWG.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	t.Logf("%d clients, %d builds queued behind 1 slot, %.1fs: %d requests (%.0f/s), %d errors; latency p50 %v p95 %v p99 %v max %v; heap in use %.1f MiB before, peak %.1f MiB; peak Sys %.1f MiB (builds run in the same process)",
		clients, builds, el.Seconds(), len(lat), float64(len(lat))/el.Seconds(), errs, pct(0.5), pct(0.95), pct(0.99), lat[len(lat)-1],
		float64(heap0)/(1<<20), float64(peakHeap)/(1<<20), float64(peakSys)/(1<<20))
	if errs > 0 {
		t.Errorf("%d requests failed", errs)
	}
	if pct(0.99) > time.Second {
		t.Errorf("p99 latency %v", pct(0.99))
	}
}

// TestServeCancel cancels a real build while it runs: it stops without a
// manifest, and the next queued build starts.
func TestServeCancel(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	os.MkdirAll(root, 0o755)
	srv, hs := testServer(t, filepath.Join(tmp, "state"), root, slowRegistry(), 1)
	defer func() { hs.Close(); srv.Close() }()
	a := api{t: t, url: hs.URL}
	slow := a.submit(service.BuildRequest{Output: filepath.Join(root, "slow"), Recipe: fmt.Sprintf(slowRecipe, 4)})
	next := a.submit(service.BuildRequest{Output: filepath.Join(root, "next"), Only: []string{"commoncrawl"}})
	a.wait(slow, func(st service.Status) bool { return st.State == service.StateRunning })
	if code, data := a.do("POST", "/v1/builds/"+slow+"/cancel", nil); code != http.StatusAccepted {
		t.Fatalf("cancel: %d %s", code, data)
	}
	if st := a.wait(slow, finished); st.State != service.StateCanceled {
		t.Errorf("canceled build ended %s", st.State)
	}
	if _, err := os.Stat(filepath.Join(root, "slow", "manifest.json")); err == nil {
		t.Error("a canceled build wrote its manifest")
	}
	if st := a.wait(next, finished); st.State != service.StateSucceeded {
		t.Errorf("the next build: %s %s", st.State, st.Error)
	}
}

// TestHelperServe is not a test: TestServeKilled runs it in a child process.
func TestHelperServe(t *testing.T) {
	state := os.Getenv("TOKENMILL_SERVE_HELPER_STATE")
	if state == "" {
		t.Skip("helper process")
	}
	t.Setenv("TOKENMILL_TOKENS", serveToken)
	cmd := newServeCmd()
	cmd.SetContext(context.Background())
	cmd.SetErr(io.Discard)
	f := serveFlags{addr: os.Getenv("TOKENMILL_SERVE_HELPER_ADDR"), state: state, maxBuilds: 1, workers: 1,
		roots: []string{os.Getenv("TOKENMILL_SERVE_HELPER_ROOT")}, maxBody: 1024}
	if err := runServe(cmd, f, slowRegistry()); err != nil {
		t.Fatal(err)
	}
}

// TestServeKilled kills the server process with SIGKILL in the middle of a
// build: nothing is shut down cleanly. A new server on the same state
// folder finds the build "running", reruns it, and it ends with the same
// files as a build that was never interrupted.
func TestServeKilled(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	state := filepath.Join(tmp, "state")
	os.MkdirAll(root, 0o755)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	child := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	child.Env = append(os.Environ(), "TOKENMILL_SERVE_HELPER_STATE="+state, "TOKENMILL_SERVE_HELPER_ADDR="+addr, "TOKENMILL_SERVE_HELPER_ROOT="+root)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	a := api{t: t, url: "http://" + addr}
	for i := 0; ; i++ {
		resp, err := http.Get(a.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 3000 {
			t.Fatal("the server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	recipe := fmt.Sprintf(slowRecipe, 4)
	out := filepath.Join(root, "out")
	id := a.submit(service.BuildRequest{Output: out, Recipe: recipe})
	deadline := time.Now().Add(time.Minute)
	for {
		if m, _ := filepath.Glob(filepath.Join(out, "_tasks/commoncrawl/*.json")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no input shard committed within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Fatal("the build finished before the kill: nothing to resume")
	}
	markers, _ := filepath.Glob(filepath.Join(out, "_tasks/commoncrawl/*.json"))
	t.Logf("killed with %d of 3 input shards committed", len(markers))

	srv, hs := testServer(t, state, root, slowRegistry(), 1)
	defer func() { hs.Close(); srv.Close() }()
	a = api{t: t, url: hs.URL}
	st := a.wait(id, finished)
	if st.State != service.StateSucceeded || st.Attempts != 2 || st.Sources[0].InputsResumed != len(markers) {
		t.Fatalf("after the kill: %s, attempt %d, %d resumed (%s)", st.State, st.Attempts, st.Sources[0].InputsResumed, st.Error)
	}
	clean := filepath.Join(tmp, "clean")
	rf := filepath.Join(tmp, "slow.yaml")
	os.WriteFile(rf, []byte(recipe), 0o644)
	build(t, slowRegistry(), buildFlags{out: clean, recipe: rf, workers: 1})
	sameFiles(t, outputFiles(t, out), outputFiles(t, clean))
}
