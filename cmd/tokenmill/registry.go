package main

import (
	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/commoncrawl"
)

// defaultRegistry holds every source format and step this binary knows.
func defaultRegistry() *pipeline.Registry {
	r := pipeline.NewRegistry()
	commoncrawl.Register(r)
	heuristics.Register(r)
	return r
}
