// Package arxiv reads arXiv's bulk LaTeX sources (arXiv_src_YYMM_NNN.tar
// from s3://arxiv/src, requester pays) into documents, cleaned as Lewkowycz
// et al. 2022 (Minerva) did and LLaMA-1 followed.
//
// # Input
//
// Each tar holds YYMM/<id>.gz per paper: a gzipped single .tex file, or a
// gzipped tar of the paper's source folder (told apart by content: "ustar"
// at byte 257 after gunzip). Old-style ids are written without their slash
// (0703/math0703007.gz is math/0703007). PDF-only submissions (.pdf
// members or gzipped PDF), PostScript, empty, truncated or corrupt members,
// sources without a .tex file, withdrawal stubs and papers without a
// sectioning command are reported through the skip callback with their
// reason (pdf-only, postscript, empty-source, truncated-gzip, bad-gzip,
// truncated-tar, bad-inner-tar, no-tex, withdrawn, no-section, too-large);
// the reader goes on with the next paper. arXiv_src_manifest.xml is not an
// input (the tars are the truth; it is not read).
//
// # Documents
//
// ID: the arXiv id (2301.00028, math/0703007; a version suffix stays where
// the member name has one). URL: https://arxiv.org/abs/<id>. Date: the
// member's modification time. Meta: yymm and file (the tar's name). The
// same source under two ids gives two documents with the same text; the
// recipe's doc_dedup removes the later one.
//
// # Cleaning
//
// [Clean] lists the steps. Output stays LaTeX. Differences from RedPajama's
// arxiv_cleaner.py: macros with arguments and optional defaults are
// expanded (RedPajama: zero-argument only); the appendix stays unless
// cut_appendix is set (RedPajama cuts it); a lone \paragraph starts the text
// (RedPajama's regex lacks a "|" and misses it); \input files are inlined
// where they stand instead of every .tex file being concatenated; comments
// keep the character before them (RedPajama's [^\\]% eats it); files that
// are not UTF-8 are read as Latin-1 (RedPajama drops the paper).
//
// Approximations, on purpose: an inline comment keeps its line end (TeX
// would join the lines); the blanks after a zero-argument macro are kept;
// '@' always counts as a letter in control words; a \def with delimited
// parameters is removed but not expanded; \newcommand of a defined name
// redefines it (LaTeX would stop with an error).
//
// The package must not filter by quality; that is filters/' job.
package arxiv
