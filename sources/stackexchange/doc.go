// Package stackexchange reads the StackExchange data dumps into one
// document per question, the way LLaMA took StackExchange into its corpus
// (Touvron et al. 2023: "the 28 largest websites, removed the HTML tags
// from text and sorted the answers by score, from highest to lowest"),
// with RedPajama-v1's scripts (data_prep/stack_exchange of
// togethercomputer/RedPajama-Data) as the peer it is measured against.
//
// # Input
//
// The archive.org layout (https://archive.org/details/stackexchange): one
// 7z archive per site, <site host>.7z, holding the site's tables (Posts.xml,
// Users.xml, Tags.xml, ...) at its root; Stack Overflow split per table,
// stackoverflow.com-Posts.7z, stackoverflow.com-Users.7z, .... Only the Posts
// table is read: the other tables' archives are not inputs. An extracted
// <site host>/Posts.xml (plain, or gzip/bzip2/zstd/xz) is read too. The site
// is the archive's name, or the name of the folder holding Posts.xml.
//
// 7z archives are read with github.com/bodgit/sevenzip through an
// io.ReaderAt over pipeline.Files (7z keeps its header at the end; the
// member is then streamed front to back from one ranged read). Posts.xml is
// never held in memory: the row scanner (RowScanner) reads one <row .../>
// element at a time, bounded by MaxRowBytes, decoding XML entity and
// character references and normalizing attribute values as XML does.
//
// # Output
//
// One document per question (PostTypeId 1). Its answers (PostTypeId 2) are
// joined by ParentId wherever they are in the file: the join (join.go)
// holds the posts, their HTML already turned into text, up to a memory cap
// (the memory_bytes option, else the build's memory setting), then spills
// sorted runs to the build's temp folder and merges them (64 at a time);
// the documents come out in question-Id order, and they depend neither on
// the order of the rows nor on the cap.
//
//	Q: <title>
//
//	<question body>
//
//	A: <answer body>
//
//	A: <answer body>
//
// Answers are sorted by their Score as a number, highest first, ties by
// answer Id, smallest first. RedPajama's post_processing.py sorts the Score
// attribute as a string (sorted(..., key=lambda x: x["score"],
// reverse=True) on the text: "9", "2", "10", "-2"), so "9" and "2" rank
// above "10"; the documents of this package differ from RedPajama's
// wherever a question has answers whose scores have different numbers of
// digits or signs. RedPajama also joins title and body with one space and
// answers with one line break; this package separates them with a blank
// line.
//
// HTML bodies become plain text (HTMLToText gives the rules): paragraphs
// and blocks separated by a blank line, list items as "- " or "N. " lines,
// code blocks verbatim (entities decoded, tags removed, indentation and
// blank lines kept), inline code and link text kept (link targets and
// images dropped), quotes as "> " lines, table rows as "a | b" lines,
// entities decoded as HTML5 does, no tag left.
//
// Doc.ID is "<site host>:<question Id>" (stackoverflow.com:1596), Doc.URL
// https://<site>/questions/<Id>, Doc.Date the question's CreationDate.
// Metadata: site, score (the question's), tags (comma-separated) and
// answer_ids (the answers' Ids in output order, comma-separated; empty for
// an unanswered question).
//
// # Sites
//
// The sites option lists the site hosts to read; an input of any other site
// is left out without being read. Meta sites (meta.stackexchange.com and
// every per-site meta: unix.meta.stackexchange.com, meta.serverfault.com)
// are always left out, and cannot be listed. recipes/llama.yaml lists 28
// sites: RedPajama's scripts name none (count.py ranks the sites of the
// dump it downloaded by the lines of their Posts.xml, questions plus
// answers, and filter.py keeps the first 28; the table its README links is
// not in its repository), so the recipe's list is that criterion applied by
// us, meta sites left out; the recipe says how to check it against a dump.
//
// Text in other languages stays: LLaMA did not filter StackExchange by
// language. The recipe's langid step labels each document (Doc.Lang,
// Doc.LangScore) and drops none.
//
// Questions without answers are kept by default (keep_unanswered: true), as
// RedPajama's filter.py keeps them ("Q: ..." alone), so as LLaMA's copy of
// it likely did; false leaves them out.
//
// # Bad input and stats reasons
//
// Nothing in the input stops a build but a failure of storage; every record
// left out is reported through the SkipFunc as a *pipeline.RecordError with
// its file (the archive's URL, plus "/Posts.xml" for its member), its row
// index and byte offset in Posts.xml, and one of these reasons. Filtered
// (left out by policy, not damaged):
//
//   - meta-site: the input is a meta site's (its archive is not read).
//   - site-not-listed: the input's site is not in the sites option.
//   - post-type:<name>: a post that is neither a question nor an answer,
//     named after the PostTypes table (tag-wiki-excerpt, tag-wiki,
//     moderator-nomination, wiki-placeholder, privilege-wiki, article, ...;
//     the number for a type not in the table, post-type:16).
//   - orphan-answer: an answer whose question is not in the file (deleted).
//   - empty-answer: an answer with no text once its HTML is removed (an
//     image alone); the question keeps its other answers.
//   - unanswered-question: a question without answers, with
//     keep_unanswered false.
//
// Corrupt (damaged input; the records around them are kept):
//
//   - malformed-row: a row that is not a well-formed <row .../> element,
//     has a bad entity or character reference, invalid UTF-8, or is longer
//     than MaxRowBytes; scanning resumes at the next "<row" after its start.
//   - truncated-row: the file ends inside a row (a cut Posts.xml: every
//     complete row before the cut is kept).
//   - bad-post: a row without Id or PostTypeId, a question without Title,
//     an answer without ParentId.
//   - duplicate-post: a post Id seen twice in the file; one copy is kept,
//     the same one whatever the order of the rows.
//   - truncated-file: the compressed stream (gzip, bzip2, ..., or the 7z
//     member) ends early; the rows before it are kept.
//   - corrupt-archive: a file that is not a readable 7z archive (a 7z cut
//     short loses its header, which is at its end, so none of it can be
//     read), a member that cannot be opened, or damaged compressed data.
//   - no-posts-xml: a 7z archive without a Posts.xml.
//
// # Memory
//
// Per open input: one row (at most MaxRowBytes) and the join's cap; never
// the size of the file.
package stackexchange
