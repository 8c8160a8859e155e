// Package data is the training data loader: it opens a build's manifest.json
// (local path, file://, s3:// or gs://), mixes the sources' token shards at
// the mixture weights, packs documents into fixed-length rows and serves each
// rank its slice of every global batch, resumably. External trainers can use
// it as well as the bundled one.
//
// # The run is a pure function
//
// The sample stream is determined by the seed, the manifest (version and
// shards), the weights, seq_len, the global batch size and the number of
// samples (the token budget rounded down to whole steps), plus the shuffle
// window. [Plan.ConfigHash] digests exactly these. World size and rank are not
// among them: rank r of W gets rows [r*G/W, (r+1)*G/W) of each global batch
// of G rows, so the global stream is the same for every world size.
//
// # Mixture
//
// Each source's quota of the run's N samples is the largest-remainder
// apportionment of N by the normalized weights, computed on exact rationals
// (ties to the earlier name). The samples are interleaved by Megatron's rule,
// "the source furthest behind its target share Quota_s/N", taken in its
// deadline form: the plain greedy can drift past one sample (quotas 1, 1270,
// 1, 133, 1162 put a source 1.034 behind), so each source's next sample has
// a release and a deadline that keep it less than one sample from its target,
// and the earliest deadline goes first (Tijdeman's chairman assignment). The
// totals are exact and every prefix of the run is within one sample of its
// target for every source. A source drawn beyond its size is repeated
// (epochs above 1); one drawn less is read in part (below 1). [NewPlan]
// refuses a run that would need more than MaxEpochs epochs of any source.
//
// # Packing
//
// A source's stream is its documents each written as BOS, tokens, EOS (ids
// from the manifest's tokenizer entry), epoch after epoch with no padding and
// no token dropped. Sample j of a source is stream[j*L : j*L+L+1] for seq_len
// L: inputs are its first L tokens and targets its last L, and the last token
// of a sample is the first of the next (Megatron's one-token overlap), so
// every stream token is a target exactly once. A document longer than a row
// simply continues in the source's next sample (which starts mid-document,
// without BOS); likewise the last sample of an epoch runs on into the first
// document of the next epoch. Attention is not masked at document boundaries.
//
// # Shuffling
//
// Each epoch is a fresh keyed permutation of the source's documents, in two
// levels: the source's row groups (the unit of I/O, 64-128 MB) are permuted,
// then cut into windows of Config.Window row groups, and the documents of
// each window are permuted. We permute documents rather than finished
// sequences so that each epoch packs different neighbours together and cuts
// documents at different places, and in two levels so that reading stays
// sequential over whole row groups and memory stays bounded: a full-corpus
// document permutation would need random access to single rows, which Parquet
// row groups do not offer cheaply. Every document appears exactly once per
// epoch, so no sample repeats within an epoch. Keys are SHA-256 of (scheme,
// seed, manifest version, source, epoch, window) feeding ChaCha8 and our own
// Fisher-Yates, so the order does not depend on the Go release.
//
// # Resume
//
// A [State] is the number of global samples consumed plus the config hash.
// [Loader.Resume] refuses a different hash unless forced, replays the
// interleave up to the sample count (about 26 ns per sample, no I/O: some 18 s
// at the end of a LLaMA-sized run of 683M samples) and drops its cached
// windows; the next batch is the one an uninterrupted run would have served,
// whatever the world size before and after.
//
// # I/O and memory
//
// Open reads each shard's footer and n_tokens column (4 bytes per document)
// and keeps only per-row-group counts. Afterwards a window is loaded by
// reading just the n_tokens and tokens column chunks of its row groups, each
// with one ReadAt (one range request on object storage); the id and source
// columns are never read. With read-ahead on, the next window of each source
// is loaded in the background, so memory is about two windows of tokens per
// source.
//
// # Integrity
//
// Nothing is trained on that the manifest does not vouch for. Open first
// validates the manifest ([manifest.Manifest.Validate]: counts, vocabulary
// size, ids, paths), before any number in it sizes an allocation. Then it
// reads every shard of the run once, sequentially, and checks its size and
// SHA-256 against the manifest's entry; a mismatch is an [ErrCorrupt] naming
// the shard's URL, the expected value and the actual one. The check is made
// up front rather than on the reads of training because those never cover a
// whole file (two columns only, row groups in shuffled order, and a run
// below one epoch skips some), and because a bad shard should stop the run
// before its first step, not hours into it. Its cost is one extra pass over
// the token shards at disk or network speed; [Config.SkipSHA256] skips it for
// corpora too large or too remote for that pass. The size, which costs no
// read, is checked on every open of a shard whatever the setting.
//
// The package must not depend on the source readers; it imports only the
// manifest and storage packages of the pipeline.
package data
