package manifest

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"
)

// Limits a valid manifest stays within. They are far above any real build
// and far below what would make a reader allocate without bound: a reader
// sizes embeddings by VocabSize and buffers by row and token counts, so a
// damaged or hand-edited manifest must fail here, with a message, and not
// as an out-of-memory crash later.
const (
	// MaxVocabSize bounds the tokenizer's vocabulary: 16.7 M pieces, some 60
	// times the largest vocabularies in use (Gemma's 256 K).
	MaxVocabSize = 1 << 24
	// MaxCount bounds every document, token and byte count (2^53, the
	// integers a JSON reader in another language keeps exactly), so sums of
	// counts never overflow an int64.
	MaxCount = 1 << 53
)

// maxProblems bounds the problems Validate lists, so that a manifest of
// many thousand bad shards gives a readable error.
const maxProblems = 20

// Validate checks what a reader of the manifest relies on before it
// allocates or opens anything: counts are non-negative and bounded, the
// tokenizer's vocabulary size and BOS/EOS ids are in range, shard paths are
// relative, clean and unique, digests are SHA-256 hex strings, and each
// source's document and token counts are those of its token shards. It
// returns every problem found, joined.
func (m *Manifest) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	count := func(where, what string, v int64) {
		if v < 0 || v > MaxCount {
			bad("%s: %s %d is out of range [0, 2^53]", where, what, v)
		}
	}
	if m.Format != FormatVersion {
		bad("format %d, this build reads %d", m.Format, FormatVersion)
	}
	if m.Version < 0 {
		bad("version %d is negative", m.Version)
	}
	if t := m.Tokenizer; t != nil {
		if t.VocabSize <= 0 || t.VocabSize > MaxVocabSize {
			bad("tokenizer: vocab_size %d is out of range [1, %d]", t.VocabSize, MaxVocabSize)
		} else {
			// -1 is SentencePiece's "no such piece".
			for _, id := range []struct {
				name string
				v    int32
			}{{"bos_id", t.BOS}, {"eos_id", t.EOS}} {
				if id.v < -1 || int(id.v) >= t.VocabSize {
					bad("tokenizer: %s %d is outside the vocabulary of %d", id.name, id.v, t.VocabSize)
				}
			}
		}
		if t.SHA256 != "" && !IsSHA256(t.SHA256) {
			bad("tokenizer: sha256 %q is not 64 lowercase hex digits", t.SHA256)
		}
	}
	names := map[string]bool{}
	paths := map[string]string{}
	for _, s := range m.Sources {
		where := "source " + s.Name
		if s.Name == "" {
			bad("a source has no name")
		} else if names[s.Name] {
			bad("%s is listed twice", where)
		}
		names[s.Name] = true
		if !(s.Weight >= 0) || math.IsInf(s.Weight, 0) {
			bad("%s: weight %v must be finite and non-negative", where, s.Weight)
		}
		count(where, "docs", s.Docs)
		count(where, "tokens", s.Tokens)
		count(where, "bytes", s.Bytes)
		var rows, tokens int64
		hasTokens := false
		for _, sh := range s.Shards {
			sw := fmt.Sprintf("%s: shard %q", where, sh.Path)
			if sh.Path == "" || path.IsAbs(sh.Path) || path.Clean(sh.Path) != sh.Path || sh.Path == ".." || strings.HasPrefix(sh.Path, "../") {
				bad("%s: the path must be relative and clean, inside the output", sw)
			} else if other, dup := paths[sh.Path]; dup {
				bad("%s: also listed by source %s", sw, other)
			}
			paths[sh.Path] = s.Name
			count(sw, "rows", sh.Rows)
			count(sw, "tokens", sh.Tokens)
			count(sw, "bytes", sh.Bytes)
			if !IsSHA256(sh.SHA256) {
				bad("%s: sha256 %q is not 64 lowercase hex digits", sw, sh.SHA256)
			}
			if sh.Kind == KindTokens {
				hasTokens = true
				// n_tokens is an int32 per row.
				if sh.Rows >= 0 && sh.Rows < 1<<32 && sh.Tokens > sh.Rows*math.MaxInt32 {
					bad("%s: %d tokens in %d rows is more than an int32 per row", sw, sh.Tokens, sh.Rows)
				}
				if sh.Rows >= 0 && sh.Rows <= MaxCount && sh.Tokens >= 0 && sh.Tokens <= MaxCount {
					rows += sh.Rows
					tokens += sh.Tokens
				}
			}
		}
		if hasTokens && (rows != s.Docs || tokens != s.Tokens) {
			bad("%s: the source says %d docs and %d tokens, its token shards add up to %d and %d", where, s.Docs, s.Tokens, rows, tokens)
		}
	}
	if len(errs) > maxProblems {
		errs = append(errs[:maxProblems], fmt.Errorf("and %d more problems", len(errs)-maxProblems))
	}
	if len(errs) > 0 {
		return fmt.Errorf("manifest: %w", errors.Join(errs...))
	}
	return nil
}

// IsSHA256 reports whether s is a SHA-256 digest as the manifest writes
// them: 64 lowercase hexadecimal digits.
func IsSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
