package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/filters/kenlm"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/tokenize"
)

// lmBuild holds the flags of "lm build".
type lmBuild struct {
	from, lang, out    string
	source, ccSource   string
	vocab              int
	coverage           float64
	order              int
	fallback           string
	sample             int
	maxDocs            int
	threads            int
	maxSentenceLength  int
	log                io.Writer
	vocabSet           bool
	ccScored, wikiDocs int
}

func newLmBuildCmd() *cobra.Command {
	b := &lmBuild{}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build CCNet's language model for one language from a build's Wikipedia text shards",
		Long: `Build makes the model folder CCNet's perplexity filter uses, from the text
shards of a tokenmill build (--from, a local output folder with manifest.json):

  1. LANG.txt        the first --max-docs documents of --source (default wikipedia)
                     whose meta wiki_lang (or, without it, lang) is --lang, one
                     normalized line per paragraph (CCNet's normalize: lower case,
                     accents and digits folded)
  2. LANG.sp.model   a SentencePiece Unigram model trained on it (spm_train's
                     unigram trainer, nmt_nfkc); as CCNet's Makefile, vocabulary
                     65536 with character coverage 0.9995, and 40000 when the text
                     is too small for 65536 (unless --vocab-size is given)
  3. LANG.pieces.txt the text encoded with it, pieces separated by spaces
  4. LANG.arpa.gz    the --order n-gram model, interpolated modified Kneser-Ney as
                     lmplz -o 5 --discount_fallback estimates it (no pruning)
  5. LANG.percentiles.csv  document perplexities of up to --sample documents of
                     --cc-source (default commoncrawl) in --lang, percentiles 0..100
  6. cutoff.csv      CCNet's table: one column per language of the folder, one row
                     per percentile; the perplexity step reads rows 30 and 60

Each phase writes its file atomically and is skipped when the file exists, so an
interrupted build resumes at the phase it stopped in; delete a file to redo it
and the phases after it. The perplexity step takes arpa: LANG.arpa.gz, spm:
LANG.sp.model, cutoffs: cutoff.csv.

CCNet trains on the opening_text field of Wikipedia's CirrusSearch dumps, one
article opening per line; the XML dumps have no such field, so every paragraph
of the article is a line here.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if b.from == "" || b.lang == "" || b.out == "" {
				return usageError{errors.New("--from, --lang and --out are required")}
			}
			b.log = cmd.ErrOrStderr()
			b.vocabSet = cmd.Flags().Changed("vocab-size")
			return b.run()
		},
	}
	f := cmd.Flags()
	f.StringVar(&b.from, "from", "", "output folder of a tokenmill build (holds manifest.json and docs/ shards)")
	f.StringVar(&b.lang, "lang", "", "language to build the model for (ISO 639-1, as wiki_lang)")
	f.StringVar(&b.out, "out", "", "model folder to write")
	f.StringVar(&b.source, "source", "wikipedia", "source whose text shards train the model")
	f.StringVar(&b.ccSource, "cc-source", "commoncrawl", "source whose text shards set the cutoffs")
	f.IntVar(&b.vocab, "vocab-size", 65536, "SentencePiece vocabulary size (CCNet: 65536, then 40000 if the text is too small)")
	f.Float64Var(&b.coverage, "character-coverage", 0.9995, "SentencePiece character coverage (CCNet: 0.9995)")
	f.IntVar(&b.maxDocs, "max-docs", 1000000, "documents of the language read for training (CCNet's NDOC_FOR_LM)")
	f.IntVar(&b.order, "order", 5, "n-gram order")
	f.StringVar(&b.fallback, "discount-fallback", "0.5,1,1.5", "D1,D2,D3+ for orders whose discounts cannot be estimated (lmplz --discount_fallback, as CCNet); \"\": fail instead")
	f.IntVar(&b.sample, "sample", 10000, "CommonCrawl documents scored for the cutoffs")
	f.IntVar(&b.threads, "threads", 1, "goroutines of the Unigram trainer's EM")
	f.IntVar(&b.maxSentenceLength, "max-sentence-length", 4192, "SentencePiece trainer: skip longer lines (bytes)")
	return cmd
}

func (b *lmBuild) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "lm build: "+format+"\n", args...)
}

// phase runs fn to make path unless path exists; fn writes through
// atomicfile, so a present file is complete.
func (b *lmBuild) phase(name, path string, fn func() error) error {
	if _, err := os.Stat(path); err == nil {
		b.logf("%s: %s exists, skipped", name, path)
		return nil
	}
	start := time.Now()
	b.logf("%s: writing %s", name, path)
	if err := fn(); err != nil {
		return fmt.Errorf("lm build %s: %w", name, err)
	}
	b.logf("%s: done in %.2fs", name, time.Since(start).Seconds())
	return nil
}

func (b *lmBuild) run() error {
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(b.from, "manifest.json"))
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	man, err := manifest.Parse(data)
	if err != nil {
		return fmt.Errorf("--from %s: %w", b.from, err)
	}
	p := func(suffix string) string { return filepath.Join(b.out, b.lang+suffix) }
	text, model, pieces, arpa, pct := p(".txt"), p(".sp.model"), p(".pieces.txt"), p(".arpa.gz"), p(".percentiles.csv")
	bin := p(".arpa.bin")

	if err := b.phase("text", text, func() error {
		shards, err := docShards(man, b.source, b.from)
		if err != nil {
			return err
		}
		return atomicfile.WriteFile(text, 0o644, func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 1<<20)
			lines := 0
			err := eachDoc(shards, func(r *manifest.DocRow) bool {
				lang := docMeta(r, "wiki_lang")
				if lang == "" {
					lang = r.Lang
				}
				if lang != b.lang {
					return true
				}
				if b.wikiDocs >= b.maxDocs {
					return false
				}
				b.wikiDocs++
				for line := range strings.SplitSeq(r.Text, "\n") {
					if n := normalize.Normalize(line); strings.TrimSpace(n) != "" {
						bw.WriteString(n)
						bw.WriteByte('\n')
						lines++
					}
				}
				return true
			})
			if err != nil {
				return err
			}
			if b.wikiDocs == 0 {
				return fmt.Errorf("no %s document in language %q in %s", b.source, b.lang, b.from)
			}
			b.logf("text: %d documents, %d lines", b.wikiDocs, lines)
			return bw.Flush()
		})
	}); err != nil {
		return err
	}

	if err := b.phase("sentencepiece", model, func() error {
		f, err := os.Open(text)
		if err != nil {
			return err
		}
		defer f.Close()
		o := tokenize.DefaultUnigramOptions()
		o.VocabSize, o.CharacterCoverage, o.Threads = b.vocab, b.coverage, max(b.threads, 1)
		o.MaxSentenceLength = b.maxSentenceLength
		o.InputName, o.ModelPrefix = filepath.Base(text), b.lang+".sp"
		o.Logf = func(format string, args ...any) { b.logf("sentencepiece: "+format, args...) }
		m, err := tokenize.TrainUnigram(bufio.NewReaderSize(f, 1<<20), o)
		if errors.Is(err, tokenize.ErrVocabTooHigh) && !b.vocabSet && o.VocabSize > 40000 {
			// CCNet's Makefile: "Corpus is too small, will train smaller model".
			b.logf("sentencepiece: %v; retrying with vocabulary 40000 as CCNet does", err)
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			o.VocabSize = 40000
			m, err = tokenize.TrainUnigram(bufio.NewReaderSize(f, 1<<20), o)
		}
		if err != nil {
			return err
		}
		raw, err := m.Marshal()
		if err != nil {
			return err
		}
		return atomicfile.WriteFile(model, 0o644, func(w io.Writer) error { _, err := w.Write(raw); return err })
	}); err != nil {
		return err
	}
	sp, err := tokenize.Load(model)
	if err != nil {
		return err
	}

	if err := b.phase("encode", pieces, func() error {
		f, err := os.Open(text)
		if err != nil {
			return err
		}
		defer f.Close()
		return atomicfile.WriteFile(pieces, 0o644, func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 1<<20)
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<26)
			for sc.Scan() {
				if ps := sp.EncodeAsPieces(sc.Text()); len(ps) > 0 {
					bw.WriteString(strings.Join(ps, " "))
					bw.WriteByte('\n')
				}
			}
			if err := sc.Err(); err != nil {
				return fmt.Errorf("%s: %w", text, err)
			}
			return bw.Flush()
		})
	}); err != nil {
		return err
	}

	if err := b.phase("ngram", arpa, func() error {
		opts := kenlm.TrainOptions{SkipSymbols: true}
		if b.fallback != "" {
			for _, s := range strings.Split(b.fallback, ",") {
				v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
				if err != nil {
					return usageError{fmt.Errorf("--discount-fallback: %w", err)}
				}
				opts.DiscountFallback = append(opts.DiscountFallback, v)
			}
			if len(opts.DiscountFallback) != 3 {
				return usageError{errors.New("--discount-fallback takes three values: D1,D2,D3+")}
			}
		}
		f, err := os.Open(pieces)
		if err != nil {
			return err
		}
		defer f.Close()
		m, st, err := kenlm.TrainWithStats(bufio.NewReaderSize(f, 1<<20), b.order, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", pieces, err)
		}
		b.logf("ngram: %d tokens, %d types, n-grams per order %v", st.Tokens, st.Types, st.Counts)
		return atomicfile.WriteFile(arpa, 0o644, func(w io.Writer) error {
			zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
			if err := m.WriteARPA(zw); err != nil {
				return err
			}
			return zw.Close()
		})
	}); err != nil {
		return err
	}

	// CCNet ships its models as KenLM probing binaries ({lang}.arpa.bin):
	// the same here, memory-mapped at load instead of parsed.
	if err := b.phase("binary", bin, func() error {
		lm, err := lmLoadModel(arpa)
		if err != nil {
			return err
		}
		return atomicfile.WriteFile(bin, 0o644, lm.WriteBinary)
	}); err != nil {
		return err
	}

	if err := b.phase("cutoffs", pct, func() error {
		lm, err := lmLoadModel(bin)
		if err != nil {
			return err
		}
		shards, err := docShards(man, b.ccSource, b.from)
		if err != nil {
			return err
		}
		ds := &kenlm.DocScorer{LM: lm, Normalize: normalize.Normalize, AppendNormalize: normalize.AppendNormalize, Encoder: sp}
		var pps []float64
		err = eachDoc(shards, func(r *manifest.DocRow) bool {
			if r.Lang != "" && r.Lang != b.lang {
				return true
			}
			if pp := ds.Score(r.Text).Perplexity; !math.IsNaN(pp) {
				pps = append(pps, pp)
			}
			return len(pps) < b.sample
		})
		if err != nil {
			return err
		}
		if len(pps) == 0 {
			return fmt.Errorf("no %s document in language %q to set the cutoffs", b.ccSource, b.lang)
		}
		slices.Sort(pps)
		b.logf("cutoffs: %d documents scored, p30 %.1f p60 %.1f", len(pps), kenlm.Percentile(pps, 30), kenlm.Percentile(pps, 60))
		return atomicfile.WriteFile(pct, 0o644, func(w io.Writer) error {
			var sb strings.Builder
			for q := 0; q <= 100; q++ {
				fmt.Fprintf(&sb, "%d,%s\n", q, strconv.FormatFloat(kenlm.Percentile(pps, float64(q)), 'g', -1, 64))
			}
			_, err := io.WriteString(w, sb.String())
			return err
		})
	}); err != nil {
		return err
	}
	return b.writeCutoffTable()
}

// writeCutoffTable joins every LANG.percentiles.csv of the folder into
// CCNet's cutoff.csv: a header ",lang1,lang2,...", then one row per
// percentile 0..100.
func (b *lmBuild) writeCutoffTable() error {
	files, err := filepath.Glob(filepath.Join(b.out, "*.percentiles.csv"))
	if err != nil {
		return err
	}
	slices.Sort(files)
	header := []string{""}
	rows := make([][]string, 101)
	for q := range rows {
		rows[q] = []string{strconv.Itoa(q)}
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		recs, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil || len(recs) != 101 {
			return fmt.Errorf("%s: want 101 rows \"percentile,value\" (%v)", f, err)
		}
		header = append(header, strings.TrimSuffix(filepath.Base(f), ".percentiles.csv"))
		for q, rec := range recs {
			if len(rec) != 2 {
				return fmt.Errorf("%s: row %d: want 2 fields", f, q+1)
			}
			rows[q] = append(rows[q], rec[1])
		}
	}
	path := filepath.Join(b.out, "cutoff.csv")
	if err := atomicfile.WriteFile(path, 0o644, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(header)
		cw.WriteAll(rows)
		return cw.Error()
	}); err != nil {
		return err
	}
	b.logf("wrote %s (%s)", path, strings.Join(header[1:], ", "))
	return nil
}

// docShards lists the text shards of a source, in path order.
func docShards(m *manifest.Manifest, source, root string) ([]string, error) {
	s := m.Source(source)
	if s == nil {
		return nil, fmt.Errorf("the build has no source %q", source)
	}
	var out []string
	for _, sh := range s.Shards {
		if sh.Kind == manifest.KindDocs {
			out = append(out, filepath.Join(root, filepath.FromSlash(sh.Path)))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("source %q has no text shards (was the build run with text shards?)", source)
	}
	return out, nil
}

// eachDoc streams the rows of the shards, a batch at a time, until fn
// returns false.
func eachDoc(shards []string, fn func(*manifest.DocRow) bool) error {
	buf := make([]manifest.DocRow, 128)
	for _, path := range shards {
		more, err := func() (bool, error) {
			f, err := os.Open(path)
			if err != nil {
				return false, err
			}
			defer f.Close()
			r := parquet.NewGenericReader[manifest.DocRow](f)
			defer r.Close()
			for {
				n, err := r.Read(buf)
				for i := range n {
					if !fn(&buf[i]) {
						return false, nil
					}
				}
				if err == io.EOF {
					return true, nil
				}
				if err != nil {
					return false, fmt.Errorf("%s: %w", path, err)
				}
			}
		}()
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// docMeta returns a metadata value of a text-shard row (a manifest.DocRow).
// The meta column is read through reflection so that either of its layouts
// works: a map of strings, or one JSON object in a string.
func docMeta(row any, key string) string {
	v := reflect.Indirect(reflect.ValueOf(row)).FieldByName("Meta")
	switch v.Kind() {
	case reflect.Map:
		if x := v.MapIndex(reflect.ValueOf(key)); x.IsValid() {
			return fmt.Sprint(x.Interface())
		}
	case reflect.String:
		var m map[string]any
		if json.Unmarshal([]byte(v.String()), &m) == nil {
			if x, ok := m[key]; ok {
				if s, ok := x.(string); ok {
					return s
				}
				return fmt.Sprint(x)
			}
		}
	}
	return ""
}
