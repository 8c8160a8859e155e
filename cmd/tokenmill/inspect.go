package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/spf13/cobra"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/train/data"
)

// errInspect is inspect's failure when it has printed what is wrong.
var errInspect = errors.New("inspect: the output does not match its manifest")

func newInspectCmd() *cobra.Command {
	var shards, verify, meta bool
	c := &cobra.Command{
		Use:   "inspect OUT",
		Short: "Print what a build's manifest holds and check that the files match it",
		Long: `Prints what a build's manifest holds: sources, shards, rows, tokens, bytes, digests.
Then checks the output against it: the manifest's own consistency (counts, vocabulary
size, token ids, paths), and, unless --verify=false, every listed shard's size and
SHA-256, read in full. Shards that are missing or differ are listed with the expected
and actual values and make the exit status 1. Files under tokens/ and docs/ that the
manifest does not list (a build killed or still running) are reported as a note.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			stores := pipeline.NewStores()
			defer stores.Close()
			u := strings.TrimSuffix(args[0], "/")
			if !strings.HasSuffix(u, ".json") {
				u += "/manifest.json"
			}
			raw, err := stores.ReadFile(ctx, u)
			if err != nil {
				return err
			}
			m, err := manifest.Parse(raw)
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

			failed := false
			if err := m.Validate(); err != nil {
				fmt.Fprintf(w, "\ninvalid %v\n", err)
				failed = true
			}
			dir, _ := storage.SplitURL(u)
			store, err := stores.Get(ctx, dir)
			if err != nil {
				return err
			}
			var checks map[string]error
			if verify {
				checks = verifyShards(ctx, store, m)
			}
			status := func(p string) string {
				if !verify {
					return ""
				}
				switch err := checks[p]; {
				case err == nil:
					return "  ok"
				case errors.Is(err, data.ErrCorrupt):
					return "  MISMATCH"
				case errors.Is(err, fs.ErrNotExist):
					return "  MISSING"
				default:
					return "  UNREADABLE"
				}
			}
			if shards {
				for _, s := range m.Sources {
					fmt.Fprintf(w, "\n%s:\n", s.Name)
					for _, sh := range s.Shards {
						fmt.Fprintf(w, "  %-6s %-60s rows %7d tokens %9d bytes %9d sha256 %s%s\n", sh.Kind, sh.Path, sh.Rows, sh.Tokens, sh.Bytes, sh.SHA256, status(sh.Path))
						if meta {
							printShardMeta(ctx, w, store, sh)
						}
					}
				}
			}
			if verify {
				bad := 0
				for _, s := range m.Sources {
					for _, sh := range s.Shards {
						if err := checks[sh.Path]; err != nil {
							if bad == 0 {
								fmt.Fprintln(w)
							}
							bad++
							fmt.Fprintf(w, "bad shard: %v\n", err)
						}
					}
				}
				if bad > 0 {
					fmt.Fprintf(w, "%d of %d shards do not match the manifest\n", bad, len(checks))
					failed = true
				} else {
					fmt.Fprintf(w, "\nall %d shards match the manifest (size and sha256)\n", len(checks))
				}
			}
			if extra := unlistedShards(ctx, store, m); len(extra) > 0 {
				fmt.Fprintf(w, "note: %d file(s) under tokens/ and docs/ are not in the manifest (a build killed or still running?):\n", len(extra))
				for i, p := range extra {
					if i == 10 {
						fmt.Fprintf(w, "  ... and %d more\n", len(extra)-10)
						break
					}
					fmt.Fprintf(w, "  %s\n", p)
				}
			}
			if failed {
				return errInspect
			}
			return nil
		},
	}
	c.Flags().BoolVar(&shards, "shards", true, "list every shard with its digest")
	c.Flags().BoolVar(&verify, "verify", true, "read every shard and check its size and sha256 against the manifest")
	c.Flags().BoolVar(&meta, "meta", false, "print each shard's footer: row groups, schema columns and key/value metadata (with --shards)")
	return c
}

// verifyShards checks every shard the manifest lists, four at a time, and
// returns each one's result by path (nil when it matches).
func verifyShards(ctx context.Context, store *storage.Store, m *manifest.Manifest) map[string]error {
	var all []manifest.Shard
	for _, s := range m.Sources {
		all = append(all, s.Shards...)
	}
	errs := make([]error, len(all))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, sh := range all {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = data.VerifyShard(ctx, store, sh)
			if errs[i] == nil && sh.Kind == manifest.KindTokens && m.Tokenizer != nil && m.Tokenizer.SHA256 != "" {
				errs[i] = checkShardTokenizer(ctx, store, sh, m.Tokenizer.SHA256)
			}
		}()
	}
	wg.Wait()
	out := make(map[string]error, len(all))
	for i, sh := range all {
		out[sh.Path] = errs[i]
	}
	return out
}

// unlistedShards lists the files under the output's tokens/ and docs/
// folders that the manifest does not name. A store that cannot list (a plain HTTP server) lists nothing.
func unlistedShards(ctx context.Context, store *storage.Store, m *manifest.Manifest) []string {
	listed := map[string]bool{}
	for _, s := range m.Sources {
		for _, sh := range s.Shards {
			listed[sh.Path] = true
		}
	}
	var out []string
	for _, prefix := range []string{"tokens/", "docs/"} {
		objs, err := store.List(ctx, prefix)
		if err != nil {
			continue
		}
		for _, o := range objs {
			if !listed[o.Key] && path.Ext(o.Key) == ".parquet" {
				out = append(out, o.Key)
			}
		}
	}
	return out
}

// checkShardTokenizer compares the tokenizer digest in a token shard's
// footer with the manifest's: shards of different tokenizers must not be
// listed together.
func checkShardTokenizer(ctx context.Context, store *storage.Store, sh manifest.Shard, want string) error {
	ra, err := store.NewReaderAt(ctx, sh.Path)
	if err != nil {
		return err
	}
	defer ra.Close()
	f, err := parquet.OpenFile(ra, ra.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("shard %s: %w: %w", store.URL(sh.Path), data.ErrCorrupt, err)
	}
	if got, ok := f.Lookup(manifest.MetaTokenizerSHA256); ok && got != want {
		return fmt.Errorf("shard %s: %w: made by tokenizer %s, the manifest's is %s", store.URL(sh.Path), data.ErrCorrupt, got, want)
	}
	return nil
}

// printShardMeta prints what a shard's footer says about it, so that a
// shard can be understood without the manifest: its row groups, its
// columns and the key/value metadata the build wrote (tokenizer digest,
// path and vocabulary size, manifest.Meta*).
func printShardMeta(ctx context.Context, w io.Writer, store *storage.Store, sh manifest.Shard) {
	ra, err := store.NewReaderAt(ctx, sh.Path)
	if err != nil {
		fmt.Fprintf(w, "      footer: %v\n", err)
		return
	}
	defer ra.Close()
	f, err := parquet.OpenFile(ra, ra.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		fmt.Fprintf(w, "      footer: %v\n", err)
		return
	}
	var cols []string
	for _, p := range f.Schema().Columns() {
		cols = append(cols, strings.Join(p, "."))
	}
	fmt.Fprintf(w, "      %d row groups, created by %s; columns %s\n", len(f.RowGroups()), f.Metadata().CreatedBy, strings.Join(cols, ", "))
	for _, kv := range f.Metadata().KeyValueMetadata {
		fmt.Fprintf(w, "      %s = %s\n", kv.Key, kv.Value)
	}
}
