// Package commoncrawl reads CommonCrawl WET files (WARC/1.0 or 1.1, the
// extracted plain text of each crawled page) into documents.
//
// A WET file is a series of gzip members, normally one per record. The
// reader decodes them member by member, so that damage stays local: a record
// whose Content-Length is wrong, whose header is garbage or whose gzip member
// is corrupt is reported, with the file, the record's index and its offset in
// the decompressed stream, and reading resumes at the next member (or, inside
// a member that holds several records, at the next "WARC/" line). Only
// "conversion" records become documents; "warcinfo" and other types are
// skipped silently. Memory is constant per file: one record and one member's
// raw bytes (for resynchronisation) at a time.
//
// The package must not filter by quality; that is filters/' job.
package commoncrawl
