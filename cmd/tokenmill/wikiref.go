package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	pq "github.com/parquet-go/parquet-go"
	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/filters/fasttext"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
	"github.com/tokenmill/tokenmill/sources/wikipedia"
)

// wikirefOptions are build-wikiref's inputs.
type wikirefOptions struct {
	wiki, pages             string // manifests (or output folders)
	wikiSource, pagesSource string
	output                  string
	minChars                int
	seed                    uint64
	valid                   float64
	ft                      fasttext.Options
}

func newClassifyBuildWikirefCmd() *cobra.Command {
	o := wikirefOptions{wikiSource: "wikipedia", pagesSource: "commoncrawl", minChars: 1000, seed: 1, valid: 0.1,
		ft: fasttext.DefaultOptions()}
	var from string
	cmd := &cobra.Command{
		Use:   "build-wikiref --from OUT --output wikiref.bin",
		Short: "Train LLaMA's Wikipedia-reference classifier from a build's Wikipedia and CommonCrawl text shards",
		Long: `LLaMA kept CommonCrawl pages that a linear classifier finds similar to
"pages used as references in Wikipedia". This trains that classifier from a
build's own outputs: the URLs the Wikipedia articles cite (the wikipedia
source's ext_urls metadata) and the CommonCrawl text shards. Positives are
pages whose URL is cited (compared without scheme, "www.", fragment and
trailing slash) with at least --min-chars characters; negatives are as many
other pages of the same shards, drawn at random by --seed. Both are given to
the trainer as the wikiref step sees a page (lines joined by spaces), split
into train and valid (--valid), and trained with fastText's supervised
defaults on one thread, so the same shards and seed give a byte-identical
model. Precision and recall on the valid split are printed at p >= 0.5 and
at the recipe's 0.25.

The CommonCrawl shards should come from a chain without the wikiref step
(random pages, not pages an earlier classifier kept).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from != "" {
				if o.wiki == "" {
					o.wiki = from
				}
				if o.pages == "" {
					o.pages = from
				}
			}
			if o.wiki == "" || o.pages == "" || o.output == "" {
				return usageError{errors.New("--from (or --wiki and --pages) and --output are required")}
			}
			if o.valid < 0 || o.valid >= 1 {
				return usageError{fmt.Errorf("--valid %g: want a share in [0, 1)", o.valid)}
			}
			return buildWikiref(cmd.Context(), cmd.ErrOrStderr(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "build output (folder or manifest.json) holding both sources' text shards")
	f.StringVar(&o.wiki, "wiki", "", "build output whose Wikipedia text shards give the cited URLs (default --from)")
	f.StringVar(&o.pages, "pages", "", "build output whose CommonCrawl text shards give the pages (default --from)")
	f.StringVar(&o.wikiSource, "wiki-source", o.wikiSource, "source name of the Wikipedia shards")
	f.StringVar(&o.pagesSource, "pages-source", o.pagesSource, "source name of the CommonCrawl shards")
	f.StringVar(&o.output, "output", "", "model file to write (.bin)")
	f.IntVar(&o.minChars, "min-chars", o.minChars, "positives have at least this many characters (LLaMA: 1000)")
	f.Uint64Var(&o.seed, "seed", o.seed, "seed of the negative sample, the split and the trainer")
	f.Float64Var(&o.valid, "valid", o.valid, "share of the examples held out to measure the model")
	f.IntVar(&o.ft.Epoch, "epoch", o.ft.Epoch, "training epochs (fastText: 5)")
	f.Float64Var(&o.ft.LR, "lr", o.ft.LR, "learning rate (fastText: 0.1)")
	f.IntVar(&o.ft.Dim, "dim", o.ft.Dim, "vector size (fastText: 100)")
	f.IntVar(&o.ft.WordNgrams, "wordNgrams", o.ft.WordNgrams, "word n-grams (fastText: 1)")
	return cmd
}

// wikirefKey is the form cited and crawled URLs are matched in: the
// Wikipedia reader's normalization without the scheme (a page cited as
// http:// is often crawled as https://).
func wikirefKey(u string) string {
	n := wikipedia.NormalizeURL(u)
	n = strings.TrimPrefix(n, "https://")
	return strings.TrimPrefix(n, "http://")
}

// example is one labelled page.
type example struct {
	id, text string
	pos      bool
	rank     uint64 // the seed's order of the page
}

func seededRank(seed uint64, salt, id string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(salt))
	h.Write([]byte(id))
	return h.Sum64()
}

func buildWikiref(ctx context.Context, log io.Writer, o wikirefOptions) error {
	start := time.Now()
	stores := pipeline.NewStores()
	defer stores.Close()
	cited := map[string]bool{}
	articles := 0
	err := eachDocRow(ctx, stores, o.wiki, o.wikiSource, func(r *manifest.DocRow) error {
		m, err := r.MetaMap()
		if err != nil {
			return err
		}
		urls := m["ext_urls"]
		if urls == "" {
			return nil
		}
		articles++
		for _, u := range strings.Split(urls, "\n") {
			if k := wikirefKey(u); k != "" {
				cited[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(cited) == 0 {
		return fmt.Errorf("%s: no cited URLs in the %s text shards (build Wikipedia with the source option ext_urls: true)", o.wiki, o.wikiSource)
	}
	var pos, neg []example
	short := 0
	err = eachDocRow(ctx, stores, o.pages, o.pagesSource, func(r *manifest.DocRow) error {
		text := strings.ReplaceAll(r.Text, "\n", " ")
		ex := example{id: r.ID, text: text, rank: seededRank(o.seed, "page", r.ID)}
		if r.URL != "" && cited[wikirefKey(r.URL)] {
			if utf8.RuneCountInString(r.Text) < o.minChars {
				short++
				return nil
			}
			ex.pos = true
			pos = append(pos, ex)
			return nil
		}
		neg = append(neg, ex)
		return nil
	})
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%s: none of the %s pages is cited by the %d Wikipedia articles with citations (%d cited pages under %d characters)",
			o.pages, o.pagesSource, articles, short, o.minChars)
	}
	// As many negatives as positives, the lowest seeded ranks.
	sort.Slice(neg, func(i, j int) bool {
		return neg[i].rank < neg[j].rank || neg[i].rank == neg[j].rank && neg[i].id < neg[j].id
	})
	if len(neg) > len(pos) {
		neg = neg[:len(pos)]
	}
	all := append(pos, neg...)
	sort.Slice(all, func(i, j int) bool {
		return all[i].rank < all[j].rank || all[i].rank == all[j].rank && all[i].id < all[j].id
	})
	var train bytes.Buffer
	var valid []example
	for _, ex := range all {
		if float64(seededRank(o.seed, "split", ex.id)%1_000_000)/1e6 < o.valid {
			valid = append(valid, ex)
			continue
		}
		label := "__label__cc "
		if ex.pos {
			label = "__label__wiki "
		}
		train.WriteString(label)
		train.WriteString(ex.text)
		train.WriteByte('\n')
	}
	ft := o.ft
	ft.Seed = int(o.seed % (1 << 31))
	m, err := fasttext.TrainContext(ctx, &train, ft)
	if err != nil {
		return fmt.Errorf("build-wikiref: %w", err)
	}
	if err := atomicfile.WriteFile(o.output, 0o644, func(w io.Writer) error { return m.Write(w) }); err != nil {
		return err
	}
	fmt.Fprintf(log, "cited URLs %d (from %d articles); positives %d (%d cited pages under %d characters left out), negatives %d; valid %d\n",
		len(cited), articles, len(pos), short, o.minChars, len(neg), len(valid))
	for _, th := range []float32{0.5, 0.25} {
		var tp, fp, fn int
		for _, ex := range valid {
			p, _ := m.DocProb(ex.text, "__label__wiki")
			switch {
			case p >= th && ex.pos:
				tp++
			case p >= th:
				fp++
			case ex.pos:
				fn++
			}
		}
		prec, rec := ratio(tp, tp+fp), ratio(tp, tp+fn)
		fmt.Fprintf(log, "valid at p(wiki) >= %.2f: precision %.3f, recall %.3f (tp %d, fp %d, fn %d)\n", th, prec, rec, tp, fp, fn)
	}
	fmt.Fprintf(log, "wrote %s in %s\n", o.output, time.Since(start).Round(time.Millisecond))
	return nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// eachDocRow calls fn for every row of the text shards of source in a
// build output (its folder or manifest.json; local or object storage).
func eachDocRow(ctx context.Context, stores *pipeline.Stores, out, source string, fn func(*manifest.DocRow) error) error {
	mpath := out
	if !strings.HasSuffix(mpath, ".json") {
		mpath = strings.TrimRight(mpath, "/") + "/manifest.json"
	}
	data, err := stores.ReadFile(ctx, mpath)
	if err != nil {
		return err
	}
	var man manifest.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return fmt.Errorf("%s: %w", mpath, err)
	}
	base := path.Dir(mpath)
	found := false
	for _, s := range man.Sources {
		if s.Name != source {
			continue
		}
		found = true
		for _, sh := range s.Shards {
			if sh.Kind != manifest.KindDocs {
				continue
			}
			p := base + "/" + sh.Path
			b, err := stores.ReadFile(ctx, p)
			if err != nil {
				return err
			}
			rows, err := pq.Read[manifest.DocRow](bytes.NewReader(b), int64(len(b)))
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			for i := range rows {
				if err := fn(&rows[i]); err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
			}
		}
	}
	if !found {
		return fmt.Errorf("%s: no source %q in the manifest", mpath, source)
	}
	return nil
}
