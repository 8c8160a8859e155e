package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/train/export"
	"github.com/tokenmill/tokenmill/train/loop"
)

func newExportCmd() *cobra.Command {
	var (
		format, dataURL, out string
		sources              []string
		skipSHA256           bool
	)
	cmd := &cobra.Command{
		Use:   "export --format megatron|npy --data OUT --out DIR",
		Short: "Write a build's token shards as Megatron .bin/.idx or Dolma-style .npy memmaps",
		Long: `Writes the token shards of a build in the files other trainers read directly
(package train/export documents both layouts):

  megatron  DIR/SOURCE.bin and DIR/SOURCE.idx, Megatron-LM's indexed dataset, one per
            source: uint16 tokens below 65500 pieces, int32 above; one sequence per
            document. Prints the --data-path blend of the manifest's weights.
  npy       DIR/SOURCE/SHARD.npy and .csv.gz, Dolma's tokenizer output as OLMo reads
            it: a headerless uint16 (uint32 above 65536 pieces) memmap and
            start,end,id,src,loc rows, one pair per token shard.

Every document gets the tokenizer's EOS appended (no BOS). Shards are checked
against the manifest's sizes and SHA-256 before anything is written.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataURL == "" || out == "" {
				return usageError{fmt.Errorf("export: --data and --out are required")}
			}
			if format != export.FormatMegatron && format != export.FormatNpy {
				return usageError{fmt.Errorf("export: --format %q: want megatron or npy", format)}
			}
			res, err := export.Run(cmd.Context(), loop.ManifestURL(dataURL), export.Options{
				Format: format, Out: out, Sources: sources, SkipSHA256: skipSHA256})
			w := cmd.OutOrStdout()
			for _, r := range res {
				fmt.Fprintf(w, "%-16s %10d docs %14d tokens (EOS included)  %s\n", r.Source, r.Docs, r.Tokens, strings.Join(r.Files, " "))
			}
			if err != nil {
				return err
			}
			if format == export.FormatMegatron {
				var blend []string
				for _, r := range res {
					blend = append(blend, fmt.Sprint(r.Weight), r.Prefix)
				}
				fmt.Fprintf(w, "megatron: --data-path %s\n", strings.Join(blend, " "))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "", "megatron or npy")
	fl.StringVar(&dataURL, "data", "", "a build's output folder or its manifest.json (path or URL)")
	fl.StringVar(&out, "out", "", "local folder for the exported files")
	fl.StringArrayVar(&sources, "source", nil, "export only this source (repeatable; default every source with token shards)")
	fl.BoolVar(&skipSHA256, "skip-sha256", false, "do not read every shard to check its SHA-256 first (sizes are still checked)")
	return cmd
}
