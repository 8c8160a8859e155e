package main

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/report"
)

func newReportCmd() *cobra.Command {
	var output string
	var sample int
	cmd := &cobra.Command{
		Use:   "report OUT",
		Short: "Write report.html: a self-contained page of charts about a build's output",
		Long: `report reads a build's manifest.json, stats.json and a sample of its text
shards and writes one HTML file that opens without a network: per source the
funnel through each step, drop reasons, languages, the perplexity histogram by
bucket, document lengths and skipped records; tokens per source against the
recipe's mixture weights, shard sizes, and examples of kept documents.
OUT is the build's folder or manifest URL (local, s3://, gs://); the page goes
to OUT/report.html unless --output names another file.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stores := pipeline.NewStores()
			defer stores.Close()
			d, err := report.Collect(cmd.Context(), stores, args[0], report.Options{SampleRows: sample})
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := report.Render(&b, d); err != nil {
				return err
			}
			if output == "" {
				base := args[0]
				if strings.HasSuffix(base, ".json") {
					base = path.Dir(base)
				}
				output = strings.TrimRight(base, "/") + "/report.html"
			}
			// Written atomically through the folder's store.
			store, err := stores.Get(cmd.Context(), path.Dir(output))
			if err != nil {
				return err
			}
			if err := store.WriteFile(cmd.Context(), path.Base(output), b.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (default OUT/report.html)")
	cmd.Flags().IntVar(&sample, "sample", 20000, "text-shard documents read per source")
	return cmd
}
