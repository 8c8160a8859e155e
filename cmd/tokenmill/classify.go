package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

func newClassifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classify",
		Short: "Train and apply fastText-compatible linear classifiers (the Wikipedia-reference filter)",
	}
	cmd.AddCommand(newClassifyPredictCmd(), newClassifyTrainCmd(), newClassifyTestCmd(), newClassifyBuildWikirefCmd())
	return cmd
}

// classifyOpen opens path, or stdin for "-".
func classifyOpen(cmd *cobra.Command, path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(cmd.InOrStdin()), nil
	}
	return os.Open(path)
}

func classifyLoad(path string) (*fasttext.Model, error) {
	if path == "" {
		return nil, usageError{errors.New("--model is required")}
	}
	return fasttext.Load(path)
}

func newClassifyPredictCmd() *cobra.Command {
	var model, input string
	var k int
	var threshold float32
	var noProb bool
	cmd := &cobra.Command{
		Use:   "predict --model M [-k 2] [--threshold P] [--input FILE] [--no-prob]",
		Short: "Print the top-k labels and probabilities of each input line, as `fasttext predict-prob M - k` does",
		Long: `Reads lines (stdin by default) and prints, for each, what
"fasttext predict-prob M - k [threshold]" prints: "__label__a 0.87 __label__b 0.13".
With --no-prob it prints the labels only, as "fasttext predict" does.
Works with .bin and .ftz models written by fastText 0.9.x or by "classify train".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 {
				return usageError{fmt.Errorf("-k %d: want 1 or more", k)}
			}
			m, err := classifyLoad(model)
			if err != nil {
				return err
			}
			in, err := classifyOpen(cmd, input)
			if err != nil {
				return err
			}
			defer in.Close()
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			var out []byte
			var preds []fasttext.Prediction
			var werr error
			// The line keeps its "\n": fastText reads it as the "</s>" token,
			// which a last line without one does not get.
			err = scanLines(in, func(line []byte) error {
				preds = m.AppendPredictLine(preds[:0], line, k, threshold)
				if noProb {
					out = out[:0]
					for i, p := range preds {
						if i > 0 {
							out = append(out, ' ')
						}
						out = append(out, p.Label...)
					}
					out = append(out, '\n')
				} else {
					out = append(fasttext.AppendFormat(out[:0], preds), '\n')
				}
				_, werr = w.Write(out)
				return werr
			})
			if err != nil && err != werr {
				err = fmt.Errorf("reading %s: %w", input, err)
			}
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "fastText model (.bin or .ftz)")
	f.StringVar(&input, "input", "-", "lines to classify, - for stdin")
	f.IntVarP(&k, "k", "k", 1, "number of labels per line")
	f.Float32Var(&threshold, "threshold", 0, "drop labels whose probability is below this")
	f.BoolVar(&noProb, "no-prob", false, "print labels only, as `fasttext predict` does")
	return cmd
}

func newClassifyTestCmd() *cobra.Command {
	var model, input string
	var k int
	var threshold float32
	cmd := &cobra.Command{
		Use:   "test --model M --input labelled.txt [-k 1] [--threshold P]",
		Short: "Print precision and recall at k on labelled lines, as `fasttext test` does",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 1 {
				return usageError{fmt.Errorf("-k %d: want 1 or more", k)}
			}
			m, err := classifyLoad(model)
			if err != nil {
				return err
			}
			in, err := classifyOpen(cmd, input)
			if err != nil {
				return err
			}
			defer in.Close()
			res, err := m.Test(in, k, threshold)
			if err != nil {
				return err
			}
			g := func(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "N\t%d\nP@%d\t%s\nR@%d\t%s\n", res.N, k, g(res.Precision()), k, g(res.Recall()))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "fastText model (.bin or .ftz)")
	f.StringVar(&input, "input", "-", "labelled lines (__label__x text), - for stdin")
	f.IntVarP(&k, "k", "k", 1, "number of labels predicted per line")
	f.Float32Var(&threshold, "threshold", 0, "drop labels whose probability is below this")
	return cmd
}

func newClassifyTrainCmd() *cobra.Command {
	var input, output, loss string
	o := fasttext.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "train --input labelled.txt --output model.bin [--dim 100 --lr 0.1 --epoch 5 ...]",
		Short: "Train a supervised classifier as `fasttext supervised -thread 1` does",
		Long: `Trains on lines in fastText's format ("__label__x text", labels anywhere
on the line) with fastText's supervised defaults, and writes a .bin that
"fasttext predict" loads. With the same input and options the file is
byte-identical to what "fasttext supervised -thread 1" writes (fastText's
-output is a prefix to which it adds .bin; --output here is the file name).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if input == "" || output == "" {
				return usageError{errors.New("--input and --output are required")}
			}
			l, err := fasttext.ParseLoss(loss)
			if err != nil {
				return usageError{err}
			}
			o.Loss = l
			in, err := classifyOpen(cmd, input)
			if err != nil {
				return err
			}
			defer in.Close()
			start := time.Now()
			m, err := fasttext.TrainContext(cmd.Context(), in, o)
			if err != nil {
				return fmt.Errorf("%s: %w", input, err)
			}
			if err := m.Save(output); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "words %d, labels %d, tokens %d, %s, wrote %s\n",
				m.NWords(), len(m.Labels()), m.NTokens(), time.Since(start).Round(time.Millisecond), output)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "training lines, - for stdin")
	f.StringVar(&output, "output", "", "model file to write")
	f.IntVar(&o.Dim, "dim", o.Dim, "size of word vectors")
	f.Float64Var(&o.LR, "lr", o.LR, "learning rate")
	f.IntVar(&o.Epoch, "epoch", o.Epoch, "number of epochs")
	f.IntVar(&o.WordNgrams, "wordNgrams", o.WordNgrams, "max length of word n-grams")
	f.IntVar(&o.Bucket, "bucket", o.Bucket, "number of hash buckets (0 without word or char n-grams)")
	f.IntVar(&o.MinCount, "minCount", o.MinCount, "minimal number of word occurrences")
	f.IntVar(&o.MinCountLabel, "minCountLabel", o.MinCountLabel, "minimal number of label occurrences")
	f.IntVar(&o.Minn, "minn", o.Minn, "min length of char n-grams")
	f.IntVar(&o.Maxn, "maxn", o.Maxn, "max length of char n-grams")
	f.IntVar(&o.Neg, "neg", o.Neg, "negatives sampled (loss ns)")
	f.IntVar(&o.LRUpdateRate, "lrUpdateRate", o.LRUpdateRate, "tokens between learning-rate updates")
	f.IntVar(&o.Seed, "seed", o.Seed, "random seed")
	f.StringVar(&loss, "loss", "softmax", "loss function: softmax, hs, ns or ova")
	return cmd
}
