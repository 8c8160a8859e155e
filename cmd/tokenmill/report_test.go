package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/tokenmill/tokenmill/pipeline"
)

// TestReportInBrowser builds the embedded sample, writes its report and
// opens it in headless Chromium: the page loads without a console error or
// exception, every chart of the page is drawn, and the charts hold the
// numbers of stats.json (each source's funnel and drop reasons) and of the
// manifest (tokens per source).
func TestReportInBrowser(t *testing.T) {
	browser := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		if os.Getenv("TOKENMILL_REQUIRE_SERVERS") != "" {
			t.Fatal("no chromium on PATH (scripts/test.sh installs Debian's chromium)")
		}
		t.Skip("SKIP: no chromium on PATH; scripts/test.sh installs Debian's chromium")
	}
	out := t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: out, workers: 2})
	if _, err := runCLI(t, "", true, "report", out); err != nil {
		t.Fatal(err)
	}
	var stats struct {
		Sources []struct {
			Name   string           `json:"name"`
			DocsIn int64            `json:"docs_in"`
			Drops  map[string]int64 `json:"drops"`
			Tokens int64            `json:"tokens"`
			Steps  []struct {
				DocsOut int64 `json:"docs_out"`
			} `json:"steps"`
		} `json:"sources"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "stats.json"))
	if err := json.Unmarshal(b, &stats); err != nil {
		t.Fatal(err)
	}

	// The page shows the first dropped document of each reason.
	var full pipeline.Stats
	json.Unmarshal(b, &full)
	page, _ := os.ReadFile(filepath.Join(out, "report.html"))
	for _, s := range full.Sources {
		for reason, ex := range s.DropExamples {
			if len(ex) > 0 && !strings.Contains(string(page), ex[0].ID) {
				t.Errorf("%s: the report lacks the example %s of %s", s.Name, ex[0].ID, reason)
			}
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	var problems []string
	// The tab must exist before listening to it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				problems = append(problems, string(e.Type)+": "+strings.Join(args, " "))
			}
		}
	})
	// Every chart's canvas id and datasets, read back from Chart.js.
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(out, "report.html")), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	canvases, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('canvas').length`))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][][]float64](
		`Object.fromEntries(Object.values(Chart.instances).map(c => [c.canvas.id, c.data.datasets.map(d => d.data)]))`))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(problems) > 0 {
		t.Errorf("console: %v", problems)
	}
	mu.Unlock()
	if len(charts) != canvases || canvases != 2+5*len(stats.Sources) {
		t.Errorf("%d charts drawn on %d canvases for %d sources", len(charts), canvases, len(stats.Sources))
	}
	for _, s := range stats.Sources {
		f := charts["funnel-"+s.Name]
		want := []float64{float64(s.DocsIn)}
		for _, st := range s.Steps {
			want = append(want, float64(st.DocsOut))
		}
		if len(f) != 1 || !equalFloats(f[0], want) {
			t.Errorf("%s funnel %v, stats.json %v", s.Name, f, want)
		}
		var dropped, drawn float64
		for _, n := range s.Drops {
			dropped += float64(n)
		}
		if d := charts["drops-"+s.Name]; len(d) == 1 {
			for _, v := range d[0] {
				drawn += v
			}
		}
		if drawn != dropped {
			t.Errorf("%s: drop chart sums to %v, stats.json to %v", s.Name, drawn, dropped)
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
