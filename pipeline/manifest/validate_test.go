package manifest

import (
	"math"
	"strings"
	"testing"
)

const digest = "e48f2fe2d6e5a8492ddb98dff8bf2445f2dd7b1bd1a1fea99050d7d7fe609f98"

// validManifest is shaped like the manifest of `tokenmill build --only
// wikipedia` on the embedded sample.
func validManifest() *Manifest {
	return &Manifest{Format: FormatVersion, Version: 1, RecipeSHA256: digest,
		Tokenizer: &Tokenizer{Path: "embed://sample/tokenizer.model", SHA256: digest, VocabSize: 2000, BOS: 1, EOS: 2},
		Sources: []Source{{Name: "wikipedia", Weight: 0.045, Docs: 7, Tokens: 2240, Bytes: 24130,
			Shards: []Shard{
				{Kind: KindDocs, Path: "docs/wikipedia/a.parquet", Rows: 3, Bytes: 8590, SHA256: digest},
				{Kind: KindDocs, Path: "docs/wikipedia/b.parquet", Rows: 4, Bytes: 9297, SHA256: digest},
				{Kind: KindTokens, Path: "tokens/wikipedia/a.parquet", Rows: 3, Tokens: 954, Bytes: 2805, SHA256: digest},
				{Kind: KindTokens, Path: "tokens/wikipedia/b.parquet", Rows: 4, Tokens: 1286, Bytes: 3438, SHA256: digest},
			}}}}
}

func TestValidate(t *testing.T) {
	if err := validManifest().Validate(); err != nil {
		t.Fatalf("a valid manifest: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(m *Manifest)
		want   string
	}{
		{"vocab 1e8", func(m *Manifest) { m.Tokenizer.VocabSize = 1e8 }, "vocab_size 100000000 is out of range [1, 16777216]"},
		{"vocab negative", func(m *Manifest) { m.Tokenizer.VocabSize = -5 }, "vocab_size -5 is out of range"},
		{"vocab zero", func(m *Manifest) { m.Tokenizer.VocabSize = 0 }, "vocab_size 0 is out of range"},
		{"eos outside", func(m *Manifest) { m.Tokenizer.EOS = 2000 }, "eos_id 2000 is outside the vocabulary of 2000"},
		{"bos negative", func(m *Manifest) { m.Tokenizer.BOS = -2 }, "bos_id -2 is outside"},
		{"tokenizer digest", func(m *Manifest) { m.Tokenizer.SHA256 = "XYZ" }, `tokenizer: sha256 "XYZ"`},
		{"format", func(m *Manifest) { m.Format = 2 }, "format 2, this build reads 1"},
		{"negative docs", func(m *Manifest) { m.Sources[0].Docs = -7 }, "source wikipedia: docs -7 is out of range"},
		{"huge tokens", func(m *Manifest) { m.Sources[0].Shards[2].Tokens = math.MaxInt64 }, `shard "tokens/wikipedia/a.parquet": tokens 9223372036854775807 is out of range`},
		{"negative rows", func(m *Manifest) { m.Sources[0].Shards[3].Rows = -1 }, `shard "tokens/wikipedia/b.parquet": rows -1`},
		{"tokens beyond int32 rows", func(m *Manifest) {
			m.Sources[0].Shards[2].Tokens = 3 * (1 << 31)
			m.Sources[0].Tokens = m.Sources[0].Shards[2].Tokens + 1286
		}, "more than an int32 per row"},
		{"source tokens", func(m *Manifest) { m.Sources[0].Tokens = 2241 }, "the source says 7 docs and 2241 tokens, its token shards add up to 7 and 2240"},
		{"source docs", func(m *Manifest) { m.Sources[0].Shards[2].Rows = 4 }, "the source says 7 docs and 2240 tokens, its token shards add up to 8 and 2240"},
		{"weight NaN", func(m *Manifest) { m.Sources[0].Weight = math.NaN() }, "weight NaN must be finite"},
		{"absolute path", func(m *Manifest) { m.Sources[0].Shards[0].Path = "/etc/passwd" }, "must be relative and clean"},
		{"escaping path", func(m *Manifest) { m.Sources[0].Shards[0].Path = "../x.parquet" }, "must be relative and clean"},
		{"unclean path", func(m *Manifest) { m.Sources[0].Shards[0].Path = "docs//a.parquet" }, "must be relative and clean"},
		{"duplicate path", func(m *Manifest) { m.Sources[0].Shards[1].Path = "docs/wikipedia/a.parquet" }, "also listed by source wikipedia"},
		{"shard digest", func(m *Manifest) { m.Sources[0].Shards[3].SHA256 = "" }, `shard "tokens/wikipedia/b.parquet": sha256 "" is not 64 lowercase hex digits`},
		{"duplicate source", func(m *Manifest) {
			s := m.Sources[0]
			s.Shards = nil
			m.Sources = append(m.Sources, s)
		}, "source wikipedia is listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validManifest()
			tc.change(m)
			err := m.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// TestValidateBounded: a manifest with many bad shards gives a short error.
func TestValidateBounded(t *testing.T) {
	m := validManifest()
	for i := range 1000 {
		m.Sources[0].Shards = append(m.Sources[0].Shards, Shard{Kind: KindDocs, Path: strings.Repeat("x", i+1), SHA256: "bad"})
	}
	err := m.Validate()
	if err == nil || !strings.Contains(err.Error(), "and 980 more problems") || strings.Count(err.Error(), "\n") != 20 {
		t.Errorf("err %v", err)
	}
}

// FuzzValidate: any input parses or fails without panic, and a manifest
// that validates still validates after its canonical re-encoding (Normalize
// recomputes totals and sorts, which must not break any check).
func FuzzValidate(f *testing.F) {
	b, _ := validManifest().Marshal()
	f.Add(b)
	f.Add([]byte(`{"format":1,"version":1,"recipe_sha256":"","tokenizer":{"path":"t","sha256":"","vocab_size":100000000,"bos_id":1,"eos_id":2},"sources":[],"totals":{"docs":0,"tokens":0,"bytes":0,"shards":0}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil || m.Validate() != nil {
			return
		}
		again, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := Parse(again)
		if err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v", err)
		}
		if err := m2.Validate(); err != nil {
			t.Fatalf("re-encoded manifest does not validate: %v", err)
		}
	})
}
