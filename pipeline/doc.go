// Package pipeline is tokenmill's core: the document type that flows between
// packages, the small interfaces each role implements (a Source opens input
// shards into Readers, a Step keeps, changes or drops one document, a Gatherer
// decides on one document from what it saw across a whole group of shards),
// the runner that drives them over a worker pool with the output order kept,
// the statistics every build reports, the recipe format and its checks, and
// the component registry that turns recipe entries into steps.
//
// # Contracts
//
//   - A Doc's ID is stable and unique within its source and says where the
//     document came from. Steps never change ID or Source.
//   - A dropped document always carries a reason written "step:rule"; the
//     runner counts reasons, steps do not.
//   - Given the same inputs, recipe and models, the runner's output is the
//     same byte for byte whatever the number of workers: documents leave a
//     shard in the order they entered it, and cross-document decisions
//     (Gatherer) are keyed by shard index, never by arrival order.
//   - Bad input is not fatal: readers report a malformed record through the
//     SkipFunc they were opened with (a *RecordError that unwraps to a cause
//     and usually to ErrCorrupt) and carry on with the next good record.
//     A record left out on purpose (a Wikipedia redirect) goes through the
//     same SkipFunc as a FilteredError: counted under its reason, not
//     corrupt, never kept as an example.
//
// The pipeline must not know any source format or model: those live in
// sources/, stages/, filters/ and dedup/ and reach it through the Registry.
package pipeline
