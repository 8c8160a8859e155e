package main

import (
	"errors"
	"fmt"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tokenmill/tokenmill/filters/models"
)

func newModelsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List, download and locate the public models recipes use (CCNet, fastText, LLaMA's tokenizer)",
		Long: `Models manages a cache of the public models a recipe can name instead of a
path: CCNet's KenLM models and SentencePiece models (ccnet:LANG, ccnet-sp:LANG)
for LLaMA's Wikipedia languages, CCNet's cutoff table (ccnet-cutoffs), fastText's
language identifier (lid176) and LLaMA's tokenizer (llama-tokenizer). The cache is
$TOKENMILL_CACHE, else the user cache folder's tokenmill. Downloads resume after an
interruption and are verified (sha256; a model without a known digest is pinned on
its first download).`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "Print the catalogue: name, whether it is cached, size, URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := models.NewCache()
			if err != nil {
				return err
			}
			pins, err := c.Pins()
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 8, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tCACHED\tSIZE\tURL")
			for _, m := range models.Catalogue() {
				cached := "-"
				if _, err := os.Stat(c.Path(m)); err == nil {
					cached = "yes"
				}
				size := "?"
				if m.Size > 0 {
					size = fmt.Sprintf("%.1f MB", float64(m.Size)/1e6)
				} else if p, ok := pins[m.Name]; ok {
					size = fmt.Sprintf("%.1f MB", float64(p.Size)/1e6)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", m.Name, cached, size, m.URL)
			}
			return w.Flush()
		},
	}, &cobra.Command{
		Use:   "fetch NAME...",
		Short: "Download models into the cache (resumed, verified) and print their paths",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := models.NewCache()
			if err != nil {
				return err
			}
			c.Progress = cmd.ErrOrStderr()
			var ms []models.Model
			for _, name := range args {
				m, err := models.Lookup(name)
				if err != nil {
					return usageError{err}
				}
				ms = append(ms, m)
			}
			var errs []error
			for _, m := range ms {
				path, digest, err := c.Fetch(cmd.Context(), m)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\tsha256:%s\n", m.Name, path, digest)
			}
			return errors.Join(errs...)
		},
	}, &cobra.Command{
		Use:   "path NAME",
		Short: "Print the cached file of a model (an error says how to fetch it when it is not there)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := models.Lookup(args[0])
			if err != nil {
				return usageError{err}
			}
			c, err := models.NewCache()
			if err != nil {
				return err
			}
			p, err := c.Resolve(m)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), p)
			return nil
		},
	})
	return cmd
}

// resolveModel is the build's view of the catalogue: a recipe reference that
// names a catalogue model stands for its file in the cache (which `tokenmill
// models fetch` fills; a model not fetched is an error saying how), and the
// manifest records its name, URL and SHA-256 (the catalogue's, or the digest
// pinned when it was downloaded).
func resolveModel(ref string) (string, manifest.Model, bool, error) {
	if !models.IsName(ref) {
		return "", manifest.Model{}, false, nil
	}
	m, err := models.Lookup(ref)
	if err != nil {
		return "", manifest.Model{}, true, err
	}
	c, err := models.NewCache()
	if err != nil {
		return "", manifest.Model{}, true, err
	}
	path, err := c.Resolve(m)
	if err != nil {
		return "", manifest.Model{}, true, err
	}
	rec := manifest.Model{Name: m.Name, URL: m.URL, SHA256: m.SHA256}
	if rec.SHA256 == "" {
		pins, err := c.Pins()
		if err != nil {
			return "", manifest.Model{}, true, err
		}
		rec.SHA256 = pins[m.Name].SHA256
	}
	return path, rec, true, nil
}
