// Package report turns a build's output (manifest.json, stats.json and a
// sample of its text shards) into one self-contained HTML page: the
// per-source funnel through each step, drop reasons, languages, the
// perplexity histogram by bucket, document lengths, tokens per source
// against the recipe's mixture, shard sizes, and examples of what was
// skipped or dropped, so that a user can judge a filter by looking.
//
// The charts are drawn by Chart.js (4.6.2, MIT; assets/), a maintained
// charting library, inlined into the page with the data as JSON, so the
// file opens without a network. The same page is what a server shows for a
// running build (Render on the data Collect gathers at that moment).
package report

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	pq "github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

//go:embed assets/chart.umd.min.js
var chartJS string

// Stats is the part of stats.json the report reads.
type Stats struct {
	Seconds float64       `json:"seconds"`
	Workers int           `json:"workers"`
	Sources []SourceStats `json:"sources"`
}

// SourceStats is one source of stats.json.
type SourceStats struct {
	Name         string           `json:"name"`
	Inputs       int              `json:"inputs"`
	DocsIn       int64            `json:"docs_in"`
	BytesIn      int64            `json:"bytes_in"`
	DocsOut      int64            `json:"docs_out"`
	BytesOut     int64            `json:"bytes_out"`
	Tokens       int64            `json:"tokens"`
	Skipped      map[string]int64 `json:"skipped"`
	SkipExamples []string         `json:"skip_examples"`
	Drops        map[string]int64 `json:"drops"`
	Steps        []StepStats      `json:"steps"`
	// DropExamples are the first documents dropped for each reason.
	DropExamples map[string][]Example `json:"drop_examples"`
}

// StepStats is one step of a source.
type StepStats struct {
	Name     string `json:"name"`
	DocsIn   int64  `json:"docs_in"`
	DocsOut  int64  `json:"docs_out"`
	BytesIn  int64  `json:"bytes_in"`
	BytesOut int64  `json:"bytes_out"`
}

// Data is everything the page shows; it is also embedded in the page as
// JSON (id "report-data"), so tests and tools can read the numbers back.
type Data struct {
	Title    string        `json:"title"`
	Manifest string        `json:"manifest"`
	Stats    Stats         `json:"stats"`
	Mixture  []MixtureRow  `json:"mixture"`
	Sources  []SourceShape `json:"sources"`
	// SampleRows is the cap on text-shard rows read per source.
	SampleRows int `json:"sample_rows"`
}

// MixtureRow is one source's tokens against the recipe's weight.
type MixtureRow struct {
	Source     string  `json:"source"`
	Weight     float64 `json:"weight"`
	Epochs     float64 `json:"epochs"`
	Tokens     int64   `json:"tokens"`
	TokenShare float64 `json:"token_share"`
}

// SourceShape is what the sampled text shards of a source look like.
type SourceShape struct {
	Source string `json:"source"`
	// Rows is how many kept documents were sampled.
	Rows int `json:"rows"`
	// Langs counts the kept documents by language label.
	Langs map[string]int `json:"langs"`
	// Perplexity is a histogram (Bins edges, one count list per bucket).
	PPBins    []float64        `json:"pp_bins"`
	PPBuckets map[string][]int `json:"pp_buckets"`
	// Length is a histogram of characters per document on log2 bins:
	// LenBins[i] is the lower edge of bin i.
	LenBins   []int   `json:"len_bins"`
	LenCounts []int   `json:"len_counts"`
	Shards    []int64 `json:"shard_bytes"`
	// Examples are the first characters of sampled kept documents.
	Examples []Example `json:"examples"`
}

// Example is a document excerpt.
type Example struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Options of Collect.
type Options struct {
	// SampleRows caps the text-shard rows read per source (0: 20000).
	SampleRows int
}

// Collect reads a build output (its folder or manifest.json URL).
func Collect(ctx context.Context, fs *pipeline.Stores, out string, o Options) (*Data, error) {
	if o.SampleRows <= 0 {
		o.SampleRows = 20000
	}
	mpath := out
	if !strings.HasSuffix(mpath, ".json") {
		mpath = strings.TrimRight(mpath, "/") + "/manifest.json"
	}
	base := path.Dir(mpath)
	d := &Data{Title: base, Manifest: mpath, SampleRows: o.SampleRows}
	b, err := fs.ReadFile(ctx, mpath)
	if err != nil {
		return nil, err
	}
	var man manifest.Manifest
	if err := json.Unmarshal(b, &man); err != nil {
		return nil, fmt.Errorf("%s: %w", mpath, err)
	}
	if b, err := fs.ReadFile(ctx, base+"/stats.json"); err == nil {
		if err := json.Unmarshal(b, &d.Stats); err != nil {
			return nil, fmt.Errorf("%s/stats.json: %w", base, err)
		}
	}
	var total int64
	for _, s := range man.Sources {
		total += s.Tokens
	}
	for _, s := range man.Sources {
		row := MixtureRow{Source: s.Name, Weight: s.Weight, Epochs: s.Epochs, Tokens: s.Tokens}
		if total > 0 {
			row.TokenShare = float64(s.Tokens) / float64(total)
		}
		d.Mixture = append(d.Mixture, row)
		shape, err := collectSource(ctx, fs, base, s, o.SampleRows)
		if err != nil {
			return nil, err
		}
		d.Sources = append(d.Sources, *shape)
	}
	return d, nil
}

// ppBinCount is the number of perplexity bins: equal widths from 0 to the
// 99th percentile of the sample, the last bin holding everything above.
const ppBinCount = 20

type ppSample struct {
	pp     float64
	bucket string
}

func collectSource(ctx context.Context, fs *pipeline.Stores, base string, s manifest.Source, capRows int) (*SourceShape, error) {
	sh := &SourceShape{Source: s.Name, Langs: map[string]int{}, PPBuckets: map[string][]int{}}
	var pps []ppSample
	for i := 0; i < 24; i++ {
		sh.LenBins = append(sh.LenBins, 1<<i)
	}
	sh.LenCounts = make([]int, len(sh.LenBins))
	for _, shard := range s.Shards {
		sh.Shards = append(sh.Shards, shard.Bytes)
		if shard.Kind != manifest.KindDocs || sh.Rows >= capRows {
			continue
		}
		p := base + "/" + shard.Path
		b, err := fs.ReadFile(ctx, p)
		if err != nil {
			return nil, err
		}
		rows, err := pq.Read[manifest.DocRow](bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for i := range rows {
			if sh.Rows >= capRows {
				break
			}
			r := &rows[i]
			sh.Rows++
			lang := r.Lang
			if lang == "" {
				lang = "(none)"
			}
			sh.Langs[lang]++
			if r.Bucket != "" && r.Perplexity > 0 {
				pps = append(pps, ppSample{float64(r.Perplexity), r.Bucket})
			}
			n := utf8.RuneCountInString(r.Text)
			bin := 0
			if n > 0 {
				bin = min(int(math.Log2(float64(n))), len(sh.LenCounts)-1)
			}
			sh.LenCounts[bin]++
			if len(sh.Examples) < 5 {
				sh.Examples = append(sh.Examples, Example{ID: r.ID, Text: excerpt(r.Text, 200)})
			}
		}
	}
	binPerplexity(sh, pps)
	return sh, nil
}

// binPerplexity fills the perplexity histogram, one count list per bucket.
func binPerplexity(sh *SourceShape, pps []ppSample) {
	if len(pps) == 0 {
		return
	}
	vals := make([]float64, len(pps))
	for i, p := range pps {
		vals[i] = p.pp
	}
	sort.Float64s(vals)
	top := vals[min(len(vals)-1, len(vals)*99/100)]
	// A round bin width: 1, 2 or 5 times a power of ten.
	raw := top / ppBinCount
	width := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if width*m >= raw {
			width *= m
			break
		}
	}
	for i := 0; i < ppBinCount; i++ {
		sh.PPBins = append(sh.PPBins, float64(i)*width)
	}
	for _, p := range pps {
		c := sh.PPBuckets[p.bucket]
		if c == nil {
			c = make([]int, ppBinCount)
			sh.PPBuckets[p.bucket] = c
		}
		c[min(int(p.pp/width), ppBinCount-1)]++
	}
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i] + "…"
}

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("report").Parse(pageHTML))

// Render writes the page.
func Render(w io.Writer, d *Data) error {
	js, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return page.Execute(w, map[string]any{
		"Title": d.Title,
		// Data is JSON in a <script type="application/json">: html/template
		// escapes it for that context.
		"Data":    template.JS(escapeScript(js)),
		"ChartJS": template.JS(chartJS),
		"D":       d,
	})
}

// escapeScript keeps JSON from closing its <script> element.
func escapeScript(b []byte) string {
	s := string(b)
	s = strings.ReplaceAll(s, "</", `<\/`)
	s = strings.ReplaceAll(s, "<!--", `<\!--`)
	return s
}
