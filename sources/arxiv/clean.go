package arxiv

import (
	"path"
	"sort"
	"strings"
	"unicode/utf8"
)

// Drop reasons of papers the cleaner cannot use; they are the stats reasons
// of the skipped records.
const (
	ReasonNoTeX     = "no-tex"     // no .tex file in the source
	ReasonNoSection = "no-section" // no sectioning command: nothing to keep
	ReasonWithdrawn = "withdrawn"  // a withdrawal stub (no sections, says "withdrawn")
)

// CleanOptions tune the LaTeX cleaning.
type CleanOptions struct {
	// CutAppendix removes everything from \appendix (or \begin{appendix},
	// \begin{appendices}) to the end, as RedPajama did. Off by default:
	// Lewkowycz et al. (and so LLaMA) removed only the part before the first
	// section and the bibliography.
	CutAppendix bool
}

// maxInputDepth bounds nested \input/\include.
const maxInputDepth = 16

// Decode returns b as a string: UTF-8 when it is valid UTF-8, Latin-1
// otherwise (every byte one code point), so the result is always valid
// UTF-8.
func Decode(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// isTeXName reports whether a source file is LaTeX by its extension.
func isTeXName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".tex", ".ltx", ".latex":
		return true
	}
	return false
}

// Clean turns a paper's source files (path → contents, paths relative to
// the source folder) into its text, or returns the reason it is dropped.
// Steps, in order:
//
//  1. decode each file (UTF-8, else Latin-1) and remove its comments;
//  2. pick the main file (a .tex file with \documentclass or \documentstyle;
//     among several, one no other file \inputs, then ms.tex, then main.tex,
//     then the first by name) and inline \input/\include in place;
//  3. expand the user's macros and remove their definitions;
//  4. remove what follows \end{document} and what precedes the first
//     sectioning command (a paper without one is dropped);
//  5. remove the bibliography (thebibliography, \bibliography{},
//     \bibliographystyle{}, \printbibliography), and the appendix if asked;
//  6. trim trailing blanks and collapse runs of blank lines into one.
func Clean(files map[string][]byte, opt CleanOptions) (string, string) {
	texts := make(map[string]string, len(files))
	var names []string
	for name, b := range files {
		name = cleanPath(name)
		texts[name] = StripComments(Decode(b))
		names = append(names, name)
	}
	sort.Strings(names)
	main := mainFile(names, texts)
	if main == "" {
		return "", ReasonNoTeX
	}
	dir := path.Dir(main)
	total := 0
	for _, t := range texts {
		total += len(t)
	}
	buf := inline(make([]byte, 0, total), texts, dir, main, map[string]bool{}, 0)
	text, _ := ExpandMacros(bytesString(buf))
	return CleanText(text, opt)
}

// CleanText applies steps 4 to 6 of Clean to one expanded document.
func CleanText(text string, opt CleanOptions) (string, string) {
	if i := strings.Index(text, `\end{document}`); i >= 0 {
		text = text[:i]
	}
	start := firstSection(text)
	if start < 0 {
		if strings.Contains(strings.ToLower(text), "withdrawn") {
			return "", ReasonWithdrawn
		}
		return "", ReasonNoSection
	}
	text = text[start:]
	text = removeBibliography(text)
	if opt.CutAppendix {
		text = cutAppendix(text)
	}
	return tidy(text), ""
}

func cleanPath(p string) string {
	p = path.Clean(strings.ReplaceAll(p, `\`, "/"))
	return strings.TrimPrefix(p, "/")
}

// mainFile picks the main .tex file; "" when there is no .tex file.
func mainFile(names []string, texts map[string]string) string {
	var only string
	for _, n := range names {
		if isTeXName(n) {
			if only != "" {
				only = ""
				break
			}
			only = n
		}
	}
	if only != "" {
		return only // the usual single-file paper: no need to look inside
	}
	var cands []string
	for _, n := range names {
		if isTeXName(n) && (strings.Contains(texts[n], `\documentclass`) || strings.Contains(texts[n], `\documentstyle`)) {
			cands = append(cands, n)
		}
	}
	if len(cands) == 0 {
		for _, n := range names {
			if isTeXName(n) {
				cands = append(cands, n)
			}
		}
	}
	if len(cands) <= 1 {
		if len(cands) == 1 {
			return cands[0]
		}
		return ""
	}
	included := map[string]bool{}
	for _, n := range names {
		for _, ref := range inputRefs(texts[n]) {
			if t := resolve(texts, path.Dir(n), ref); t != "" && t != n {
				included[t] = true
			}
		}
	}
	var top []string
	for _, c := range cands {
		if !included[c] {
			top = append(top, c)
		}
	}
	if len(top) == 0 {
		top = cands
	}
	for _, pref := range []string{"ms.tex", "main.tex"} {
		for _, c := range top {
			if path.Base(c) == pref {
				return c
			}
		}
	}
	return top[0]
}

// inputAt recognises \input{f}, \input f and \include{f} at s[0]=='\\'
// and returns the file name and the command's length.
func inputAt(s string) (string, int) {
	var n int
	switch {
	case strings.HasPrefix(s, `\input`):
		n = 6
	case strings.HasPrefix(s, `\include`):
		n = 8
	default:
		return "", 0
	}
	if n < len(s) && isLetter(s[n]) {
		return "", 0 // \inputencoding, \includegraphics, \includeonly
	}
	i := n
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i < len(s) && s[i] == '{' {
		end := strings.IndexByte(s[i:], '}')
		if end < 0 || end > 300 {
			return "", 0
		}
		return strings.TrimSpace(s[i+1 : i+end]), i + end + 1
	}
	if n == 8 || i == n {
		return "", 0 // \include needs braces; \input needs a space before a bare name
	}
	j := i
	for j < len(s) && j-i < 300 && !strings.ContainsRune(" \t\n{}\\%", rune(s[j])) {
		j++
	}
	if j == i {
		return "", 0
	}
	return s[i:j], j
}

// inputRefs lists the files a text \inputs.
func inputRefs(s string) []string {
	var out []string
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return out
		}
		i += j
		if name, n := inputAt(s[i:]); n > 0 {
			out = append(out, name)
			i += n
			continue
		}
		i++
	}
}

// resolve finds the file an \input names: relative to the main file's
// folder (TeX's working directory), then to the source root; with the name
// as given, then with .tex added. "" when the source lacks it.
func resolve(texts map[string]string, dir, ref string) string {
	for _, base := range []string{dir, "."} {
		p := cleanPath(path.Join(base, ref))
		if _, ok := texts[p]; ok {
			return p
		}
		if _, ok := texts[p+".tex"]; ok {
			return p + ".tex"
		}
	}
	return ""
}

// inline appends file name with its \input and \include replaced by the
// files they name. A file already being inlined (a cycle), one past
// maxInputDepth or one missing from the source is replaced by nothing.
func inline(b []byte, texts map[string]string, dir, name string, active map[string]bool, depth int) []byte {
	s := texts[name]
	active[name] = true
	defer delete(active, name)
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return append(b, s[i:]...)
		}
		b = append(b, s[i:i+j]...)
		i += j
		if env, n := envAt(s[i:], `\begin{`); n > 0 && verbatimEnvs[env] {
			m := n + verbatimEnd(s[i+n:], env)
			b = append(b, s[i:i+m]...)
			i += m
			continue
		}
		ref, n := inputAt(s[i:])
		if n == 0 {
			b = append(b, '\\')
			i++
			continue
		}
		i += n
		t := resolve(texts, dir, ref)
		if t == "" || active[t] || depth >= maxInputDepth {
			continue
		}
		start := len(b)
		b = inline(b, texts, dir, t, active, depth+1)
		// The file's last newline and the line end after the command would
		// make a paragraph break that TeX does not see.
		if len(b) > start && b[len(b)-1] == '\n' {
			b = b[:len(b)-1]
		}
	}
	return b
}

var isSection = map[string]bool{"part": true, "chapter": true, "section": true, "subsection": true,
	"subsubsection": true, "paragraph": true, "subparagraph": true}

// cmdAt reports whether s starts with the control word \name (not a
// longer word).
func cmdAt(s, name string) bool {
	return len(s) > len(name) && s[0] == '\\' && s[1:1+len(name)] == name &&
		(len(s) == 1+len(name) || !isLetter(s[1+len(name)]))
}

// firstSection returns the offset of the first sectioning command, or -1.
func firstSection(s string) int {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return -1
		}
		i += j
		k := i + 1
		for k < len(s) && isLetter(s[k]) {
			k++
		}
		if isSection[s[i+1:k]] {
			return i
		}
		i = max(k, i+1)
	}
}

// removeBibliography removes thebibliography environments (to the end when
// unclosed) and the bibliography commands with their arguments.
func removeBibliography(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is written or dropped
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(s) || (s[i+1] != 'b' && s[i+1] != 'p') {
			i++
			continue
		}
		r := s[i:]
		var n int
		switch {
		case strings.HasPrefix(r, `\begin{thebibliography}`):
			end := strings.Index(r, `\end{thebibliography}`)
			if end < 0 {
				n = len(r)
			} else {
				n = end + len(`\end{thebibliography}`)
			}
		case cmdAt(r, "bibliographystyle"):
			_, m := readArg(r[len(`\bibliographystyle`):])
			n = len(`\bibliographystyle`) + m
		case cmdAt(r, "bibliography"):
			_, m := readArg(r[len(`\bibliography`):])
			n = len(`\bibliography`) + m
		case cmdAt(r, "printbibliography"):
			n = len(`\printbibliography`)
			if k := skipSpace(r, n); k < len(r) && r[k] == '[' {
				if end := matchBracket(r, k); end >= 0 {
					n = end + 1
				}
			}
		default:
			i++
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[done:i])
		i += n
		done = i
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// cutAppendix removes everything from the first \appendix or appendix
// environment.
func cutAppendix(s string) string {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return s
		}
		i += j
		r := s[i:]
		if cmdAt(r, "appendix") || strings.HasPrefix(r, `\begin{appendix}`) || strings.HasPrefix(r, `\begin{appendices}`) {
			return s[:i]
		}
		i++
	}
}

// tidy trims blanks at the ends of lines and of the text, and collapses
// runs of blank lines (left by removed comments and definitions) into one.
func tidy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for len(s) > 0 {
		line := s
		if k := strings.IndexByte(s, '\n'); k >= 0 {
			line, s = s[:k], s[k+1:]
		} else {
			s = ""
		}
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank > 0 {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String()
}
