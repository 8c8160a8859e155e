package manifest

import (
	"encoding/json"
	"fmt"
	"time"
)

// The shard schemas are defined here, once, because they are part of the
// output contract the manifest describes: the Parquet writer
// (stages/parquet) writes these row types, the training loader (train/data)
// finds its columns by the names below, and tests read shards back into the
// same types. Parquet struct tags cannot name constants, so TestSchemaNames
// checks that the tags and the constants agree.

// TokenRow is one row of a token shard: one document's tokens, without BOS
// or EOS (the loader adds them). An empty token list is stored as a null
// list.
type TokenRow struct {
	ID      string  `parquet:"id"`
	Source  string  `parquet:"source,dict"`
	Tokens  []int32 `parquet:"tokens,list"`
	NTokens int32   `parquet:"n_tokens"`
}

// DocRow is one row of a text shard: a kept document and its metadata.
//
// Meta is the document's source-specific metadata (Doc.Meta) as one JSON
// object with sorted keys ("{}" when there is none), not a Parquet MAP: a
// MAP column is read by DuckDB and pyarrow but makes Hugging Face
// datasets fail outside streaming mode (its issue #5612), while a string
// column is read by every Parquet reader, and DuckDB's json_extract_string
// or Python's json.loads open it. MetaMap decodes it.
type DocRow struct {
	ID         string     `parquet:"id"`
	Source     string     `parquet:"source,dict"`
	Text       string     `parquet:"text"`
	URL        string     `parquet:"url"`
	Date       *time.Time `parquet:"date,optional,timestamp(millisecond)"`
	Lang       string     `parquet:"lang,dict"`
	LangScore  float32    `parquet:"lang_score"`
	Perplexity float32    `parquet:"perplexity"`
	Bucket     string     `parquet:"bucket,dict"`
	Quality    float32    `parquet:"quality"`
	Meta       string     `parquet:"meta"`
}

// EncodeMeta is the Meta column's value for a document's metadata.
func EncodeMeta(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, err := json.Marshal(m) // sorted keys; strings cannot fail to encode
	if err != nil {
		panic(err)
	}
	return string(b)
}

// MetaMap decodes the row's Meta column.
func (r *DocRow) MetaMap() (map[string]string, error) {
	m := map[string]string{}
	if r.Meta == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(r.Meta), &m); err != nil {
		return nil, fmt.Errorf("document %s: meta column: %w", r.ID, err)
	}
	return m, nil
}

// DroppedRow is one row of a dropped shard: a document the chain dropped,
// the reason ("step:rule") and what the steps before it computed (language
// and score, perplexity and bucket, quality), so that thresholds can be
// tuned on real data. Text is as the dropping step saw it.
type DroppedRow struct {
	ID         string  `parquet:"id"`
	Source     string  `parquet:"source,dict"`
	Reason     string  `parquet:"reason,dict"`
	Text       string  `parquet:"text"`
	URL        string  `parquet:"url"`
	Lang       string  `parquet:"lang,dict"`
	LangScore  float32 `parquet:"lang_score"`
	Perplexity float32 `parquet:"perplexity"`
	Bucket     string  `parquet:"bucket,dict"`
	Quality    float32 `parquet:"quality"`
	Meta       string  `parquet:"meta"`
}

// Column names of the token shard, for readers that look columns up.
const (
	ColumnID      = "id"
	ColumnSource  = "source"
	ColumnTokens  = "tokens"
	ColumnNTokens = "n_tokens"
)

// TokensLeaf is the path of the leaf column holding the token values: a
// Parquet LIST is the group tokens, its repeated group list and the value
// element. It returns a new slice each call.
func TokensLeaf() []string { return []string{ColumnTokens, "list", "element"} }

// Key/value metadata a build writes into the footer of every shard, so that
// a shard found without its manifest still says which tokenizer made it,
// how to frame its documents, and which tool and recipe wrote it.
const (
	MetaTokenizerSHA256    = "tokenmill.tokenizer.sha256"
	MetaTokenizerPath      = "tokenmill.tokenizer.path"
	MetaTokenizerVocabSize = "tokenmill.tokenizer.vocab_size"
	MetaTokenizerBOS       = "tokenmill.tokenizer.bos_id"
	MetaTokenizerEOS       = "tokenmill.tokenizer.eos_id"
	// MetaBOSEOS is "none": the token lists hold no BOS/EOS ids.
	MetaBOSEOS       = "tokenmill.tokens.bos_eos"
	MetaTool         = "tokenmill.version"
	MetaRecipeSHA256 = "tokenmill.recipe.sha256"
)
