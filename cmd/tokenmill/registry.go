package main

import (
	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/filters/fasttext/fasttextstep"
	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/filters/kenlm/kenlmstep"
	"github.com/tokenmill/tokenmill/filters/langid"
	"github.com/tokenmill/tokenmill/filters/length"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/arxiv"
	"github.com/tokenmill/tokenmill/sources/books"
	"github.com/tokenmill/tokenmill/sources/c4"
	"github.com/tokenmill/tokenmill/sources/commoncrawl"
	"github.com/tokenmill/tokenmill/sources/github"
	"github.com/tokenmill/tokenmill/sources/github/bigquery"
	"github.com/tokenmill/tokenmill/sources/stackexchange"
	"github.com/tokenmill/tokenmill/sources/wikipedia"
	"github.com/tokenmill/tokenmill/stages/codeheader"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/stages/parquet"
	"github.com/tokenmill/tokenmill/stages/tokenizer"
)

// defaultRegistry holds every source format and step this binary knows.
func defaultRegistry() *pipeline.Registry {
	r := pipeline.NewRegistry()
	commoncrawl.Register(r)
	wikipedia.Register(r)
	books.Register(r)
	arxiv.Register(r)
	dedup.Register(r)
	length.Register(r)
	normalize.Register(r)
	langid.Register(r)
	kenlmstep.Register(r)
	fasttextstep.Register(r)
	tokenizer.Register(r)
	github.RegisterWith(r, bigquery.Factory)
	heuristics.RegisterCode(r)
	codeheader.Register(r)
	stackexchange.Register(r)
	parquet.Register(r)
	c4.Register(r)
	heuristics.RegisterC4(r)
	return r
}
