package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/filters/langid"
)

func newLangidCmd() *cobra.Command {
	var asJSON, decision bool
	var top, sampleBytes int
	var threshold float64
	var keep []string
	cmd := &cobra.Command{
		Use:   "langid [--json] [--top N] [--keep en,de] [--threshold 0.5] [--decision]",
		Short: "Print the language and score of each document on stdin, as the build's langid step decides",
		Long: `Reads one document per line from stdin (with --json, one JSON string per line,
so documents can hold newlines) and prints "code<TAB>score" per line: the ISO 639-1
code ("-" when the text has no language) and the score in [0,1] that the build's
langid step compares with its threshold. --top N prints up to N candidates per line,
best first. --decision adds a column: "keep", or the step's drop reason
("langid:score<0.5", "langid:lang=de") given --keep and --threshold.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if top < 1 {
				return usageError{fmt.Errorf("--top %d: want 1 or more", top)}
			}
			if threshold < 0 || threshold > 1 {
				return usageError{fmt.Errorf("--threshold %g: want a number in [0,1]", threshold)}
			}
			step := langid.NewStep(langid.Shared(), keep, threshold, sampleBytes)
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			// Lines are decided in parallel and printed in order.
			err := mapLines(cmd.InOrStdin(), w, 0, func() lineFunc {
				return func(dst, line []byte, lineNo int) ([]byte, error) {
					// A CRLF line ends before its CR, as bufio.ScanLines reads it.
					text := string(bytes.TrimSuffix(line, []byte{'\r'}))
					if asJSON {
						if err := json.Unmarshal([]byte(text), &text); err != nil {
							return dst, fmt.Errorf("stdin line %d: want a JSON string: %w", lineNo, err)
						}
					}
					return append(dst, langidLine(step, text, top, decision)...), nil
				}
			})
			if ferr := w.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "each line is a JSON string")
	f.IntVar(&top, "top", 1, "print up to N candidates per line")
	f.BoolVar(&decision, "decision", false, `add the step's decision: "keep" or the drop reason`)
	f.StringSliceVar(&keep, "keep", nil, "languages the step keeps (for --decision); empty keeps all")
	f.Float64Var(&threshold, "threshold", 0.5, "the step's minimum score (for --decision)")
	f.IntVar(&sampleBytes, "sample-bytes", langid.DefaultSampleBytes, "bytes of each document examined")
	return cmd
}

func langidLine(step *langid.Step, text string, top int, decision bool) string {
	r, drop := step.Decide(text)
	var b strings.Builder
	cands := r.Top
	if len(cands) == 0 {
		cands = []langid.Candidate{{Lang: r.Lang, Score: r.Score}}
	}
	for i, c := range cands[:min(top, len(cands))] {
		if i > 0 {
			b.WriteByte('\t')
		}
		code := c.Lang
		if code == "" {
			code = "-"
		}
		b.WriteString(code)
		b.WriteByte('\t')
		b.WriteString(strconv.FormatFloat(c.Score, 'f', 4, 64))
	}
	if decision {
		if drop == "" {
			drop = "keep"
		}
		b.WriteByte('\t')
		b.WriteString(drop)
	}
	b.WriteByte('\n')
	return b.String()
}
