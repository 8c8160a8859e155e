// Package codeheader strips the licence and copyright comment block at the
// top of a source file, as LLaMA did for its GitHub subset ("we removed
// boilerplate, such as headers, with regular expressions").
//
// It is a stage, not a filter: it changes text and never drops a document.
//
// # The rule
//
// The comment syntax comes from the file's name (the github source's "path"
// metadata): line comments (//, #, --, ;, %, !, ', REM, ::) and block
// comments (/* */, <!-- -->, """ """, ”' ”', =begin =end, {- -}, --[[ ]],
// <# #>, #= =#). Lines that must stay at the top are kept and the header is
// looked for after them: a shebang (#!) on the first line, an encoding
// declaration (PEP 263 "coding[:=]", Ruby's "# frozen_string_literal:"),
// <?php, <?xml and <!DOCTYPE. Then, repeatedly, the next comment block
// (after blank lines) is removed when it reads like a licence (it mentions
// copyright, a licence, SPDX-License-Identifier, "all rights reserved",
// "(c)" or "©", or "permission is hereby granted"), and so are the blank
// lines after the last one removed. A comment block that does not read like
// a licence (a package doc comment) ends the search and stays, and so does
// everything else: #include, package, import and "use strict" lines are
// code, never comments, in their languages.
//
// RedPajama's rule (data_prep/github/github_clean_dedup_local.py), kept here
// as [RedPajama] for comparison, cuts the first /* */ block anywhere in the
// file if it mentions copyright and otherwise deletes every leading line
// that starts with //, # or -- or is empty, which also deletes shebangs and
// leading #include and #define lines, and any comment block that is not a
// licence (Go's "// Package x" doc comment).
//
// It must not decide keep/drop.
package codeheader
