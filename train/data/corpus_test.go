package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// Test corpora are synthetic: every token says which source, document and
// position it is (CorpusToken), so a test can check from a batch alone which
// documents were packed where. BOS is 1 and EOS is 2; tokens start at 10.

// CorpusSource describes a synthetic source: Shards[i][g] is the number of
// documents in row group g of shard i; documents are numbered across the
// source in shard and row order.
type CorpusSource struct {
	Name   string
	Weight float64
	Shards [][]int
	// MaxLen bounds the document lengths (default 40).
	MaxLen int
}

// Test token ids.
const (
	CorpusBOS = 1
	CorpusEOS = 2
)

// CorpusDocLen is the length of document d of source s: varied, and 0 for
// some documents, which Parquet stores as a null list.
func CorpusDocLen(s, d, maxLen int) int {
	if d%17 == 5 {
		return 0
	}
	return 1 + (d*37+s*11)%maxLen
}

// CorpusToken is token k of document d of source s.
func CorpusToken(s, d, k int) int32 { return int32(10 + s*1_000_000 + d*1000 + k) }

// DecodeCorpusToken inverts CorpusToken.
func DecodeCorpusToken(t int32) (s, d, k int) {
	v := int(t) - 10
	return v / 1_000_000, v % 1_000_000 / 1000, v % 1000
}

// WriteCorpus writes the sources' token shards and a manifest into dir
// and returns the manifest's path.
func WriteCorpus(t testing.TB, dir string, sources []CorpusSource) string {
	t.Helper()
	p, err := WriteCorpusFiles(dir, sources)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// WriteCorpusFiles is WriteCorpus for callers without a testing.TB.
func WriteCorpusFiles(dir string, sources []CorpusSource) (string, error) {
	m := &manifest.Manifest{Format: manifest.FormatVersion, Version: 1, RecipeSHA256: "test",
		Tokenizer: &manifest.Tokenizer{Path: "tokenizer.model", VocabSize: 32000, BOS: CorpusBOS, EOS: CorpusEOS}}
	for si, src := range sources {
		maxLen := src.MaxLen
		if maxLen == 0 {
			maxLen = 40
		}
		ms := manifest.Source{Name: src.Name, Weight: src.Weight}
		d := 0
		for shi, groups := range src.Shards {
			var buf bytes.Buffer
			w := parquet.NewGenericWriter[manifest.TokenRow](&buf, parquet.Compression(&parquet.Zstd))
			sh := manifest.Shard{Kind: manifest.KindTokens, Path: fmt.Sprintf("tokens/%s/%03d.parquet", src.Name, shi)}
			for _, n := range groups {
				rows := make([]manifest.TokenRow, n)
				for i := range rows {
					toks := make([]int32, CorpusDocLen(si, d, maxLen))
					for k := range toks {
						toks[k] = CorpusToken(si, d, k)
					}
					rows[i] = manifest.TokenRow{ID: fmt.Sprintf("%s:%d", src.Name, d), Source: src.Name, Tokens: toks, NTokens: int32(len(toks))}
					sh.Rows++
					sh.Tokens += int64(len(toks))
					d++
				}
				if _, err := w.Write(rows); err != nil {
					return "", err
				}
				if err := w.Flush(); err != nil {
					return "", err
				}
			}
			if err := w.Close(); err != nil {
				return "", err
			}
			p := filepath.Join(dir, filepath.FromSlash(sh.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return "", err
			}
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				return "", err
			}
			sum := sha256.Sum256(buf.Bytes())
			sh.SHA256, sh.Bytes = hex.EncodeToString(sum[:]), int64(buf.Len())
			ms.Shards = append(ms.Shards, sh)
			ms.Docs += sh.Rows
			ms.Tokens += sh.Tokens
			ms.Bytes += sh.Bytes
		}
		m.Sources = append(m.Sources, ms)
	}
	data, err := m.Marshal()
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return "", err
	}
	return p, nil
}
