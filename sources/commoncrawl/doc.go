// Package commoncrawl reads CommonCrawl WET files (WARC/1.0 or 1.1, the
// extracted plain text of each crawled page) into documents.
//
// A WET file is a series of gzip members, normally one per record. The
// reader decodes them member by member (sources/codec's Members), so that
// damage stays local: a gzip member whose header, data, CRC-32 or length is
// bad is counted ("bad-gzip", "truncated-gzip") and never emitted — members
// are verified whole before their record is parsed — and reading resumes at
// the next member that decodes cleanly after the damaged member's first
// byte, so every intact record after the damage is read and none before it
// twice. A record whose Content-Length is wrong or whose header is garbage
// is reported, with the file, the record's index and its offset in the
// decompressed stream, and reading resumes at the next "WARC/" line or
// member; garbage is skipped without being held, whatever its length. Only
// "conversion" records become documents; "warcinfo" and other types are
// skipped silently. Memory is bounded per file: one member (16 MiB at most
// is held for verification; larger members are streamed and checked at
// their end) and its compressed bytes for resynchronisation (64 MiB).
//
// The package must not filter by quality; that is filters/' job.
package commoncrawl
