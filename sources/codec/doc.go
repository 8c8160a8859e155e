// Package codec decompresses source inputs: it recognises gzip, bzip2, zstd
// and xz by their magic bytes, not by file names (dumps are renamed, and a
// ".json" shard is sometimes gzipped), and reads every format as a
// multi-member/multi-stream file, as their tools do.
//
// It exists so that every source reads compressed inputs the same way, at
// the speed of the best decoder we have for each format (klauspost/compress
// for gzip and zstd; the standard library's bzip2, which no pure-Go decoder
// beats; ulikunitz/xz), and so that the damage-tolerant reading of
// member-per-record gzip files (WARC/WET) is shared rather than private to
// one reader.
package codec
