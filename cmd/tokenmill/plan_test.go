package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/recipes"
)

// planRun makes the plan of the embedded recipe (or recipePath) into out
// and runs it; when stopAfter > 0 the run is cancelled right after that
// many tasks have committed, as a build killed between two tasks.
func planRun(t *testing.T, out, recipePath string, workers, stopAfter int) (*pipeline.Stats, error) {
	t.Helper()
	storage.RegisterEmbedded("sample", recipes.Sample())
	reg := defaultRegistry()
	rec, err := loadRecipe(recipePath, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	committed := 0
	opt := pipeline.Options{Out: out, Workers: workers, TempDir: t.TempDir()}
	if recipePath != "" {
		opt.RecipeDir = filepath.Dir(recipePath)
	}
	if stopAfter > 0 {
		opt.Progress = func(string, int, int) {
			if committed++; committed == stopAfter {
				cancel()
			}
		}
	}
	plan, err := pipeline.NewPlan(ctx, rec, reg, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan.Close()
	return plan.Run(ctx)
}

// statsWithoutTimes reads a stats.json without what differs between runs
// by nature: seconds, and how many inputs an earlier run had committed.
func statsWithoutTimes(t *testing.T, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(mustRead(t, path), &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "seconds")
			delete(x, "resumed")
			for k, e := range x {
				x[k] = strip(e)
			}
		case []any:
			for i, e := range x {
				x[i] = strip(e)
			}
		}
		return v
	}
	return strip(v)
}

// TestResumedStats interrupts the build of the embedded sample (five
// sources, ten inputs) after 2, 3, 5 and 9 committed tasks and resumes it:
// stats.json equals an uninterrupted build's but for timings, and every
// other file is byte-identical. After 3 tasks CommonCrawl's three inputs
// are committed and its group record is not; after 5 Wikipedia's group is
// half done; both make the rerun recount the committed inputs.
func TestResumedStats(t *testing.T) {
	dir := t.TempDir()
	// The same with CommonCrawl's dedup groups of one input: groups before
	// the stop have their records, the one cut in the middle has not.
	grouped := filepath.Join(dir, "groups.yaml")
	os.WriteFile(grouped, []byte(strings.Replace(string(recipes.LLaMA()), "group: 50", "group: 1", 1)), 0o644)
	for _, c := range []struct {
		recipe string
		stops  []int
	}{{"", []int{2, 3, 5, 9}}, {grouped, []int{2, 4}}} {
		clean := filepath.Join(dir, fmt.Sprint("clean", len(c.recipe)))
		if _, err := planRun(t, clean, c.recipe, 2, 0); err != nil {
			t.Fatal(err)
		}
		want := statsWithoutTimes(t, filepath.Join(clean, "stats.json"))
		for _, n := range c.stops {
			out := filepath.Join(dir, fmt.Sprint("stop", n, "-", len(c.recipe)))
			if _, err := planRun(t, out, c.recipe, 1, n); !errors.Is(err, context.Canceled) {
				t.Fatalf("stopped after %d: %v", n, err)
			}
			recs := 0
			for k := range outputFiles(t, filepath.Join(out, "_tasks")) {
				if strings.HasSuffix(k, ".json") {
					recs++
				}
			}
			if recs != n {
				t.Fatalf("stopped after %d: %d task records", n, recs)
			}
			st, err := planRun(t, out, c.recipe, 2, 0)
			if err != nil {
				t.Fatal(err)
			}
			resumed := 0
			for _, s := range st.Sources {
				resumed += s.Resumed
			}
			if resumed < n {
				t.Errorf("stopped after %d: %d resumed", n, resumed)
			}
			if got := statsWithoutTimes(t, filepath.Join(out, "stats.json")); !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("%s stopped after %d: stats.json differs:\n%s\nwant\n%s", c.recipe, n, g, w)
			}
			sameFiles(t, outputFiles(t, out), outputFiles(t, clean))
		}
	}
}

// TestFailedInput removes one input between planning and running, as a
// file that disappears or an object that 404s: its task fails, the others
// are built, the manifest leaves it out, stats.json and the error name it,
// and a rerun once it is back completes the build.
func TestFailedInput(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "cc")
	os.MkdirAll(src, 0o755)
	names := []string{"CC-SAMPLE-2023-06-00000.warc.wet.gz", "CC-SAMPLE-2023-06-00001.warc.wet.gz", "CC-SAMPLE-2023-06-00002.warc.wet.gz"}
	for _, n := range names {
		os.WriteFile(filepath.Join(src, n), mustRead(t, "../../recipes/sample/commoncrawl/"+n), 0o644)
	}
	recipe := filepath.Join(dir, "r.yaml")
	os.WriteFile(recipe, []byte("sources:\n  - name: commoncrawl\n    inputs: [cc]\n    steps:\n      - doc_dedup: {}\n      - line_dedup: {}\n"), 0o644)
	storage.RegisterEmbedded("sample", recipes.Sample())
	reg := defaultRegistry()
	rec, err := loadRecipe(recipe, reg)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	ctx := context.Background()
	plan, err := pipeline.NewPlan(ctx, rec, reg, pipeline.Options{Out: out, Workers: 2, RecipeDir: dir, TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(src, names[1])
	data := mustRead(t, gone)
	os.Remove(gone)
	st, err := plan.Run(ctx)
	plan.Close()
	var fe *pipeline.FailedError
	if !errors.As(err, &fe) || len(fe.Failed) != 1 || fe.Failed[0].Input != gone || !strings.Contains(fe.Failed[0].Error, "no such file") {
		t.Fatalf("err = %v", err)
	}
	if f := st.Sources[0].Failed; len(f) != 1 || f[0].Input != gone {
		t.Errorf("stats: failed %+v", f)
	}
	var js pipeline.Stats
	json.Unmarshal(mustRead(t, filepath.Join(out, "stats.json")), &js)
	if f := js.Failed(); len(f) != 1 || f[0].Input != gone {
		t.Errorf("stats.json: failed %+v", f)
	}
	m, err := manifest.Parse(mustRead(t, filepath.Join(out, "manifest.json")))
	if err != nil {
		t.Fatal(err)
	}
	if ins := m.Source("commoncrawl").Inputs; len(ins) != 2 || strings.Contains(ins[0].Path+ins[1].Path, "00001") {
		t.Errorf("manifest inputs %+v", ins)
	}
	if _, err := os.Stat(filepath.Join(out, "docs/commoncrawl/CC-SAMPLE-2023-06-00001.parquet")); err == nil {
		t.Error("the failed input has a shard")
	}
	// Through the CLI, with a listing that names a file that is not there
	// (listings are not checked entry by entry): the summary names the
	// input and the exit status is 1.
	listing := filepath.Join(dir, "wet.paths")
	os.WriteFile(listing, []byte(names[0]+"\n"+names[1]+"\n"), 0o644)
	lrec := filepath.Join(dir, "l.yaml")
	os.WriteFile(lrec, []byte("sources:\n  - name: commoncrawl\n    inputs: [wet.paths]\n    base_url: "+src+"\n"), 0o644)
	summary, err := runCLI(t, "", false, "build", "--recipe", lrec, "--out", filepath.Join(dir, "cli"), "--progress", "none")
	if err == nil || exitCode(err) != 1 || !strings.Contains(summary, "1 input(s) FAILED") || !strings.Contains(summary, gone) {
		t.Errorf("CLI: err %v, summary:\n%s", err, summary)
	}
	if m, err := manifest.Parse(mustRead(t, filepath.Join(dir, "cli", "manifest.json"))); err != nil || len(m.Source("commoncrawl").Inputs) != 1 {
		t.Errorf("CLI manifest: %v", err)
	}
	// Back again: the rerun builds what failed and the manifest is whole.
	os.WriteFile(gone, data, 0o644)
	if _, err := planRun(t, out, recipe, 2, 0); err != nil {
		t.Fatal(err)
	}
	m, _ = manifest.Parse(mustRead(t, filepath.Join(out, "manifest.json")))
	if ins := m.Source("commoncrawl").Inputs; len(ins) != 3 {
		t.Errorf("after the rerun: manifest inputs %+v", ins)
	}
	clean := filepath.Join(dir, "clean")
	if _, err := planRun(t, clean, recipe, 2, 0); err != nil {
		t.Fatal(err)
	}
	if got, want := statsWithoutTimes(t, filepath.Join(out, "stats.json")), statsWithoutTimes(t, filepath.Join(clean, "stats.json")); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("stats after the rerun differ from a clean build's:\n%s\nwant\n%s", g, w)
	}
}

// TestSupersededManifest rebuilds an output with a changed recipe and stops
// the rebuild after its first task: manifest.json is gone (the old one is
// kept aside as the merge base), never stale; the rerun writes a manifest
// whose every shard is the file it describes.
func TestSupersededManifest(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if _, err := planRun(t, out, "", 2, 0); err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(dir, "changed.yaml")
	os.WriteFile(changed, []byte(strings.Replace(string(recipes.LLaMA()), "min_chars: 300", "min_chars: 400", 1)), 0o644)
	if _, err := planRun(t, out, changed, 1, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped rebuild: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Fatal("a stopped rebuild left the old manifest, which lists a shard it replaced")
	}
	if _, err := planRun(t, out, changed, 2, 0); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse(mustRead(t, filepath.Join(out, "manifest.json")))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range m.Sources {
		for _, sh := range s.Shards {
			n++
			if b, err := os.ReadFile(filepath.Join(out, sh.Path)); err != nil || pipeline.Digest(b) != sh.SHA256 {
				t.Errorf("%s: manifest digest does not match the file (%v)", sh.Path, err)
			}
		}
	}
	if n == 0 || m.Version != 2 {
		t.Errorf("manifest version %d with %d shards", m.Version, n)
	}
	if _, err := os.Stat(filepath.Join(out, "_previous")); err == nil {
		if left, _ := filepath.Glob(filepath.Join(out, "_previous/*")); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	}
}

// TestOutputLock: a build into an output another live build holds fails
// and names the holder; a lock left by a dead process of this host is
// taken over; a finished build leaves no lock.
func TestOutputLock(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.MkdirAll(out, 0o755)
	host, _ := os.Hostname()
	write := func(pid int, host string) {
		b, _ := json.Marshal(pipeline.LockInfo{PID: pid, Host: host})
		os.WriteFile(filepath.Join(out, pipeline.LockKey), b, 0o644)
	}
	only := []string{"--only", "commoncrawl", "--progress", "none"}
	// Held by this (live) process.
	write(os.Getpid(), host)
	_, err := runCLI(t, "", true, append([]string{"build", "--out", out}, only...)...)
	var le *pipeline.LockError
	if !errors.As(err, &le) || le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("pid %d on %s", os.Getpid(), host)) {
		t.Fatalf("live lock: %v", err)
	}
	// Held on another host: never presumed stale.
	write(1, "elsewhere.example")
	if _, err := runCLI(t, "", true, append([]string{"build", "--out", out}, only...)...); !errors.As(err, &le) || le.Holder.Host != "elsewhere.example" {
		t.Fatalf("remote lock: %v", err)
	}
	// Left by a dead process of this host: taken over.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	write(dead.Process.Pid, host)
	if _, err := runCLI(t, "", true, append([]string{"build", "--out", out}, only...)...); err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, pipeline.LockKey)); err == nil {
		t.Error("the build left its lock")
	}
	// Two builds at once: the second fails naming the first, which goes on.
	slow := filepath.Join(dir, "slow.yaml")
	os.WriteFile(slow, []byte(fmt.Sprintf(slowRecipe, 3)), 0o644)
	done := make(chan error, 1)
	go func() {
		cmd := &cobra.Command{}
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SetContext(context.Background())
		done <- runBuild(cmd, buildFlags{out: out, recipe: slow, workers: 1, progress: "none"}, slowRegistry())
	}()
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(out, pipeline.LockKey)); err == nil {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the first build never took the lock")
		}
	}
	second := &cobra.Command{}
	second.SetOut(io.Discard)
	second.SetErr(io.Discard)
	second.SetContext(context.Background())
	err = runBuild(second, buildFlags{out: out, recipe: slow, workers: 1, progress: "none"}, slowRegistry())
	if !errors.As(err, &le) || le.Holder.PID != os.Getpid() {
		t.Errorf("second build: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("first build: %v", err)
	}
}

// TestScratchCleanup: making a plan removes the scratch folders of killed
// builds of this host (their pid no longer runs) and keeps those of running
// builds and of other hosts.
func TestScratchCleanup(t *testing.T) {
	tmp := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	host, _ := os.Hostname()
	killed := filepath.Join(tmp, fmt.Sprintf("tokenmill-build-%s-%d-123", host, dead.Process.Pid))
	live := filepath.Join(tmp, fmt.Sprintf("tokenmill-build-%s-%d-456", host, os.Getppid()))
	elsewhere := filepath.Join(tmp, fmt.Sprintf("tokenmill-build-other-host-%d-789", dead.Process.Pid))
	other := filepath.Join(tmp, "tokenmill-build-x")
	for _, d := range []string{killed, live, elsewhere, other} {
		os.MkdirAll(filepath.Join(d, "commoncrawl"), 0o755)
	}
	storage.RegisterEmbedded("sample", recipes.Sample())
	reg := defaultRegistry()
	rec, _ := loadRecipe("", reg)
	plan, err := pipeline.NewPlan(context.Background(), rec, reg, pipeline.Options{Out: filepath.Join(tmp, "out"), Only: []string{"commoncrawl"}, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	mine := plan.TempDir
	plan.Close()
	for d, want := range map[string]bool{killed: false, live: true, elsewhere: true, other: true, mine: false} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", d, err == nil, want)
		}
	}
}

// TestBuildFlagErrors: worker counts below one, an empty output and a bad
// memory size are usage errors (exit 2) that say what is wrong.
func TestBuildFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--workers", "0"}, "--workers 0: want at least 1"},
		{[]string{"--workers", "-3"}, "--workers -3: want at least 1"},
		{[]string{"--out", ""}, "--out is empty"},
		{[]string{"--out", " "}, "--out is empty"},
		{[]string{"--memory", "lots"}, `--memory: "lots" is not a size`},
		{[]string{"--memory", "1GiB", "--memory-mb", "5"}, "not both"},
	} {
		_, err := runCLI(t, "", true, append([]string{"build", "--progress", "none"}, c.args...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want exit 2 and %q", c.args, err, c.want)
		}
	}
	for s, want := range map[string]int64{"4GiB": 4 << 30, "512MiB": 512 << 20, "2G": 2 << 30, "1.5KB": 1500, "100": 100, "64 MiB": 64 << 20} {
		if got, err := parseBytes(s); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v", s, got, err)
		}
	}
}

// TestMemoryBudget builds the sample under a small --memory budget (dedup
// spills, batches are cut by size), and with --no-spill (every phase reads
// the inputs from storage): the outputs are the same bytes, stats.json the
// same counts.
func TestMemoryBudget(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	build(t, defaultRegistry(), buildFlags{out: a, workers: 2})
	if _, err := runCLI(t, "", true, "build", "--out", b, "--workers", "2", "--memory", "1MiB", "--progress", "none"); err != nil {
		t.Fatal(err)
	}
	build(t, defaultRegistry(), buildFlags{out: c, workers: 2, noSpill: true})
	sameFiles(t, outputFiles(t, a), outputFiles(t, b))
	sameFiles(t, outputFiles(t, a), outputFiles(t, c))
	want := statsWithoutTimes(t, filepath.Join(a, "stats.json"))
	if !reflect.DeepEqual(statsWithoutTimes(t, filepath.Join(c, "stats.json")), want) {
		t.Error("stats.json differs with --no-spill")
	}
}

// TestFailedHTTPInput: an input listed on an HTTP server that answers 404
// fails its task with an error that says so; the other input is built.
func TestFailedHTTPInput(t *testing.T) {
	dir := t.TempDir()
	good := "CC-SAMPLE-2023-06-00000.warc.wet.gz"
	data := mustRead(t, "../../recipes/sample/commoncrawl/"+good)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/"+good) {
			http.ServeContent(w, r, good, time.Time{}, bytes.NewReader(data))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	listing := filepath.Join(dir, "wet.paths")
	os.WriteFile(listing, []byte(good+"\nCC-SAMPLE-2023-06-00009.warc.wet.gz\n"), 0o644)
	rec := filepath.Join(dir, "r.yaml")
	os.WriteFile(rec, []byte("sources:\n  - name: commoncrawl\n    inputs: [wet.paths]\n    base_url: "+srv.URL+"/crawl\n"), 0o644)
	summary, err := runCLI(t, "", false, "build", "--recipe", rec, "--out", filepath.Join(dir, "out"), "--progress", "none")
	missing := srv.URL + "/crawl/CC-SAMPLE-2023-06-00009.warc.wet.gz"
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), missing) || !strings.Contains(summary, "404") {
		t.Fatalf("err %v, summary:\n%s", err, summary)
	}
	m, err := manifest.Parse(mustRead(t, filepath.Join(dir, "out", "manifest.json")))
	if err != nil {
		t.Fatal(err)
	}
	if ins := m.Source("commoncrawl").Inputs; len(ins) != 1 || ins[0].Path != srv.URL+"/crawl/"+good {
		t.Errorf("manifest inputs %+v", ins)
	}
}

// TestRunTaskElsewhere: a worker that makes the same plan from the recipe
// and options runs one task of the write phase on its own (as on another
// machine); the coordinator's build then takes it as done, and the output
// is the same bytes as a build that ran every task itself.
func TestRunTaskElsewhere(t *testing.T) {
	dir := t.TempDir()
	recipe := filepath.Join(dir, "r.yaml")
	os.WriteFile(recipe, []byte("tokenizer:\n  model: embed://sample/tokenizer.model\nsources:\n  - name: commoncrawl\n    inputs: [embed://sample/commoncrawl]\n    steps:\n      - min_length: {min_chars: 300}\n"), 0o644)
	storage.RegisterEmbedded("sample", recipes.Sample())
	reg := defaultRegistry()
	rec, err := loadRecipe(recipe, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out := filepath.Join(dir, "out")
	opt := pipeline.Options{Out: out, Workers: 2, RecipeDir: dir, TempDir: dir}
	coord, err := pipeline.NewPlan(ctx, rec, reg, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer coord.Close()
	phases, err := coord.Phases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(phases) != 1 || phases[0].Kind != pipeline.PhaseWrite || len(phases[0].Tasks) != 3 {
		t.Fatalf("phases %+v", phases)
	}
	task := phases[0].Tasks[1]
	// The worker: its own plan, from the task's data alone.
	worker, err := pipeline.NewPlan(ctx, rec, reg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.RunTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	worker.Close()
	if phases, _ := coord.Phases(ctx); len(phases) != 1 || len(phases[0].Tasks) != 2 || phases[0].Tasks[0].Index != 0 || phases[0].Tasks[1].Index != 2 {
		t.Fatalf("after the worker's task: phases %+v", phases)
	}
	st, err := coord.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sources[0].Resumed != 1 {
		t.Errorf("resumed %d, want the worker's task", st.Sources[0].Resumed)
	}
	clean := filepath.Join(dir, "clean")
	if _, err := planRun(t, clean, recipe, 2, 0); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, outputFiles(t, out), outputFiles(t, clean))
	if !reflect.DeepEqual(statsWithoutTimes(t, filepath.Join(out, "stats.json")), statsWithoutTimes(t, filepath.Join(clean, "stats.json"))) {
		t.Error("stats differ")
	}
	// A chain with dedup: the worker refuses, naming why.
	full, _ := loadRecipe("", reg)
	wp, err := pipeline.NewPlan(ctx, full, reg, pipeline.Options{Out: filepath.Join(dir, "x"), Only: []string{"commoncrawl"}, TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer wp.Close()
	ph, _ := wp.Phases(ctx)
	if len(ph) != 3 || ph[0].Kind != pipeline.PhaseObserve || ph[2].Kind != pipeline.PhaseWrite {
		t.Errorf("commoncrawl phases %+v", ph)
	}
	if err := wp.RunTask(ctx, ph[2].Tasks[0]); err == nil || !strings.Contains(err.Error(), "cross-document") {
		t.Errorf("RunTask with dedup: %v", err)
	}
}

// TestSameInputTwice: the same file under two names makes dedup stop the
// build (the same record IDs twice), and the error names both files.
// (The same file listed twice is refused before anything runs:
// pipeline's TestCheckInputs.)
func TestSameInputTwice(t *testing.T) {
	dir := t.TempDir()
	data := mustRead(t, "../../recipes/sample/commoncrawl/CC-SAMPLE-2023-06-00000.warc.wet.gz")
	a, b := filepath.Join(dir, "in", "a.warc.wet.gz"), filepath.Join(dir, "in", "b.warc.wet.gz")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.WriteFile(a, data, 0o644)
	os.WriteFile(b, data, 0o644)
	_, err := runCLI(t, "", true, "build", "--only", "commoncrawl", "--input", "commoncrawl="+filepath.Join(dir, "in"), "--out", filepath.Join(dir, "out"), "--progress", "none", "--allow-demo-models")
	// Whichever input is observed second meets the first's IDs.
	if err == nil || !strings.Contains(err.Error(), "has the ID of shard") ||
		!(strings.Contains(err.Error(), "observing "+b) && strings.Contains(err.Error(), "shard 0 is "+a) ||
			strings.Contains(err.Error(), "observing "+a) && strings.Contains(err.Error(), "shard 1 is "+b)) {
		t.Errorf("copies: %v", err)
	}
}
