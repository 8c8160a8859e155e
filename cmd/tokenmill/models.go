package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline/catalog"
)

func newModelsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List, fetch and locate the public models recipes can name (ccnet:en, lid176, ...)",
		Long: `The catalogue names the public models a real build needs: CCNet's per-language
5-gram language models with their SentencePiece models (ccnet:<lang>), CCNet's
perplexity cutoffs (ccnet-cutoffs), fastText's lid.176 and a LLaMA tokenizer.
fetch downloads them into the cache ($TOKENMILL_CACHE, else the user cache
folder), resuming interrupted downloads and verifying sizes and SHA-256; a
file whose digest is not published is pinned on its first download.`,
	}
	cacheDir := func() (*catalog.Cache, error) {
		d, err := catalog.DefaultDir()
		if err != nil {
			return nil, err
		}
		return &catalog.Cache{Dir: d}, nil
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "Print every model: name, whether it is cached, files and licence",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cacheDir()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCACHED\tFILES\tLICENSE")
			for _, e := range catalog.Entries() {
				ok, err := c.Cached(e)
				if err != nil {
					return err
				}
				var files []string
				for _, f := range e.Files {
					files = append(files, f.Name)
				}
				fmt.Fprintf(tw, "%s\t%v\t%s\t%s\n", e.Name, ok, strings.Join(files, " "), e.License)
			}
			return tw.Flush()
		},
	}
	fetch := &cobra.Command{
		Use:   "fetch NAME...",
		Short: "Download models into the cache (resumable, verified)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cacheDir()
			if err != nil {
				return err
			}
			for _, n := range args {
				if _, ok := catalog.Lookup(n); !ok {
					return usageError{fmt.Errorf("no model named %q (tokenmill models list)", n)}
				}
			}
			w := cmd.ErrOrStderr()
			var lastPct int64 = -1
			c.Progress = func(file string, done, total int64) {
				if total <= 0 {
					return
				}
				if pct := done * 100 / total; pct != lastPct && (pct%5 == 0 || done == total) {
					lastPct = pct
					fmt.Fprintf(w, "%s: %d%% of %.1f MB\n", file, pct, float64(total)/1e6)
				}
			}
			for _, n := range args {
				res, err := c.Resolve(cmd.Context(), n)
				if err != nil {
					return err
				}
				for _, f := range res.Files {
					fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%d bytes\tsha256 %s\n", n, f.Name, f.Size, f.SHA256)
				}
			}
			return nil
		},
	}
	path := &cobra.Command{
		Use:   "path NAME",
		Short: "Print where a cached model is (its file, or its folder when it has several)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cacheDir()
			if err != nil {
				return err
			}
			e, ok := catalog.Lookup(args[0])
			if !ok {
				return usageError{fmt.Errorf("no model named %q (tokenmill models list)", args[0])}
			}
			if ok, err := c.Cached(e); err != nil {
				return err
			} else if !ok {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s is not in the cache yet: tokenmill models fetch %s\n", e.Name, e.Name)
			}
			fmt.Fprintln(cmd.OutOrStdout(), e.Path(c.Dir))
			return nil
		},
	}
	cmd.AddCommand(list, fetch, path)
	return cmd
}
