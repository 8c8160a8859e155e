package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/recipes"
)

// build runs `tokenmill build` in-process with the given flags.
func build(t *testing.T, reg *pipeline.Registry, f buildFlags) string {
	t.Helper()
	var out bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetContext(context.Background())
	if f.progress == "" {
		f.progress = "none"
	}
	if err := runBuild(cmd, f, reg); err != nil {
		t.Fatalf("build: %v\n%s", err, out.String())
	}
	return out.String()
}

// outputFiles maps every file under dir (but stats.json, which has timings)
// to its content.
func outputFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "stats.json" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return nil
	})
	return files
}

func sameFiles(t *testing.T, a, b map[string][]byte) {
	t.Helper()
	var names []string
	for k := range a {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(a) != len(b) {
		t.Errorf("%d files vs %d", len(a), len(b))
	}
	for _, k := range names {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s differs", k)
		}
	}
}

// TestBuildDeterministic builds the embedded sample with 1 and 4 workers:
// shards, markers and manifest must be byte-identical.
func TestBuildDeterministic(t *testing.T) {
	d1, d4 := t.TempDir(), t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: d1, workers: 1})
	summary := build(t, defaultRegistry(), buildFlags{out: d4, workers: 4})
	f1, f4 := outputFiles(t, d1), outputFiles(t, d4)
	if len(f1) < 7 {
		t.Fatalf("only %d output files", len(f1))
	}
	sameFiles(t, f1, f4)
	m, err := manifest.Parse(f1["manifest.json"])
	if err != nil {
		t.Fatal(err)
	}
	cc := m.Source("commoncrawl")
	if cc == nil || len(cc.Inputs) != 3 || cc.Docs == 0 {
		t.Fatalf("manifest %+v", m)
	}
	// Inputs are recorded with their size and digest.
	want, _ := os.ReadFile("../../recipes/sample/commoncrawl/CC-SAMPLE-2023-06-00000.warc.wet.gz")
	if in := cc.Inputs[0]; in.Size != int64(len(want)) || in.SHA256 != pipeline.Digest(want) {
		t.Errorf("input %+v", in)
	}
	// Every manifest entry is the file it describes.
	for _, sh := range cc.Shards {
		if got := pipeline.Digest(f1[sh.Path]); got != sh.SHA256 || int64(len(f1[sh.Path])) != sh.Bytes {
			t.Errorf("%s: manifest says %s/%d, file is %s/%d", sh.Path, sh.SHA256, sh.Bytes, got, len(f1[sh.Path]))
		}
	}
	// Step counters count each document once, though doc_dedup also ran in
	// line_dedup's pre-pass.
	var st pipeline.Stats
	if err := json.Unmarshal(mustRead(t, filepath.Join(d1, "stats.json")), &st); err != nil {
		t.Fatal(err)
	}
	cs := st.Sources[0]
	if dd := cs.Steps[0]; dd.Name != "doc_dedup" || dd.Counters["docs_duplicate"] != cs.Drops["doc_dedup:duplicate"] || dd.Counters["docs_duplicate"] == 0 {
		t.Errorf("doc_dedup counted %d duplicates, dropped %d", dd.Counters["docs_duplicate"], cs.Drops["doc_dedup:duplicate"])
	}
	// The sample's damaged records are counted, not fatal.
	for _, want := range []string{"bad-content-length", "bad-header", "truncated-gzip", "CC-SAMPLE-2023-06-00000.warc.wet.gz: record 11 (offset "} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

// sleepStep slows the chain so a test can kill a build in the middle.
type sleepStep struct{ d time.Duration }

func (s sleepStep) Name() string                            { return "sleep" }
func (s sleepStep) Process(d *pipeline.Doc) (string, error) { time.Sleep(s.d); return "", nil }

func slowRegistry() *pipeline.Registry {
	reg := defaultRegistry()
	reg.RegisterStep(pipeline.Spec{Name: "sleep", Fields: []pipeline.Field{{Name: "ms", Type: pipeline.TypeInt, Default: 0}}},
		func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
			return sleepStep{time.Duration(c.Int("ms")) * time.Millisecond}, nil
		})
	return reg
}

const slowRecipe = `
name: slow
sources:
  - name: commoncrawl
    inputs: [embed://sample/commoncrawl]
    steps:
      - sleep: {ms: %d}
      - min_length: {min_chars: 300}
`

// TestHelperBuild is not a test: TestKilledBuild runs it in a child process.
func TestHelperBuild(t *testing.T) {
	if os.Getenv("TOKENMILL_HELPER_OUT") == "" {
		t.Skip("helper process")
	}
	build(t, slowRegistry(), buildFlags{out: os.Getenv("TOKENMILL_HELPER_OUT"), recipe: os.Getenv("TOKENMILL_HELPER_RECIPE"), workers: 1})
}

// TestKilledBuild kills a build with SIGKILL while it writes shards: no file
// that looks like a finished shard may be incomplete, no manifest may exist,
// and a rerun must finish with the same bytes as a build that was never
// interrupted.
func TestKilledBuild(t *testing.T) {
	tmp := t.TempDir()
	slow := filepath.Join(tmp, "slow.yaml")
	fast := filepath.Join(tmp, "fast.yaml")
	os.WriteFile(slow, []byte(fmt.Sprintf(slowRecipe, 4)), 0o644)
	os.WriteFile(fast, []byte(fmt.Sprintf(slowRecipe, 0)), 0o644)
	out := filepath.Join(tmp, "out")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBuild$")
	cmd.Env = append(os.Environ(), "TOKENMILL_HELPER_OUT="+out, "TOKENMILL_HELPER_RECIPE="+slow)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first committed shard, then kill in the middle of the next.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(out, "_tasks/commoncrawl/*.json")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no shard committed within 60s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	if _, err := os.Stat(filepath.Join(out, "manifest.json")); err == nil {
		t.Fatal("the killed build left a manifest")
	}
	var partial, whole int
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			partial++
			return nil
		}
		if strings.HasSuffix(p, ".parquet") {
			whole++
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := f.Stat()
			if _, err := parquet.OpenFile(f, st.Size()); err != nil {
				t.Errorf("%s looks like a shard but is not whole: %v", p, err)
			}
			f.Close()
		}
		return nil
	})
	t.Logf("after the kill: %d whole shards, %d unfinished temporary files", whole, partial)
	if whole == 0 || whole >= 6 {
		t.Fatalf("kill came at the wrong time: %d whole shards", whole)
	}
	// The killed build's scratch folder is left in the temporary folder.
	host, _ := os.Hostname()
	scratch, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("tokenmill-build-%s-%d-*", host, cmd.Process.Pid)))
	if len(scratch) != 1 {
		t.Errorf("scratch folders of the killed build: %v", scratch)
	}
	// Rerun: the committed shards are kept, the rest is done, and the
	// killed build's scratch folder is removed.
	summary := build(t, slowRegistry(), buildFlags{out: out, recipe: slow, workers: 2})
	for _, d := range scratch {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("the rerun left the killed build's scratch folder %s", d)
		}
	}
	if !strings.Contains(summary, "resumed") || strings.Contains(summary, "(0 resumed)") {
		t.Errorf("rerun resumed nothing:\n%s", summary)
	}
	clean := filepath.Join(tmp, "clean")
	build(t, slowRegistry(), buildFlags{out: clean, recipe: slow, workers: 2})
	// The rerun also cleared the killed run's temporary files.
	sameFiles(t, outputFiles(t, out), outputFiles(t, clean))
}

// TestInputOverride reads a source from files given on the command line:
// a folder, a glob and a listing.
func TestInputOverride(t *testing.T) {
	dir := t.TempDir()
	src := "../../sources/commoncrawl/testdata"
	// The fixtures repeat record IDs across files, which dedup refuses: a
	// recipe without it.
	plain := filepath.Join(dir, "plain.yaml")
	os.WriteFile(plain, []byte("sources:\n  - name: commoncrawl\n    inputs: [nowhere]\n"), 0o644)
	for _, spec := range []string{src, src + "/good.warc.wet.gz", src + "/*-member.warc.wet.gz"} {
		out := filepath.Join(dir, fmt.Sprint(len(spec)))
		build(t, defaultRegistry(), buildFlags{recipe: plain, out: out, only: []string{"commoncrawl"}, inputs: []string{"commoncrawl=" + spec}})
		m, err := manifest.Parse(outputFiles(t, out)["manifest.json"])
		if err != nil {
			t.Fatal(err)
		}
		n := len(m.Source("commoncrawl").Inputs)
		want := map[string]int{src: 8, src + "/good.warc.wet.gz": 1, src + "/*-member.warc.wet.gz": 3}[spec]
		if n != want {
			t.Errorf("%s: %d inputs, want %d", spec, n, want)
		}
	}
	// A listing of relative paths, as CommonCrawl's wet.paths.gz.
	listing := filepath.Join(dir, "wet.paths")
	abs, _ := filepath.Abs(src)
	os.WriteFile(listing, []byte("good.warc.wet.gz\none-member.warc.wet.gz\n"), 0o644)
	rec := filepath.Join(dir, "r.yaml")
	os.WriteFile(rec, []byte("sources:\n  - name: commoncrawl\n    inputs: [wet.paths]\n    base_url: "+abs+"\n"), 0o644)
	out := filepath.Join(dir, "listing")
	build(t, defaultRegistry(), buildFlags{out: out, recipe: rec})
	rows, err := parquet.ReadFile[manifest.DocRow](filepath.Join(out, "docs/commoncrawl/one-member.parquet"))
	if err != nil || len(rows) != 4 || rows[1].Text != "Zweite Seite mit deutschem Text.\nNoch eine Zeile." {
		t.Fatalf("listing build: %v %+v", err, rows)
	}
}

// TestBuildGroups runs line dedup over groups of one shard: each group gets
// a fresh dedup state, so shard 1's output is what a build of shard 1 alone
// gives, and the counters add up over the groups.
func TestBuildGroups(t *testing.T) {
	dir := t.TempDir()
	rec := strings.Replace(string(recipes.LLaMA()), "group: 50", "group: 1", 1)
	path := filepath.Join(dir, "groups.yaml")
	os.WriteFile(path, []byte(rec), 0o644)
	grouped := filepath.Join(dir, "grouped")
	summary := build(t, defaultRegistry(), buildFlags{out: grouped, recipe: path, workers: 2})
	alone := filepath.Join(dir, "alone")
	build(t, defaultRegistry(), buildFlags{out: alone, recipe: path, workers: 2,
		inputs: []string{"commoncrawl=embed://sample/commoncrawl/CC-SAMPLE-2023-06-00001.warc.wet.gz"}})
	g, a := outputFiles(t, grouped), outputFiles(t, alone)
	for _, k := range []string{"docs/commoncrawl/CC-SAMPLE-2023-06-00001.parquet", "tokens/commoncrawl/CC-SAMPLE-2023-06-00001.parquet"} {
		if len(g[k]) == 0 || !bytes.Equal(g[k], a[k]) {
			t.Errorf("%s: grouped build differs from the shard built alone", k)
		}
	}
	var st pipeline.Stats
	if err := json.Unmarshal(mustRead(t, filepath.Join(grouped, "stats.json")), &st); err != nil {
		t.Fatal(err)
	}
	dd, ld := st.Sources[0].Steps[0], st.Sources[0].Steps[1]
	if dd.Name != "doc_dedup" || ld.Name != "line_dedup" || ld.Counters["lines_removed"] == 0 || dd.DocsIn != st.Sources[0].DocsIn || ld.DocsIn != dd.DocsOut {
		t.Errorf("line_dedup stats %+v\n%s", ld, summary)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
