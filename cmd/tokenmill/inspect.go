package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

func newInspectCmd() *cobra.Command {
	var shards bool
	c := &cobra.Command{
		Use:   "inspect OUT",
		Short: "Print what a build's manifest holds: sources, shards, rows, tokens, bytes, digests",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			stores := pipeline.NewStores()
			defer stores.Close()
			u := strings.TrimSuffix(args[0], "/")
			if !strings.HasSuffix(u, ".json") {
				u += "/manifest.json"
			}
			data, err := stores.ReadFile(ctx, u)
			if err != nil {
				return err
			}
			m, err := manifest.Parse(data)
			if err != nil {
				return fmt.Errorf("%s: %w", u, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "manifest %s\n  format %d, version %d, recipe sha256 %s\n", u, m.Format, m.Version, m.RecipeSHA256)
			if t := m.Tokenizer; t != nil {
				fmt.Fprintf(w, "  tokenizer %s (sha256 %s), vocab %d, bos %d, eos %d\n", t.Path, t.SHA256, t.VocabSize, t.BOS, t.EOS)
			}
			fmt.Fprintf(w, "\n%-16s %7s %7s %12s %14s %12s %7s\n", "source", "weight", "inputs", "docs", "tokens", "bytes", "shards")
			for _, s := range m.Sources {
				fmt.Fprintf(w, "%-16s %7.3f %7d %12d %14d %12d %7d\n", s.Name, s.Weight, len(s.Inputs), s.Docs, s.Tokens, s.Bytes, len(s.Shards))
			}
			t := m.Totals
			fmt.Fprintf(w, "%-16s %7s %7s %12d %14d %12d %7d\n", "total", "", "", t.Docs, t.Tokens, t.Bytes, t.Shards)
			if shards {
				for _, s := range m.Sources {
					fmt.Fprintf(w, "\n%s:\n", s.Name)
					for _, sh := range s.Shards {
						fmt.Fprintf(w, "  %-6s %-60s rows %7d tokens %9d bytes %9d sha256 %s\n", sh.Kind, sh.Path, sh.Rows, sh.Tokens, sh.Bytes, sh.SHA256)
					}
				}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&shards, "shards", true, "list every shard with its digest")
	return c
}
