package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
	"github.com/tokenmill/tokenmill/train/data"
)

// Formats.
const (
	FormatMegatron = "megatron"
	FormatNpy      = "npy"
)

// Options selects what Run writes.
type Options struct {
	// Format is FormatMegatron or FormatNpy.
	Format string
	// Out is the local folder the files go to; it is created if needed.
	Out string
	// Sources limits the export to these sources; empty means every source
	// with token shards.
	Sources []string
	// SkipSHA256 skips checking each shard's SHA-256 before reading it (its
	// size is checked anyway), as data.Config.SkipSHA256.
	SkipSHA256 bool
}

// Result is what Run wrote for one source.
type Result struct {
	Source string
	// Weight is the source's mixture weight in the manifest.
	Weight float64
	// Docs and Tokens count the documents and the tokens written, EOS
	// included (Tokens = document tokens + Docs).
	Docs, Tokens int64
	// Files are the paths written, in order; for Megatron, Prefix is the
	// path Megatron's --data-path takes (Files without .bin/.idx).
	Files  []string
	Prefix string
}

// Run exports the token shards of the build whose manifest is at
// manifestURL (a local path or URL; see data.ReadManifest, which validates
// it). All shards of the selected sources are verified before anything is
// written, so a damaged shard leaves no output.
func Run(ctx context.Context, manifestURL string, o Options) ([]Result, error) {
	if o.Format != FormatMegatron && o.Format != FormatNpy {
		return nil, fmt.Errorf("export: format %q: want %s or %s", o.Format, FormatMegatron, FormatNpy)
	}
	if o.Out == "" {
		return nil, errors.New("export: no output folder")
	}
	m, err := data.ReadManifest(ctx, manifestURL)
	if err != nil {
		return nil, err
	}
	if m.Tokenizer == nil {
		return nil, errors.New("export: the manifest has no tokenizer entry, so no vocabulary size or EOS id")
	}
	var sources []*manifest.Source
	if len(o.Sources) == 0 {
		for i := range m.Sources {
			if len(m.Sources[i].TokenShards()) > 0 {
				sources = append(sources, &m.Sources[i])
			}
		}
	}
	for _, name := range o.Sources {
		s := m.Source(name)
		if s == nil {
			return nil, fmt.Errorf("export: the manifest has no source %q", name)
		}
		sources = append(sources, s)
	}
	if len(sources) == 0 {
		return nil, errors.New("export: no source has token shards")
	}
	for _, s := range sources {
		if strings.ContainsAny(s.Name, `/\`) || strings.HasPrefix(s.Name, ".") {
			return nil, fmt.Errorf("export: source name %q cannot name a file", s.Name)
		}
	}
	dir, _ := storage.SplitURL(manifestURL)
	store, err := storage.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer store.Close()
	if !o.SkipSHA256 {
		for _, s := range sources {
			for _, sh := range s.TokenShards() {
				if err := data.VerifyShard(ctx, store, sh); err != nil {
					return nil, fmt.Errorf("export: source %s: %w", s.Name, err)
				}
			}
		}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	vocab, eos := m.Tokenizer.VocabSize, m.Tokenizer.EOS
	var out []Result
	for _, s := range sources {
		res := Result{Source: s.Name, Weight: s.Weight}
		var err error
		if o.Format == FormatMegatron {
			err = exportMegatron(ctx, store, s, o.Out, vocab, eos, &res)
		} else {
			err = exportNpy(ctx, store, s, o.Out, vocab, eos, &res)
		}
		if err != nil {
			return out, fmt.Errorf("export: source %s: %w", s.Name, err)
		}
		out = append(out, res)
	}
	return out, nil
}

func exportMegatron(ctx context.Context, store *storage.Store, s *manifest.Source, outDir string, vocab int, eos int32, res *Result) error {
	prefix := filepath.Join(outDir, s.Name)
	w, err := NewMegatron(prefix, vocab, eos)
	if err != nil {
		return err
	}
	defer w.Abort()
	for _, sh := range s.TokenShards() {
		var row int64
		err := data.ReadShardDocs(ctx, store, sh, func(docs [][]int32) error {
			for _, d := range docs {
				res.Tokens += int64(len(d)) + 1
				if err := w.Add(d); err != nil {
					return fmt.Errorf("shard %s row %d: %w", store.URL(sh.Path), row, err)
				}
				row++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	res.Docs = w.Documents()
	if err := w.Close(); err != nil {
		return err
	}
	res.Prefix = prefix
	res.Files = []string{prefix + ".bin", prefix + ".idx"}
	return nil
}

func exportNpy(ctx context.Context, store *storage.Store, s *manifest.Source, outDir string, vocab int, eos int32, res *Result) error {
	for _, sh := range s.TokenShards() {
		rel := strings.TrimSuffix(strings.TrimPrefix(sh.Path, "tokens/"), ".parquet")
		if rel == sh.Path || !strings.HasPrefix(rel, s.Name+"/") {
			rel = s.Name + "/" + strings.TrimSuffix(path.Base(sh.Path), ".parquet")
		}
		base := filepath.Join(outDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
			return err
		}
		w, err := NewNpy(base, vocab, eos)
		if err != nil {
			return err
		}
		err = exportNpyShard(ctx, store, sh, w, res)
		if err == nil {
			err = w.Close()
		}
		if err != nil {
			w.Abort()
			return err
		}
		res.Files = append(res.Files, base+".npy", base+".csv.gz")
	}
	return nil
}

// idRow projects a token shard on its id column.
type idRow struct {
	ID string `parquet:"id"`
}

// exportNpyShard streams one shard's tokens column-wise and its ids beside
// them, both in row order.
func exportNpyShard(ctx context.Context, store *storage.Store, sh manifest.Shard, w *NpyWriter, res *Result) error {
	ra, err := store.NewReaderAt(ctx, sh.Path)
	if err != nil {
		return err
	}
	defer ra.Close()
	f, err := parquet.OpenFile(ra, ra.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("shard %s: %w", store.URL(sh.Path), err)
	}
	ids := parquet.NewGenericReader[idRow](f)
	defer ids.Close()
	var loc int64
	var batch []idRow
	return data.ReadShardDocs(ctx, store, sh, func(docs [][]int32) error {
		if cap(batch) < len(docs) {
			batch = make([]idRow, len(docs))
		}
		batch = batch[:len(docs)]
		for n := 0; n < len(batch); {
			k, err := ids.Read(batch[n:])
			n += k
			if n < len(batch) && (err != nil || k == 0) {
				return fmt.Errorf("shard %s: ids of rows %d-%d: %d read: %v", store.URL(sh.Path), loc, loc+int64(len(docs)), n, err)
			}
		}
		for i, d := range docs {
			res.Docs++
			res.Tokens += int64(len(d)) + 1
			if err := w.Add(batch[i].ID, sh.Path, loc, d); err != nil {
				return fmt.Errorf("shard %s row %d: %w", store.URL(sh.Path), loc, err)
			}
			loc++
		}
		return nil
	})
}
