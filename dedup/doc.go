// Package dedup makes the cross-document decisions of a build: CCNet's line
// dedup over a group of input shards ([Lines]), exact document dedup
// ([Docs]) and near-duplicate documents ([Near]), all under a memory cap
// with spill to sorted runs on disk.
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
// # Near-duplicate documents (near_dedup)
//
// LLaMA removed "books with more than 90% content overlap"; the same
// engine finds a web page recrawled with another footer. [Near]:
//
//  1. Shingles: the text lower-cased, punctuation and symbols removed
//     (datatrove's simplify), split into words; shingles are n consecutive
//     words (default 5) or n consecutive characters of the words joined by
//     single spaces. A shingle is a 64-bit hash (xxhash of each word,
//     combined by position). A text shorter than n has one shingle.
//  2. MinHash: bands*rows values, the i-th the minimum of a_i*h+b_i mod
//     2^64 over the shingle hashes h (a_i odd; parameters from the seed),
//     top 32 bits kept. Each band's rows values hash to a band key; a
//     (band key, document) record per band goes to a sorter that spills
//     sorted runs under the temp folder past the memory cap.
//  3. Candidates: the records are merged in (key, document) order; in each
//     bucket the first max_bucket documents are paired all with all, each
//     later one with the first and with its predecessor (so a bucket of a
//     million copies costs two pairs a document). Pairs spill too, and are
//     merged and deduplicated in order.
//  4. Verification: each candidate pair is measured, jaccard or
//     containment (|A∩B| / min(|A|,|B|), the share of the smaller
//     document found in the other: a book 95% of another is its duplicate
//     however long the other), on the documents' shingle-hash samples, and
//     kept as a duplicate pair when the measure reaches the threshold.
//  5. Clusters: union-find over the duplicate pairs. In each cluster the
//     members are taken in order of preference (documents of a loaded
//     state first, then the longest text, then input order: lowest shard,
//     then position); a member is dropped when it duplicates a member
//     already kept: the first one (every member is measured against it)
//     or another kept member it has a duplicate pair with. Every dropped
//     document thus has a measured overlap over the threshold with a kept
//     one, and two editions linked only through a third that contains
//     neither both stay. Nothing depends on arrival order or on the number
//     of workers: records and pairs are sorted, and documents are named by
//     (shard, position).
//
// # Samples and their error
//
// Verification needs the shingle sets of candidates, which are not kept in
// memory. Each document keeps on disk its distinct shingle hashes below
// sample_rate*2^64 (books: 1/16), at least sample_min of them (all when it
// has fewer: short documents are compared exactly) and at most sample_max
// (its smallest). Because the same hash threshold applies to every
// document, the sample of A∩B is the intersection of the samples: both
// samples are cut to the lower of the two thresholds and their overlap is
// an unbiased estimate of the overlap of the full sets, from about
// |A|*rate hashes (containment: standard error sqrt(c(1-c)/(|A|*rate)),
// 0.008 for a 20,000-word book at c = 0.9 and rate 1/16). Memory per
// document is a 48-byte entry, an ID-hash map entry (~40 bytes) and 16
// bytes per duplicate pair found, outside the cap; the band records (16
// bytes a band) and pairs spill; the samples (8 bytes a hash) are on disk.
//
// Measured on real books (TestNearRealBooks: 200 Gutenberg books from a
// mirror, 181 MB, among them the mirror's own duplicates, plus editions
// derived from 40 of them: rewrapped, mixed with 95 .. 45% of foreign
// chapters, every other paragraph, the first 30%), with the books recipe's
// options (5-word shingles, 50 bands x 2 rows, containment 0.9, samples at
// 1/16), against the same rule run on exact containment over all pairs:
//
//	exact containment  pairs  LSH candidate  sample says >= 0.9  mean |sample - exact|
//	[0.30, 0.50)         291      0.601            0.000               0.0080
//	[0.50, 0.70)         414      0.843            0.000               0.0067
//	[0.70, 0.80)         322      0.922            0.000               0.0070
//	[0.80, 0.85)         222      0.932            0.000               0.0062
//	[0.85, 0.88)         163      0.902            0.000               0.0066
//	[0.88, 0.90)         117      1.000            0.154               0.0055
//	[0.90, 0.92)         168      1.000            0.887               0.0047
//	[0.92, 0.95)         247      0.923            1.000               0.0034
//	[0.95, 0.99)         468      0.917            1.000               0.0025
//	[0.99, 1.01)         555      0.968            1.000               0.0002
//
// Documents: the exact rule drops 305, near_dedup 303; precision 0.9967
// (one drop, an edition 70% one book and 30% another, has no kept
// document it overlaps 90% exactly: its sample said 0.9), recall 0.9803
// (misses: a short story contained in a collection, abridgements and
// excerpts whose Jaccard with the book is near 0.3, where LSH misses some
// pairs); 5 pairs of kept documents are still over the threshold. With 40
// bands of 3 rows recall was 0.957 with 24 such pairs left. The errors are
// thus: LSH misses pairs of very unequal sizes (Jaccard = c*r/(1+r-c*r)
// for a book r times the other's size), and the sample's error moves
// pairs within about 0.01 of the threshold across it.
//
// # State
//
// With a state folder, Seal saves the survivors (state documents, then this
// build's kept documents): near.json (the parameters, which a later build
// must share), docs.bin (48 bytes a document: ID hash, text hash, length,
// sample threshold, offset, count), samples.bin and bands.bin (their
// band records, sorted). A later build loads it: its band records are one
// more sorted run, its documents come first in every cluster and are never
// dropped; a document whose ID and text are a state document's is that
// document (a rerun, or incremental ingestion over the same inputs) and is
// kept. The new state is written beside the old and renamed over it.
//
// The pipeline adapters (step.go) are the gatherers "line_dedup",
// "doc_dedup" and "near_dedup" (the one-document "min_length" filter is
// filters/length). The package must not change text other than removing
// whole lines.
package dedup
