package manifest

import "time"

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
type DocRow struct {
	ID         string            `parquet:"id"`
	Source     string            `parquet:"source,dict"`
	Text       string            `parquet:"text"`
	URL        string            `parquet:"url"`
	Date       *time.Time        `parquet:"date,optional,timestamp(millisecond)"`
	Lang       string            `parquet:"lang,dict"`
	LangScore  float32           `parquet:"lang_score"`
	Perplexity float32           `parquet:"perplexity"`
	Bucket     string            `parquet:"bucket,dict"`
	Quality    float32           `parquet:"quality"`
	Meta       map[string]string `parquet:"meta"`
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
// a shard found without its manifest still says which tokenizer made it.
const (
	MetaTokenizerSHA256    = "tokenmill.tokenizer.sha256"
	MetaTokenizerPath      = "tokenmill.tokenizer.path"
	MetaTokenizerVocabSize = "tokenmill.tokenizer.vocab_size"
)
