// Package wikipedia reads MediaWiki pages-articles XML dumps (export schema
// 0.10 and 0.11, as dumps.wikimedia.org publishes them) into plain-text
// documents, the way LLaMA built its Wikipedia corpus: the article pages
// (namespace 0, content model wikitext, not redirects) of the 20 languages
// it names, with hyperlinks, comments, templates, references, tables and
// formatting removed.
//
// # Inputs
//
// A dump is <db>wiki-<date>-pages-articles.xml.bz2 (one bzip2 stream, read
// sequentially) or -pages-articles-multistream.xml.bz2, a concatenation of
// bzip2 streams of 100 pages each, whose -multistream-index.txt.bz2 lists
// "offset:page_id:title" per page. [Source.Inputs] reads the index and splits
// such a dump into inputs of whole streams (Part "streams=<first>-<end>",
// byte offsets, end exclusive) of about part_mb compressed MB, so a build
// decodes them in parallel (bzip2 is the slowest decoder we have). The first
// stream holds only the <mediawiki> start and <siteinfo>; [Source.Open] reads
// it with a small ranged read for the wiki's name and namespaces, then
// reads its range of streams. Inside a range, streams are found by their
// headers ("BZh" and the first block's magic).
//
// # Contracts
//
//   - Document ID "<dbname>:<page id>" (enwiki:3378); URL
//     https://<lang>.wikipedia.org/wiki/<Title_with_underscores>; Date the
//     revision's timestamp; Meta title, revision_id, wiki_lang (the dump's
//     language: Doc.Lang is the language-ID step's), and ext_urls with the
//     ext_urls option.
//   - Pages left out on purpose are reported as pipeline.FilteredError with
//     a reason (redirect, not-article, not-wikitext, suppressed-revision,
//     empty-page, language-not-kept); damage as pipeline.CorruptError
//     (malformed-page, page-too-large, bad-bz2-stream, bad-bz2, empty-dump,
//     no-siteinfo). A dump cut
//     in the middle keeps every page before the cut and counts the cut page;
//     a damaged stream of a multistream dump loses that stream's pages alone.
//   - Memory is bounded by configuration: one page (max_page_mb) in a
//     sequential dump, one stream compressed and decompressed in a range.
//     Only failures of storage are fatal.
//
// [Cleaner] is the wikitext-to-text conversion (see its doc for the passes).
// The package must not filter by quality; that is filters/' job.
package wikipedia
