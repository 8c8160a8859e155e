package main

import (
	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/filters/ccnet"
	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/filters/langid"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/c4"
	"github.com/tokenmill/tokenmill/sources/commoncrawl"
	"github.com/tokenmill/tokenmill/stages/normalize"
)

// defaultRegistry holds every source format and step this binary knows.
func defaultRegistry() *pipeline.Registry {
	r := pipeline.NewRegistry()
	commoncrawl.Register(r)
	dedup.Register(r)
	normalize.Register(r)
	langid.Register(r)
	ccnet.Register(r)
	c4.Register(r)
	heuristics.RegisterC4(r)
	return r
}
