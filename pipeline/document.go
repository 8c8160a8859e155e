package pipeline

import "time"

// Doc is one document on its way through a build. Readers allocate a new Doc
// for every record, so steps may keep or modify it freely; a Step that
// changes Text must keep it valid UTF-8.
type Doc struct {
	// ID is stable and unique within Source and names where the document
	// came from: a WARC-Record-ID, "file:line", "repo:path@blob", "lang:pageid".
	ID     string
	Source string
	Text   string

	URL  string
	Date time.Time

	// Lang is the language code (ISO 639-1 where one exists) given by the
	// language-ID step, LangScore its confidence in [0,1].
	Lang      string
	LangScore float32
	// Perplexity is the document perplexity under the language's n-gram model
	// and Bucket its head/middle/tail bucket; zero and "" before that step.
	Perplexity float32
	Bucket     string
	// Quality is the score of the quality classifier (p(wiki) for CC).
	Quality float32

	// Meta holds source-specific extras (license, repo, title, score).
	Meta map[string]string

	// Tokens is set by the tokenize stage: the token ids without BOS/EOS.
	Tokens []int32
}

// SetMeta sets one source-specific extra, allocating the map on first use.
func (d *Doc) SetMeta(k, v string) {
	if d.Meta == nil {
		d.Meta = make(map[string]string, 4)
	}
	d.Meta[k] = v
}
