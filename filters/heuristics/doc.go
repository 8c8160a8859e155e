// Package heuristics holds cheap, rule-based keep/drop decisions: minimum
// length, and (as the per-source issues add them) the C4, code and
// Gopher-style rules of DESIGN.md §4. Each rule is a pure function over the
// text with a thin pipeline.Step adapter, so it can be used without the
// pipeline and tested on its own.
//
// The package must not write files.
package heuristics
