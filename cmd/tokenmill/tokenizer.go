package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
	"github.com/tokenmill/tokenmill/tokenize"
)

func newTokenizerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokenizer",
		Short: "Encode, decode, inspect and train SentencePiece-compatible tokenizers",
	}
	cmd.AddCommand(newTokenizerEncodeCmd(), newTokenizerDecodeCmd(), newTokenizerInfoCmd(), newTokenizerTrainCmd())
	return cmd
}

func loadModelFlag(path string) (*tokenize.Model, error) {
	if path == "" {
		return nil, usageError{errors.New("--model is required")}
	}
	return tokenize.Load(path)
}

func newTokenizerEncodeCmd() *cobra.Command {
	var modelPath, format string
	var pieces, jsonIn, bos, eos bool
	var threads int
	cmd := &cobra.Command{
		Use:   "encode [FILE...]",
		Short: "Encode text, one document per line, to ids or pieces",
		Long: `Encode reads UTF-8 text from the files named (or stdin), one document per
line, and writes one line per document: by default a JSON array of the ids
spm_encode --output_format=id gives (of the pieces with --pieces).
--output-format id or piece prints them space-separated, exactly as
spm_encode --output_format=id or piece does. A trailing CR is kept as part of
the line, like spm_encode. With --json each input line is a JSON string
literal, so documents may hold newlines and NULs.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "json":
			case "id", "piece":
				if pieces {
					return usageError{errors.New("--pieces goes with --output-format json; use --output-format piece")}
				}
				pieces = format == "piece"
			default:
				return usageError{fmt.Errorf("--output-format %q: want json, id or piece", format)}
			}
			plain := format != "json"
			m, err := loadModelFlag(modelPath)
			if err != nil {
				return err
			}
			if bos && m.BOSID() < 0 {
				return usageError{errors.New("--bos: the model has no <s> control piece")}
			}
			if eos && m.EOSID() < 0 {
				return usageError{errors.New("--eos: the model has no </s> control piece")}
			}
			if threads <= 0 {
				threads = runtime.GOMAXPROCS(0)
			}
			name := "stdin"
			// open, sep and close frame one document's output.
			open, sep, close := "[", ", ", "]\n"
			if plain {
				open, sep, close = "", " ", "\n"
			}
			// One encoder per goroutine, each with its own id buffer.
			newEnc := func() lineFunc {
				var scratch []int32
				return func(dst, line []byte, lineNo int) ([]byte, error) {
					if jsonIn {
						var s string
						if err := json.Unmarshal(line, &s); err != nil {
							return dst, fmt.Errorf("%s line %d: --json: %w", name, lineNo, err)
						}
						line = []byte(s)
					}
					if pieces {
						// As spm_encode --output_format=piece: an unknown piece
						// is the text it covers.
						ps := m.EncodeAsPieces(string(line))
						if bos {
							ps = append([]string{m.IDToPiece(m.BOSID())}, ps...)
						}
						if eos {
							ps = append(ps, m.IDToPiece(m.EOSID()))
						}
						dst = append(dst, open...)
						for i, p := range ps {
							if i > 0 {
								dst = append(dst, sep...)
							}
							if plain {
								dst = append(dst, p...)
							} else {
								dst = appendJSONString(dst, p)
							}
						}
						return append(dst, close...), nil
					}
					ids := scratch[:0]
					if bos {
						ids = append(ids, m.BOSID())
					}
					ids = m.AppendEncode(ids, line)
					scratch = ids
					if eos {
						ids = append(ids, m.EOSID())
					}
					dst = append(dst, open...)
					for i, id := range ids {
						if i > 0 {
							dst = append(dst, sep...)
						}
						dst = strconv.AppendInt(dst, int64(id), 10)
					}
					return append(dst, close...), nil
				}
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<20)
			if len(args) == 0 {
				err = mapLines(cmd.InOrStdin(), out, threads, newEnc)
			}
			for _, a := range args {
				f, oerr := os.Open(a)
				if oerr != nil {
					err = oerr
					break
				}
				name = a
				err = mapLines(f, out, threads, newEnc)
				f.Close()
				if err != nil {
					break
				}
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "SentencePiece .model file (required)")
	f.StringVar(&format, "output-format", "json", "json (arrays), id or piece (space-separated, as spm_encode)")
	f.BoolVar(&pieces, "pieces", false, "write pieces instead of ids (JSON arrays)")
	f.BoolVar(&jsonIn, "json", false, "read each line as a JSON string literal")
	f.BoolVar(&bos, "bos", false, "prepend the BOS id")
	f.BoolVar(&eos, "eos", false, "append the EOS id")
	f.IntVar(&threads, "threads", 0, "encoding goroutines (0: one per CPU)")
	return cmd
}

func newTokenizerDecodeCmd() *cobra.Command {
	var modelPath string
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "decode",
		Short: "Decode lines of ids (JSON arrays or space-separated) back to text",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := loadModelFlag(modelPath)
			if err != nil {
				return err
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<20)
			lineNo := 0
			err = eachLine(cmd.InOrStdin(), func(line []byte) error {
				lineNo++
				ids, err := parseIDs(line)
				if err != nil {
					return fmt.Errorf("stdin line %d: %w", lineNo, err)
				}
				text, err := m.Decode(ids)
				if err != nil {
					return fmt.Errorf("stdin line %d: %w", lineNo, err)
				}
				if jsonOut {
					out.Write(appendJSONString(nil, text))
				} else {
					out.WriteString(text)
				}
				return out.WriteByte('\n')
			})
			if err != nil {
				return err
			}
			return out.Flush()
		},
	}
	cmd.Flags().StringVar(&modelPath, "model", "", "SentencePiece .model file (required)")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "write each text as a JSON string literal")
	return cmd
}

// appendJSONString appends s as a JSON string literal, leaving <, > and &
// readable (json.Marshal escapes them for HTML).
func appendJSONString(dst []byte, s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

func parseIDs(line []byte) ([]int32, error) {
	line = bytes.TrimSpace(line)
	if len(line) > 0 && line[0] == '[' {
		var ids []int32
		if err := json.Unmarshal(line, &ids); err != nil {
			return nil, fmt.Errorf("ids: %w", err)
		}
		return ids, nil
	}
	var ids []int32
	for _, f := range strings.Fields(string(line)) {
		v, err := strconv.ParseInt(f, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("ids: %w", err)
		}
		ids = append(ids, int32(v))
	}
	return ids, nil
}

func newTokenizerInfoCmd() *cobra.Command {
	var modelPath string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Print a model's type, vocabulary size, special ids and normalizer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := loadModelFlag(modelPath)
			if err != nil {
				return err
			}
			n := m.Normalizer()
			counts := map[tokenize.PieceType]int{}
			for id := 0; id < m.VocabSize(); id++ {
				counts[m.Piece(int32(id)).Type]++
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "type\t%s\n", m.Type())
			fmt.Fprintf(w, "vocab_size\t%d\n", m.VocabSize())
			fmt.Fprintf(w, "pieces\tnormal %d, byte %d, control %d, user_defined %d, unused %d, unknown %d\n",
				counts[tokenize.Normal], counts[tokenize.Byte], counts[tokenize.Control], counts[tokenize.UserDefined], counts[tokenize.Unused], counts[tokenize.Unknown])
			fmt.Fprintf(w, "unk_id\t%d\nbos_id\t%d\neos_id\t%d\npad_id\t%d\n", m.UnkID(), m.BOSID(), m.EOSID(), m.PadID())
			fmt.Fprintf(w, "byte_fallback\t%v\n", m.ByteFallback())
			name := n.Name
			if name == "" {
				name = "(unnamed)"
			}
			fmt.Fprintf(w, "normalizer\t%s\n", name)
			fmt.Fprintf(w, "precompiled_charsmap_bytes\t%d\n", n.CharsmapBytes)
			fmt.Fprintf(w, "add_dummy_prefix\t%v\nremove_extra_whitespaces\t%v\nescape_whitespaces\t%v\ntreat_whitespace_as_suffix\t%v\n",
				n.AddDummyPrefix, n.RemoveExtraWhitespaces, n.EscapeWhitespaces, n.TreatWhitespaceAsSuffix)
			return nil
		},
	}
	cmd.Flags().StringVar(&modelPath, "model", "", "SentencePiece .model file (required)")
	return cmd
}

func newTokenizerTrainCmd() *cobra.Command {
	opts := tokenize.LLaMAOptions()
	var input, prefix, output, modelType string
	var vocab int
	var normalization string
	var noRemoveExtraWS bool
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a BPE model with LLaMA's SentencePiece options, or a Unigram model",
		Long: `Train reads --input (one sentence per line) and writes a SentencePiece BPE
model, by default with LLaMA's trainer options: split digits, byte fallback,
character coverage 0.99995, pieces of at most 16 characters, whitespace-only
pieces allowed, identity normalization with a dummy prefix.
--model-prefix P writes P.model and P.vocab, like spm_train; --output writes
one .model file. --model-type unigram trains as spm_train --model_type=unigram
does, from spm_train's defaults (vocabulary 8000, character coverage 0.9995,
nmt_nfkc, extra whitespace removed) unless a flag is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if input == "" {
				return usageError{errors.New("--input is required")}
			}
			if (prefix == "") == (output == "") {
				return usageError{errors.New("give exactly one of --model-prefix and --output")}
			}
			if modelType != "bpe" && modelType != "unigram" {
				return usageError{fmt.Errorf("--model-type %q: bpe and unigram are supported", modelType)}
			}
			if modelType == "bpe" && normalization != "identity" {
				return usageError{fmt.Errorf("--normalization %q: only identity is supported for bpe", normalization)}
			}
			if noRemoveExtraWS {
				opts.RemoveExtraWhitespaces = false
			}
			opts.VocabSize = vocab
			opts.InputName = input
			opts.ModelPrefix = prefix
			if prefix == "" {
				opts.ModelPrefix = strings.TrimSuffix(output, ".model")
			}
			f, err := os.Open(input)
			if err != nil {
				return err
			}
			defer f.Close()
			// The trainer's state is a few large long-lived tables; collecting
			// at 50% growth instead of 100% trims peak memory by a sixth for
			// a few percent more CPU.
			defer debug.SetGCPercent(debug.SetGCPercent(50))
			var m *tokenize.Model
			if modelType == "unigram" {
				m, err = tokenize.TrainUnigram(f, unigramOptions(cmd, opts, normalization))
			} else {
				m, err = tokenize.TrainBPE(f, opts)
			}
			if err != nil {
				return fmt.Errorf("train %s: %w", input, err)
			}
			data, err := m.Marshal()
			if err != nil {
				return err
			}
			path := output
			if prefix != "" {
				path = prefix + ".model"
			}
			if err := atomicfile.WriteFile(path, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
				return err
			}
			if prefix != "" {
				var sb strings.Builder
				for id := 0; id < m.VocabSize(); id++ {
					p := m.Piece(int32(id))
					fmt.Fprintf(&sb, "%s\t%s\n", p.Text, strconv.FormatFloat(float64(p.Score), 'g', 6, 32)) // C++ ostream's default precision, as spm_train
				}
				if err := atomicfile.WriteFile(prefix+".vocab", 0o644, func(w io.Writer) error {
					_, err := io.WriteString(w, sb.String())
					return err
				}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", "training text, one sentence per line (required)")
	f.StringVar(&prefix, "model-prefix", "", "write PREFIX.model and PREFIX.vocab")
	f.StringVar(&output, "output", "", "write the .model to this path")
	f.StringVar(&modelType, "model-type", "bpe", "model type: bpe or unigram")
	f.IntVar(&vocab, "vocab-size", 32000, "vocabulary size, special and byte pieces included")
	f.Float64Var(&opts.CharacterCoverage, "character-coverage", opts.CharacterCoverage, "fraction of characters the alphabet covers")
	f.IntVar(&opts.MaxPieceLength, "max-sentencepiece-length", opts.MaxPieceLength, "longest piece, in characters")
	f.IntVar(&opts.MaxSentenceLength, "max-sentence-length", opts.MaxSentenceLength, "skip longer lines (bytes)")
	f.BoolVar(&opts.SplitDigits, "split-digits", opts.SplitDigits, "every digit its own piece")
	f.BoolVar(&opts.ByteFallback, "byte-fallback", opts.ByteFallback, "add <0x00>..<0xFF> pieces")
	f.BoolVar(&opts.AllowWhitespaceOnlyPieces, "allow-whitespace-only-pieces", opts.AllowWhitespaceOnlyPieces, "allow pieces made only of whitespace")
	f.BoolVar(&opts.SplitByUnicodeScript, "split-by-unicode-script", opts.SplitByUnicodeScript, "no piece mixes Unicode scripts")
	f.BoolVar(&opts.SplitByWhitespace, "split-by-whitespace", opts.SplitByWhitespace, "no piece crosses a word boundary")
	f.BoolVar(&opts.SplitByNumber, "split-by-number", opts.SplitByNumber, "digits do not join letters")
	f.BoolVar(&opts.AddDummyPrefix, "add-dummy-prefix", opts.AddDummyPrefix, "prefix each sentence with a space")
	f.BoolVar(&opts.RemoveExtraWhitespaces, "remove-extra-whitespaces", opts.RemoveExtraWhitespaces, "drop leading, trailing and repeated spaces")
	f.BoolVar(&noRemoveExtraWS, "no-remove-extra-whitespaces", false, "keep every space (LLaMA; the default)")
	f.StringVar(&normalization, "normalization", "identity", "normalization rule: identity, or for unigram nmt_nfkc (its default)")
	f.IntVar(&opts.Threads, "num-threads", opts.Threads, "recorded in the trainer spec; bpe trains on one core, unigram runs its EM on this many goroutines")
	return cmd
}

// unigramOptions starts from spm_train's unigram defaults and applies the
// flags the user gave (the flags' own defaults are LLaMA's BPE options).
func unigramOptions(cmd *cobra.Command, bpe tokenize.TrainOptions, normalization string) tokenize.UnigramOptions {
	u := tokenize.DefaultUnigramOptions()
	fl := cmd.Flags()
	set := func(name string, apply func()) {
		if fl.Changed(name) {
			apply()
		}
	}
	set("vocab-size", func() { u.VocabSize = bpe.VocabSize })
	set("character-coverage", func() { u.CharacterCoverage = bpe.CharacterCoverage })
	set("max-sentencepiece-length", func() { u.MaxPieceLength = bpe.MaxPieceLength })
	set("max-sentence-length", func() { u.MaxSentenceLength = bpe.MaxSentenceLength })
	set("split-digits", func() { u.SplitDigits = bpe.SplitDigits })
	set("byte-fallback", func() { u.ByteFallback = bpe.ByteFallback })
	set("allow-whitespace-only-pieces", func() { u.AllowWhitespaceOnlyPieces = bpe.AllowWhitespaceOnlyPieces })
	set("split-by-unicode-script", func() { u.SplitByUnicodeScript = bpe.SplitByUnicodeScript })
	set("split-by-whitespace", func() { u.SplitByWhitespace = bpe.SplitByWhitespace })
	set("split-by-number", func() { u.SplitByNumber = bpe.SplitByNumber })
	set("add-dummy-prefix", func() { u.AddDummyPrefix = bpe.AddDummyPrefix })
	set("remove-extra-whitespaces", func() { u.RemoveExtraWhitespaces = bpe.RemoveExtraWhitespaces })
	set("no-remove-extra-whitespaces", func() { u.RemoveExtraWhitespaces = false })
	set("num-threads", func() { u.Threads = bpe.Threads })
	u.NormalizationRule = "nmt_nfkc"
	set("normalization", func() { u.NormalizationRule = normalization })
	u.InputName, u.ModelPrefix = bpe.InputName, bpe.ModelPrefix
	return u
}
