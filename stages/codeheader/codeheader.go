package codeheader

import (
	"path"
	"regexp"
	"strings"
	"sync/atomic"

	"github.com/tokenmill/tokenmill/pipeline"
)

// syntax is a language's comment syntax.
type syntax struct {
	line   []string    // line comment prefixes
	blocks [][2]string // block comment open/close pairs
}

var (
	cLike    = syntax{line: []string{"//"}, blocks: [][2]string{{"/*", "*/"}}}
	hash     = syntax{line: []string{"#"}}
	python   = syntax{line: []string{"#"}, blocks: [][2]string{{`"""`, `"""`}, {`'''`, `'''`}}}
	ruby     = syntax{line: []string{"#"}, blocks: [][2]string{{"=begin", "=end"}}}
	perl     = syntax{line: []string{"#"}, blocks: [][2]string{{"=pod", "=cut"}, {"=head1", "=cut"}}}
	pwsh     = syntax{line: []string{"#"}, blocks: [][2]string{{"<#", "#>"}}}
	julia    = syntax{line: []string{"#"}, blocks: [][2]string{{"#=", "=#"}}}
	sql      = syntax{line: []string{"--"}, blocks: [][2]string{{"/*", "*/"}}}
	lua      = syntax{line: []string{"--"}, blocks: [][2]string{{"--[[", "]]"}}}
	haskell  = syntax{line: []string{"--"}, blocks: [][2]string{{"{-", "-}"}}}
	asm      = syntax{line: []string{";", "#", "//"}, blocks: [][2]string{{"/*", "*/"}}}
	markup   = syntax{blocks: [][2]string{{"<!--", "-->"}}}
	tex      = syntax{line: []string{"%"}}
	fortran  = syntax{line: []string{"!"}}
	fortranF = syntax{line: []string{"!", "c", "C", "*"}} // fixed form: column 1
	batch    = syntax{line: []string{"REM", "rem", "@REM", "@rem", "::"}}
	vb       = syntax{line: []string{"'", "REM", "Rem"}}
	rst      = syntax{line: []string{".."}}
)

// bySuffix maps a name's suffix to its syntax.
var bySuffix = map[string]syntax{
	".c": cLike, ".h": cLike, ".cc": cLike, ".cpp": cLike, ".hpp": cLike, ".c++": cLike, ".h++": cLike,
	".hh": cLike, ".C": cLike, ".H": cLike, ".cs": cLike, ".java": cLike, ".js": cLike, ".ts": cLike,
	".tsx": cLike, ".go": cLike, ".rs": cLike, ".scala": cLike, ".css": cLike, ".m": cLike, ".php": cLike,
	".php3": cLike, ".php4": cLike, ".php5": cLike, ".phps": cLike, ".phpt": cLike, ".smali": hash,
	".sh": hash, ".bash": hash, ".zsh": hash, ".command": hash, ".cmake": hash, ".dockerfile": hash,
	".py": python, ".rb": ruby, ".pl": perl, ".pm": perl, ".perl": perl, ".ps1": pwsh, ".psd1": pwsh,
	".psm1": pwsh, ".jl": julia, ".sql": sql, ".lua": lua, ".hs": haskell, ".asm": asm,
	".html": markup, ".xml": markup, ".md": markup, ".markdown": markup, ".tex": tex,
	".f90": fortran, ".f03": fortran, ".f08": fortran, ".f95": fortran,
	".f": fortranF, ".f77": fortranF, ".for": fortranF, ".fpp": fortranF,
	".bat": batch, ".cmd": batch, ".vb": vb, ".rst": rst,
}

// syntaxOf returns the comment syntax of a file name; ok is false for a
// name whose syntax is unknown (the text is then left alone).
func syntaxOf(p string) (syntax, bool) {
	base := path.Base(p)
	switch {
	case base == "Makefile" || strings.HasSuffix(base, "Makefile") || base == "makefile":
		return hash, true
	case base == "Dockerfile" || strings.HasSuffix(base, "Dockerfile"):
		return hash, true
	}
	s, ok := bySuffix[path.Ext(base)]
	return s, ok
}

var (
	// PEP 263, and Ruby's and Emacs' magic comments.
	encodingRE = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+`)
	licenceRE  = regexp.MustCompile(`(?i)copyright|licen[cs]e|spdx-license-identifier|all rights reserved|\(c\)|©|permission is hereby granted`)
)

// prologue reports whether line i must stay at the top of the file.
func prologue(line string, i int) bool {
	t := strings.TrimSpace(line)
	switch {
	case i == 0 && strings.HasPrefix(t, "#!"):
		return true
	case i < 2 && encodingRE.MatchString(line):
		return true
	case strings.HasPrefix(t, "# frozen_string_literal:"), strings.HasPrefix(t, "<?php"),
		strings.HasPrefix(t, "<?xml"), strings.HasPrefix(strings.ToUpper(t), "<!DOCTYPE"):
		return true
	}
	return false
}

func blank(line string) bool { return strings.TrimSpace(line) == "" }

// lineAt returns the line of text starting at off (with its newline) and
// the offset of the next line.
func lineAt(text string, off int) (string, int) {
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		return text[off : off+i+1], off + i + 1
	}
	return text[off:], len(text)
}

// block returns the end offset of the comment block starting at off, or ok
// false when the line at off does not start one.
func (s syntax) block(text string, off int) (end int, ok bool) {
	first, next := lineAt(text, off)
	t := strings.TrimLeft(first, " \t")
	for _, b := range s.blocks {
		if !strings.HasPrefix(t, b[0]) {
			continue
		}
		rest, at := t[len(b[0]):], next
		for {
			if c := strings.Index(rest, b[1]); c >= 0 {
				if !blank(rest[c+len(b[1]):]) {
					return 0, false // code follows the comment on its line
				}
				return at, true
			}
			if at >= len(text) {
				return 0, false // never closed
			}
			rest, at = lineAt(text, at)
		}
	}
	end = off
	for end < len(text) {
		l, n := lineAt(text, end)
		if !s.lineComment(l) {
			break
		}
		end = n
	}
	return end, end > off
}

func (s syntax) lineComment(line string) bool {
	t := strings.TrimLeft(line, " \t")
	for _, p := range s.line {
		if strings.HasPrefix(t, p) && !strings.HasPrefix(t, "#!") {
			return true
		}
	}
	return false
}

// Strip removes the licence header of a file named p (see the package
// comment) and reports whether it removed one. It reads only the lines it
// needs and, when nothing precedes the header, returns a substring of text.
func Strip(text, p string) (string, bool) {
	syn, ok := syntaxOf(p)
	if !ok {
		return text, false
	}
	off := 0
	for i := 0; off < len(text); i++ {
		l, n := lineAt(text, off)
		if !prologue(l, i) {
			break
		}
		off = n
	}
	keep, cut := off, off
	stripped := false
	for {
		j := cut
		for j < len(text) {
			l, n := lineAt(text, j)
			if !blank(l) {
				break
			}
			j = n
		}
		if j >= len(text) {
			break
		}
		end, ok := syn.block(text, j)
		if !ok || !licenceRE.MatchString(text[j:end]) {
			break
		}
		cut, stripped = end, true
	}
	if !stripped {
		return text, false
	}
	for cut < len(text) {
		l, n := lineAt(text, cut)
		if !blank(l) {
			break
		}
		cut = n
	}
	if keep == 0 {
		return text[cut:], true
	}
	return text[:keep] + text[cut:], true
}

var (
	rpBlock     = regexp.MustCompile(`/\*[^*]*\*+(?:[^/*][^*]*\*+)*/`)
	rpCopyright = regexp.MustCompile(`(?i)copyright`)
)

// RedPajama is RedPajama-v1's clean_copyright_comments, for comparison: the
// first /* */ comment anywhere is cut if it mentions copyright (and the
// function returns either way); without one, every leading line starting
// with //, # or -- or empty is deleted.
func RedPajama(content string) string {
	if loc := rpBlock.FindStringIndex(content); loc != nil {
		if rpCopyright.MatchString(content[loc[0]:loc[1]]) {
			content = content[:loc[0]] + content[loc[1]:]
		}
		return content
	}
	lines := strings.Split(content, "\n")
	skip := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "//") || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "--") || l == "" {
			skip++
			continue
		}
		break
	}
	if skip > 0 {
		return strings.Join(lines[skip:], "\n")
	}
	return content
}

// Spec is the recipe spec of the "code_headers" step.
var Spec = pipeline.Spec{
	Name: "code_headers",
	Doc:  "Strip the licence/copyright comment block at the top of a source file, in its language's comment syntax, keeping shebangs, encoding lines, #include, package and \"use strict\". Never drops.",
}

// Register adds code_headers to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return &Step{}, nil
	})
}

// Step strips headers; the file name is the doc's "path" metadata. It is
// safe for concurrent use.
type Step struct{ stripped atomic.Int64 }

// Name implements pipeline.Step.
func (s *Step) Name() string { return "code_headers" }

// Process implements pipeline.Step; it never drops.
func (s *Step) Process(d *pipeline.Doc) (string, error) {
	p := d.Meta["path"]
	if p == "" {
		p = d.ID
	}
	if t, ok := Strip(d.Text, p); ok {
		d.Text = t
		s.stripped.Add(1)
	}
	return "", nil
}

// Counters reports how many headers were stripped.
func (s *Step) Counters() map[string]int64 {
	return map[string]int64{"headers_stripped": s.stripped.Load()}
}
