// Package dedup makes the cross-document decisions of a build: CCNet's line
// dedup over a group of input shards ([Lines]) and exact document dedup
// ([Docs]), both under a memory cap with spill to sorted runs on disk.
//
// # Line dedup (CCNet)
//
// A line's key is the first 8 bytes, read big-endian, of the SHA-1 of
// normalize.ForDedup(line), lines being text.split("\n"). A first pass
// (Observe) records, for every document, each distinct key it holds; Seal
// merges the records of the whole group. In mode [RemoveAll] (CCNet's) every
// copy of a line whose key occurs in two or more documents of the group is
// removed, and within one document the repeats after a line's first copy
// are removed too. Occurrences are counted once per document, as CCNet's
// FlatHashSet.add does with one document's array of hashes: a line repeated
// only inside one page keeps its first copy. Mode [KeepFirst] keeps the first
// copy in the group's input order (lowest shard, then document position,
// then line) and removes all others, so a page crawled twice survives once;
// it is what CCNet's dedup.deduplicate does over one stream. Both modes are
// checked against CCNet's own code (testdata/ccnet_dedup.py).
//
// # Contracts
//
//   - Decisions never depend on the order in which shards are observed:
//     records are sorted by (key, shard, position) before anything is
//     decided, and "first" means lowest (shard, position).
//   - Memory holds 8 bytes per (document, distinct line) record in mode
//     remove-all, 16 in keep-first and for document dedup (which keep the
//     document to find the first), plus a document index (ID hash to
//     position, ~40 bytes per document with the map's overhead, not
//     spilled, outside the cap). Above the cap the largest buffers, of
//     whichever shards hold them, are sorted and written as runs under the
//     temp folder until half the cap is free; Seal merges the runs. The
//     results of Seal (the keys seen in two or more documents) stay in
//     memory.
//   - Observe may run concurrently for different shards, never for the same
//     one; Process-side methods ([Lines.Dedup], [Docs.Duplicate]) are
//     goroutine-safe after Seal.
//   - Documents are identified at Process time by their ID (IDs are unique
//     within a source, a pipeline contract); an ID observed twice is an
//     error.
//
// The pipeline adapters (step.go) are the gatherers "line_dedup" and
// "doc_dedup" (the one-document "min_length" filter is filters/length).
// The package must not change text other than removing whole lines.
package dedup
