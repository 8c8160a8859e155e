package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/filters/kenlm"
	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/tokenize"
)

func newLmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lm",
		Short: "Score, train and bucket with KenLM-compatible n-gram language models",
	}
	cmd.AddCommand(newLmScoreCmd(), newLmDocppCmd(), newLmTrainCmd(), newLmCutoffsCmd(), newLmBuildBinaryCmd(), newLmBuildCmd())
	return cmd
}

// lmMapLines is mapLines for the lm commands, whose work is on strings.
func lmMapLines(r io.Reader, w io.Writer, threads int, fn func(line string, n int) (string, error)) error {
	out := bufio.NewWriterSize(w, 1<<16)
	err := mapLines(r, out, threads, func() lineFunc {
		return func(dst, line []byte, n int) ([]byte, error) {
			s, err := fn(string(line), n)
			if err != nil {
				return dst, err
			}
			return append(dst, s...), nil
		}
	})
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

func lmReadCutoffs(path string) (kenlm.Cutoffs, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := kenlm.ReadCutoffs(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// lmModelFlags adds --model and its older name --arpa, both setting
// *path: an ARPA file (plain or gzip) or a KenLM binary file, told apart by
// their first bytes.
func lmModelFlags(cmd *cobra.Command, path *string, doc string) {
	cmd.Flags().StringVar(path, "model", "", doc)
	cmd.Flags().StringVar(path, "arpa", "", "the same as --model (its older name)")
}

// lmLoadModel loads the model named by --model (or --arpa): an ARPA file,
// plain or gzipped, is parsed; a KenLM binary file (build_binary: probing,
// trie, quantized) is memory-mapped and read in place.
func lmLoadModel(path string) (*kenlm.Model, error) {
	if path == "" {
		return nil, usageError{errors.New("--model is required")}
	}
	return kenlm.Load(path)
}

// lmInput holds the flags shared by score and docpp that say what a line
// of input is and how it becomes pieces.
type lmInput struct {
	spm       string
	pieces    bool
	jsonIn    bool
	normalize bool
}

func (in *lmInput) flags(cmd *cobra.Command, normalizeDefault bool) {
	f := cmd.Flags()
	f.StringVar(&in.spm, "spm", "", "SentencePiece model: input lines are text to encode (default: input is pieces)")
	f.BoolVar(&in.pieces, "pieces", false, "input lines are already pieces separated by spaces (the default without --spm)")
	f.BoolVar(&in.jsonIn, "json", false, "each input line is a JSON string literal (a document that may hold newlines)")
	f.BoolVar(&in.normalize, "normalize", normalizeDefault, "apply CCNet's normalize before encoding (needs --spm)")
}

// build returns the normaliser and encoder the flags ask for.
func (in *lmInput) build(cmd *cobra.Command) (kenlm.Normalizer, kenlm.Encoder, error) {
	if in.pieces && in.spm != "" {
		return nil, nil, usageError{errors.New("--pieces and --spm exclude each other")}
	}
	if in.spm == "" {
		if in.normalize && cmd.Flags().Changed("normalize") {
			return nil, nil, usageError{errors.New("--normalize needs --spm (pieces are scored as they are)")}
		}
		return nil, nil, nil
	}
	sp, err := tokenize.Load(in.spm)
	if err != nil {
		return nil, nil, fmt.Errorf("--spm: %w", err)
	}
	var norm kenlm.Normalizer
	if in.normalize {
		norm = normalize.Normalize
	}
	return norm, sp, nil
}

// decode turns an input line into the text it stands for.
func (in *lmInput) decode(line string, n int) (string, error) {
	if !in.jsonIn {
		return line, nil
	}
	var s string
	if err := json.Unmarshal([]byte(line), &s); err != nil {
		return "", fmt.Errorf("stdin line %d: not a JSON string: %w", n, err)
	}
	return s, nil
}

func formatPP(pp float64) string {
	if math.IsNaN(pp) {
		return "nan"
	}
	return strconv.FormatFloat(pp, 'f', 4, 64)
}

func newLmScoreCmd() *cobra.Command {
	var arpa string
	var in lmInput
	var noBosEos, perLine, kenlmTotal bool
	var threads int
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score stdin lines as KenLM's query does: log10, tokens, perplexity per line",
		Long: `Score reads one sentence per line on stdin and prints, per line,
"log10<TAB>tokens<TAB>perplexity": the total log10 probability as KenLM's query
gives it (with <s> context and </s> scored, unless --no-bos-eos), the number of
pieces (</s> not counted) and 10^(-log10/(tokens+1)), or 10^(-log10/tokens)
with --no-bos-eos. Lines are pieces separated by spaces, or text encoded with
--spm. Each line is one sentence. With --json a line is a JSON string that may
hold newlines: it is still one sentence (KenLM treats a newline as a space),
unless --per-line scores each of its lines as a sentence and prints their
total, their pieces and 10^(-total/Σ(pieces+1)). For CCNet's document
perplexity (normalise, encode, round) use docpp.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			norm, enc, err := in.build(cmd)
			if err != nil {
				return err
			}
			lm, err := lmLoadModel(arpa)
			if err != nil {
				return err
			}
			defer lm.Close()
			bosEos := !noBosEos
			return lmMapLines(cmd.InOrStdin(), cmd.OutOrStdout(), threads, func(line string, n int) (string, error) {
				text, err := in.decode(line, n)
				if err != nil {
					return "", err
				}
				sentences := []string{text}
				if perLine {
					sentences = strings.Split(text, "\n")
				}
				var lp float64
				var lp32 float32
				var tokens, length int
				for _, sent := range sentences {
					if norm != nil {
						sent = norm(sent)
					}
					if enc != nil {
						sent = strings.Join(enc.EncodeAsPieces(sent), " ")
					}
					l, t, _ := lm.ScoreLine(sent, bosEos, bosEos)
					if kenlmTotal {
						l32, _, _ := lm.ScoreLineFloat32(sent, bosEos, bosEos)
						lp32 += l32
					}
					lp += l
					tokens += t
					length += t
					if bosEos {
						length++
					}
				}
				pp := math.NaN()
				if length > 0 {
					pp = math.Pow(10, -lp/float64(length))
				}
				total := strconv.FormatFloat(lp, 'f', 6, 64)
				if kenlmTotal {
					total = strconv.FormatFloat(float64(lp32), 'g', -1, 32)
				}
				return fmt.Sprintf("%s\t%d\t%s\n", total, tokens, formatPP(pp)), nil
			})
		},
	}
	cmd.Flags().BoolVar(&kenlmTotal, "kenlm-total", false, "print the total as KenLM's query does: the per-word values added in float32, shortest form (drifts from the exact sum on long lines)")
	lmModelFlags(cmd, &arpa, "n-gram model (required): ARPA, gzipped ARPA or KenLM binary")
	cmd.Flags().BoolVar(&noBosEos, "no-bos-eos", false, "no <s> context and no </s> (KenLM query -n)")
	cmd.Flags().BoolVar(&perLine, "per-line", false, "with --json: score each line of a document as a sentence and print the document's total")
	cmd.Flags().IntVar(&threads, "threads", 0, "scoring goroutines (default GOMAXPROCS); output keeps input order")
	in.flags(cmd, false)
	return cmd
}

func newLmDocppCmd() *cobra.Command {
	var arpa string
	var in lmInput
	var perLine bool
	var threads int
	var cutoffs, lang string
	cmd := &cobra.Command{
		Use:   "docpp",
		Short: "CCNet document perplexity of each stdin document",
		Long: `Docpp reads one document per line on stdin (with --json, a JSON string
literal, so documents keep their newlines) and prints, per document,
"perplexity<TAB>log10<TAB>pieces<TAB>oov". As in CCNet, the text is normalised
(cc_net's normalize, which deletes newlines), encoded with --spm, scored as
ONE sentence with <s> and </s>, and pp = 10^(-log10/(pieces+1)) rounded to 0.1.
--per-line scores each line of a document as its own sentence instead and
divides by the sum of (pieces+1). With --pieces the input is already pieces.
With --cutoffs (a table from "lm cutoffs") and --lang, a fifth column gives
CCNet's bucket: head < p30 <= middle < p60 <= tail.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			norm, enc, err := in.build(cmd)
			if err != nil {
				return err
			}
			lm, err := lmLoadModel(arpa)
			if err != nil {
				return err
			}
			defer lm.Close()
			var cut kenlm.Cutoffs
			if cutoffs != "" {
				if lang == "" {
					return usageError{errors.New("--cutoffs needs --lang")}
				}
				if cut, err = lmReadCutoffs(cutoffs); err != nil {
					return err
				}
				if _, ok := cut[lang]; !ok {
					return fmt.Errorf("%s: no cutoffs for language %q", cutoffs, lang)
				}
			}
			ds := &kenlm.DocScorer{LM: lm, Normalize: norm, Encoder: enc, PerLine: perLine}
			if norm != nil {
				ds.AppendNormalize = normalize.AppendNormalize
			}
			return lmMapLines(cmd.InOrStdin(), cmd.OutOrStdout(), threads, func(line string, n int) (string, error) {
				text, err := in.decode(line, n)
				if err != nil {
					return "", err
				}
				s := ds.Score(text)
				bucket := ""
				if cut != nil {
					bucket = "\t" + cut.Bucket(lang, s.Perplexity)
				}
				return fmt.Sprintf("%s\t%s\t%d\t%d%s\n", strconv.FormatFloat(s.Perplexity, 'f', 1, 64),
					strconv.FormatFloat(s.LogProb, 'f', 6, 64), s.Pieces, s.OOV, bucket), nil
			})
		},
	}
	lmModelFlags(cmd, &arpa, "n-gram model (required): ARPA, gzipped ARPA or KenLM binary")
	cmd.Flags().IntVar(&threads, "threads", 0, "scoring goroutines (default GOMAXPROCS); output keeps input order")
	cmd.Flags().StringVar(&cutoffs, "cutoffs", "", "cutoff table (lm cutoffs): add a bucket column")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the documents, for --cutoffs")
	cmd.Flags().BoolVar(&perLine, "per-line", false, "score each line of a document as a sentence (default: the whole document, as CCNet)")
	in.flags(cmd, true)
	return cmd
}

func newLmTrainCmd() *cobra.Command {
	var order int
	var text, arpa, fallback string
	var skipSymbols bool
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Estimate an interpolated modified Kneser-Ney model as KenLM's lmplz does",
		Long: `Train reads --text (one sentence per line, pieces separated by spaces) and
writes the ARPA model lmplz -o ORDER would write (no pruning): the same n-grams
and probabilities within 1e-4 log10. It prints lmplz's statistics (tokens,
types, n-grams and discounts per order) on stderr. Counts are held in memory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if text == "" || arpa == "" {
				return usageError{errors.New("--text and --arpa are required")}
			}
			opts := kenlm.TrainOptions{SkipSymbols: skipSymbols}
			if fallback != "" {
				for _, f := range strings.FieldsFunc(fallback, func(r rune) bool { return r == ',' || r == ' ' }) {
					v, err := strconv.ParseFloat(f, 64)
					if err != nil {
						return usageError{fmt.Errorf("--discount-fallback: %w", err)}
					}
					opts.DiscountFallback = append(opts.DiscountFallback, v)
				}
				if len(opts.DiscountFallback) != 3 {
					return usageError{errors.New("--discount-fallback takes three values: D1,D2,D3+")}
				}
			}
			start := time.Now()
			f, err := os.Open(text)
			if err != nil {
				return err
			}
			defer f.Close()
			m, st, err := kenlm.TrainWithStats(bufio.NewReaderSize(f, 1<<20), order, opts)
			if err != nil {
				return fmt.Errorf("%s: %w", text, err)
			}
			errw := cmd.ErrOrStderr()
			fmt.Fprintf(errw, "Unigram tokens %d types %d\n", st.Tokens, st.Types)
			for i, d := range st.Discounts {
				note := ""
				if st.Fallback[i] {
					note = " (fallback)"
				}
				fmt.Fprintf(errw, "%d %d D1=%.6g D2=%.6g D3+=%.6g%s\n", i+1, st.Counts[i], d[0], d[1], d[2], note)
			}
			if err := atomicfile.WriteFile(arpa, 0o644, m.WriteARPA); err != nil {
				return fmt.Errorf("%s: %w", arpa, err)
			}
			fmt.Fprintf(errw, "wrote %s in %.2fs\n", arpa, time.Since(start).Seconds())
			return nil
		},
	}
	cmd.Flags().IntVar(&order, "order", 5, "n-gram order")
	cmd.Flags().StringVar(&text, "text", "", "training text, one sentence of pieces per line (required)")
	cmd.Flags().StringVar(&arpa, "arpa", "", "output ARPA file (required)")
	cmd.Flags().BoolVar(&skipSymbols, "skip-symbols", false, "read <s>, </s> and <unk> in the text as whitespace (lmplz --skip_symbols); default: fail")
	cmd.Flags().StringVar(&fallback, "discount-fallback", "", "D1,D2,D3+ for orders whose discounts cannot be estimated (lmplz uses 0.5,1,1.5); default: fail")
	return cmd
}

func newLmCutoffsCmd() *cobra.Command {
	var arpa, lang, outPath string
	var in lmInput
	cmd := &cobra.Command{
		Use:   "cutoffs",
		Short: "Compute per-language p30/p60 perplexity cutoffs for CCNet's buckets",
		Long: `Cutoffs computes the 30th and 60th percentiles (numpy's linear
interpolation) of document perplexity per language and writes the table
("lang<TAB>p30<TAB>p60") to --out, or stdout; languages already in --out and
not in the input are kept, so one run per language builds the table. Input on stdin is either
"lang<TAB>perplexity" lines, or, with --model and --lang, documents that are
scored as docpp scores them (same input flags). Buckets are then
head < p30 <= middle < p60 <= tail.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			samples := map[string][]float64{}
			n := 0
			var each func(line string) error
			if arpa != "" {
				if lang == "" {
					return usageError{errors.New("--model needs --lang: a model scores one language")}
				}
				norm, enc, err := in.build(cmd)
				if err != nil {
					return err
				}
				lm, err := lmLoadModel(arpa)
				if err != nil {
					return err
				}
				defer lm.Close()
				ds := &kenlm.DocScorer{LM: lm, Normalize: norm, Encoder: enc}
				each = func(line string) error {
					n++
					text, err := in.decode(line, n)
					if err != nil {
						return err
					}
					samples[lang] = append(samples[lang], ds.Score(text).Perplexity)
					return nil
				}
			} else {
				each = func(line string) error {
					n++
					if strings.TrimSpace(line) == "" {
						return nil
					}
					l, v, ok := strings.Cut(strings.TrimRight(line, "\r"), "\t")
					pp, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if !ok || err != nil {
						return fmt.Errorf("stdin line %d: want \"lang<TAB>perplexity\", got %q", n, line)
					}
					samples[l] = append(samples[l], pp)
					return nil
				}
			}
			if err := eachLine(cmd.InOrStdin(), func(line []byte) error { return each(string(line)) }); err != nil {
				return err
			}
			cut := kenlm.ComputeCutoffs(samples)
			if outPath == "" {
				_, err := cut.WriteTo(cmd.OutOrStdout())
				return err
			}
			// An existing table keeps its other languages, so one run per
			// language model builds the whole table.
			if old, err := lmReadCutoffs(outPath); err == nil {
				for l, c := range old {
					if _, ok := cut[l]; !ok {
						cut[l] = c
					}
				}
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
			return atomicfile.WriteFile(outPath, 0o644, func(w io.Writer) error {
				_, err := cut.WriteTo(w)
				return err
			})
		},
	}
	lmModelFlags(cmd, &arpa, "n-gram model (ARPA, gzipped ARPA or KenLM binary): stdin holds documents to score (default: stdin holds lang<TAB>perplexity)")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the documents scored with --model")
	cmd.Flags().StringVar(&outPath, "out", "", "cutoff table to write (default stdout)")
	in.flags(cmd, true)
	return cmd
}

func newLmBuildBinaryCmd() *cobra.Command {
	var model, out string
	cmd := &cobra.Command{
		Use:   "build-binary",
		Short: "Convert an ARPA model to a KenLM binary file (probing), which loads at once",
		Long: `Build-binary reads --model (ARPA, plain or gzip) and writes --out in KenLM's binary
format with probing hash tables, the layout of KenLM's build_binary default (and of
CCNet's *.arpa.bin): lm score --model, the perplexity step and KenLM's own query map it
instead of parsing text, so loading costs no time whatever the model's size. The file
holds exactly the entries build_binary would write (same keys, values and flags);
their slots may differ. For trie or quantized layouts use KenLM's build_binary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{errors.New("--out is required")}
			}
			t0 := time.Now()
			lm, err := lmLoadModel(model)
			if err != nil {
				return err
			}
			defer lm.Close()
			if err := atomicfile.WriteFile(out, 0o644, lm.WriteBinary); err != nil {
				return err
			}
			st, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%.1f MB, counts %v) in %.2fs\n", out, float64(st.Size())/1e6, lm.Counts(), time.Since(t0).Seconds())
			return nil
		},
	}
	lmModelFlags(cmd, &model, "ARPA model to convert (plain or gzip; required)")
	cmd.Flags().StringVar(&out, "out", "", "KenLM binary file to write (required)")
	return cmd
}
