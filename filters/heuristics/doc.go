// Package heuristics holds rule-based keep/drop decisions on documents:
// the page rules of published corpora, each a pipeline step registered by
// its own function (RegisterC4 for c4_rules, RegisterCode for the GitHub
// rules), so that rule sets can be
// added without touching one another.
//
// The package must not write files.
//
// # C4 rules
//
// The c4_rules step ([C4], [C4Spec]) reproduces the cleaning that made C4
// (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a
// Unified Text-to-Text Transformer", §2.2) as TensorFlow Datasets' c4
// builder implements it (tensorflow_datasets/text/c4_utils.py, clean_page
// and get_badwords_filter_fn; c4.py version 3.0.1, the c4/en config). Per
// line, in clean_page's order: strip; drop the line if a word is over 1000
// characters; cut the citation markers \[\d*\], [edit], [citation needed];
// drop the line unless it ends in . ? ! or " (and not ...); drop it under
// 5 words; drop the page if the line holds "lorem ipsum"; drop the line if
// it holds "javascript"; drop the page if it holds "{"; drop the line if it
// holds a policy phrase. Then pages under 3 sentences go, and the cleaned
// page is checked against the bad-words list. Drop reasons are
// "c4_rules:<rule>" ([C4TooLongPage] and the constants beside it); lines
// removed are counted in the step's counters.
//
// Python's semantics are kept where they decide a line: splitlines
// boundaries (\v \f \x1c-\x1e \x85 U+2028 U+2029 besides \n and \r),
// strip/split whitespace (which includes \x1c-\x1f), lengths in code points,
// str.lower (İ becomes "i̇"), str.isupper/islower, Unicode \d, \s and \W.
// bench/c4/compare.sh runs TFDS's own clean_page and badwords filter (with
// the untrained Punkt) next to the step on the same shards and reports every
// page where the two differ; on 60,000 adversarial pages they agree on all.
//
// Where the paper and the code disagree, the code wins, as the published
// C4 is the code's output:
//   - The thresholds agree (paper and code: lines of at least 5 words, pages
//     of at least 3 sentences); restatements that swap them (3 words, 5
//     sentences) are wrong.
//   - The paper drops any page with "lorem ipsum" or "{"; the code only sees
//     lines that passed the too-long-word, end-mark and word-count rules, so
//     "{" on a short or unpunctuated line leaves the page alone, and a line
//     with both "javascript" and "{" is removed, not the page.
//   - The paper drops a page with "any word on the list"; TFDS 3.x checks the
//     cleaned page (after its cross-page line dedup and language ID), with
//     entries flanked by non-word characters (?:\W|^)…(?:\W|$). TFDS 2.x
//     checked each kept line with [^a-z]…[^a-z], which misses a word at the
//     start or end of a line. We follow 3.x, the current code (it pins the
//     English list "for reproducibility of the original C4"), on the text
//     this step cleaned (we have no cross-page line dedup in between, so a
//     bad word on a line TFDS's dedup would remove still drops the page
//     here).
//   - The paper counts "sentences"; the code runs NLTK's Punkt tokenizer
//     with its trained English model (english.pickle) on each kept line.
//     That model is data NLTK downloads at run time and is not shipped
//     here, so we count with Punkt's own algorithm and no trained parameters,
//     exactly as NLTK's PunktSentenceTokenizer() does (held to it line by
//     line in TestPunktCounts, and page by page by bench/c4/compare.sh). The
//     trained model also knows a list of abbreviations ("Mr.", "e.g.",
//     "U.S.") and orthographic statistics: "Mr. Smith left." is two
//     sentences here and one in TFDS. Every kept line counts at least one
//     sentence, so this only decides pages left with one or two lines.
//   - Pages over 190,000 characters are dropped first (TFDS is_valid_length;
//     not in the paper).
//   - Not part of this step: the paper's three-sentence-span dedup (TFDS:
//     cross-page line dedup keeping one copy per line), langdetect ≥ 0.99
//     English (use langid), URL dedup.
//
// The bad-words list is LDNOOBW's English list at commit 25e679f0 (the one
// TFDS pins), embedded unchanged under CC BY 4.0; see badwords_en.LICENSE.md.
//
// # Code (GitHub) rules
//
// LLaMA's GitHub subset, as RedPajama-v1 rebuilt it
// (data_prep/github/github_run_filter.py), keeps a file when its repository
// is Apache, BSD or MIT licensed, its name ends in one of a whitelist of
// source extensions, and its text passes four quality thresholds. Two steps
// implement this, so that exact dedup (doc_dedup) and header stripping
// (stages/codeheader) can sit between the cheap metadata rules and the
// text statistics:
//
//   - code_files decides on metadata alone: symlinks, submodules, licences,
//     extensions, and blobs with no usable content (binary, NULL because
//     over 1 MiB, or absent from the contents table).
//   - code_quality measures the text with Python's semantics (RedPajama's
//     numbers): lines as str.splitlines() splits them, lengths in code points,
//     mean = characters / lines, alphanumeric and alphabetic as str.isalnum
//     and str.isalpha (Unicode letters; letters and numbers), tokens counted
//     by the recipe's SentencePiece model (RedPajama used the Pythia
//     tokenizer; a model option chooses ours, and without one tokens are
//     whitespace-separated words, which is stated in the stats key).
package heuristics
