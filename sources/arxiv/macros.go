package arxiv

import (
	"strings"
	"unicode/utf8"
)

// macro is one user definition.
type macro struct {
	nargs  int    // mandatory plus optional arguments, 0..9
	hasOpt bool   // the first argument is optional, with default opt
	opt    string //
	body   string
}

// Limits bound macro expansion against recursive or explosive definitions.
const (
	maxDepth = 32 // nested expansions; deeper uses are left unexpanded
)

// protected control words are never expanded, even when a paper redefines
// them (a paper that \renewcommand\section{...} keeps its \section, which
// the cleaner needs to find the start of the text).
var protected = map[string]bool{
	"part": true, "chapter": true, "section": true, "subsection": true, "subsubsection": true,
	"paragraph": true, "subparagraph": true, "begin": true, "end": true, "input": true, "include": true,
	"bibliography": true, "bibliographystyle": true, "printbibliography": true, "appendix": true,
	"documentclass": true, "documentstyle": true, "newcommand": true, "renewcommand": true,
	"providecommand": true, "def": true, "gdef": true, "DeclareMathOperator": true,
}

// Expander expands a paper's own macros in one pass over its text, in
// order, as TeX would: a definition takes effect where it stands, a later
// \renewcommand replaces it. Definitions are removed from the output.
//
// Handled: \newcommand, \renewcommand, \providecommand (starred or not, the
// name braced or not, [n] arguments, [default] for an optional first
// argument), \def and \gdef with undelimited parameters #1..#9, and
// \DeclareMathOperator (→ \operatorname{...}, starred → \operatorname*).
// A \def with delimited parameter text (\def\foo(#1,#2){...}) is removed and
// its uses are left as they are. Not expanded: macros whose body consumes
// text after the call (TeX's token-list semantics), \let, \newenvironment.
//
// Bounded: nesting to maxDepth, total expansions and output bytes to
// multiples of the input size; past a bound the rest is copied unexpanded.
type Expander struct {
	defs map[string]*macro
	// lens[c] has bit min(len,63) set for every defined name that starts
	// with byte c: most control words are not user macros, and this
	// answers for them without a map lookup.
	lens     [256]uint64
	out      []byte
	maxOut   int
	expLeft  int
	Overflow bool // a bound was reached
}

// ExpandMacros expands the user macros of s; see Expander.
func ExpandMacros(s string) (string, bool) {
	e := &Expander{defs: map[string]*macro{}, maxOut: 8*len(s) + 1<<20, expLeft: 4*len(s) + 10000}
	e.out = make([]byte, 0, len(s)+len(s)/2)
	e.run(s, 0)
	return bytesString(e.out), e.Overflow
}

// csName reads the control sequence at s[0]=='\\': a run of letters (and @)
// or one character. It returns the name and the length read.
func csName(s string) (string, int) {
	if len(s) < 2 {
		return "", len(s)
	}
	if !isLetter(s[1]) {
		_, n := utf8.DecodeRuneInString(s[1:])
		return s[1 : 1+n], 1 + n
	}
	j := 1
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	return s[1:j], j
}

func (e *Expander) run(s string, depth int) {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			e.out = append(e.out, s[i:]...)
			return
		}
		e.out = append(e.out, s[i:i+j]...)
		i += j
		if name, n := envAt(s[i:], `\begin{`); n > 0 && verbatimEnvs[name] {
			m := n + verbatimEnd(s[i+n:], name)
			e.out = append(e.out, s[i:i+m]...)
			i += m
			continue
		}
		if n := verbLen(s[i:]); n > 0 {
			e.out = append(e.out, s[i:i+n]...)
			i += n
			continue
		}
		name, n := csName(s[i:])
		rest := s[i+n:]
		switch name {
		case "newcommand", "renewcommand", "providecommand":
			if m := e.defineNewcommand(name, rest); m >= 0 {
				i += n + m
				continue
			}
		case "def", "gdef":
			if m := e.defineDef(rest); m >= 0 {
				i += n + m
				continue
			}
		case "DeclareMathOperator":
			if m := e.defineOperator(rest); m >= 0 {
				i += n + m
				continue
			}
		}
		var d *macro
		if name != "" && e.lens[name[0]]&(1<<min(len(name), 63)) != 0 {
			d = e.defs[name]
		}
		if d == nil || protected[name] || e.Overflow {
			e.out = append(e.out, s[i:i+n]...)
			i += n
			continue
		}
		if depth >= maxDepth || e.expLeft <= 0 || len(e.out) > e.maxOut {
			e.Overflow = true
			e.out = append(e.out, s[i:i+n]...)
			i += n
			continue
		}
		e.expLeft--
		body, m := d.call(rest)
		i += n + m
		e.run(body, depth+1)
	}
}

// call parses the arguments of a use of d from s and returns the
// substituted body and the length of the arguments.
func (d *macro) call(s string) (string, int) {
	if d.nargs == 0 {
		return d.body, 0
	}
	var args [9]string
	i, k := 0, 0
	if d.hasOpt {
		j := skipSpace(s, 0)
		if j < len(s) && s[j] == '[' {
			if end := matchBracket(s, j); end >= 0 {
				args[0] = s[j+1 : end]
				i = end + 1
			} else {
				args[0] = d.opt
			}
		} else {
			args[0] = d.opt
		}
		k = 1
	}
	for ; k < d.nargs; k++ {
		a, m := readArg(s[i:])
		args[k] = a
		i += m
	}
	return substitute(d.body, args[:d.nargs]), i
}

// substitute replaces #1..#9 in body by args and ## by #.
func substitute(body string, args []string) string {
	if strings.IndexByte(body, '#') < 0 {
		return body
	}
	n := len(body)
	for _, a := range args {
		n += len(a)
	}
	var b strings.Builder
	b.Grow(n)
	for {
		i := strings.IndexByte(body, '#')
		if i < 0 || i+1 >= len(body) {
			b.WriteString(body)
			return b.String()
		}
		b.WriteString(body[:i])
		switch c := body[i+1]; {
		case c == '#':
			b.WriteByte('#')
		case c >= '1' && c <= '9':
			if k := int(c - '1'); k < len(args) {
				b.WriteString(args[k])
			}
		default:
			b.WriteString(body[i : i+2])
		}
		body = body[i+2:]
	}
}

// skipSpace skips blanks and at most one newline (a blank line is a
// paragraph break, which TeX does not skip before an argument).
func skipSpace(s string, i int) int {
	nl := false
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\r':
		case '\n':
			if nl {
				return i
			}
			nl = true
		default:
			return i
		}
		i++
	}
	return i
}

// matchBrace returns the index of the } that closes the { at s[i], or -1.
func matchBrace(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchBracket returns the index of the ] that closes the [ at s[i]
// (brackets inside braces do not count), or -1.
func matchBracket(s string, i int) int {
	depth := 0
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '{':
			depth++
		case '}':
			depth--
		case ']':
			if depth <= 0 {
				return j
			}
		}
	}
	return -1
}

// readArg reads one undelimited argument: a braced group (its contents), a
// control sequence, or one character. An unclosed group runs to the end.
func readArg(s string) (string, int) {
	i := skipSpace(s, 0)
	if i >= len(s) {
		return "", i
	}
	switch s[i] {
	case '{':
		end := matchBrace(s, i)
		if end < 0 {
			return s[i+1:], len(s)
		}
		return s[i+1 : end], end + 1
	case '\\':
		_, n := csName(s[i:])
		return s[i : i+n], i + n
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[i : i+n], i + n
}

// defName reads the name being defined: {\foo}, \foo, or { \foo }.
func defName(s string, i int) (string, int) {
	i = skipSpace(s, i)
	if i >= len(s) {
		return "", -1
	}
	if s[i] == '{' {
		end := matchBrace(s, i)
		if end < 0 {
			return "", -1
		}
		inner := strings.TrimSpace(s[i+1 : end])
		if len(inner) < 2 || inner[0] != '\\' {
			return "", -1
		}
		name, n := csName(inner)
		if n != len(inner) {
			return "", -1
		}
		return name, end + 1
	}
	if s[i] != '\\' {
		return "", -1
	}
	name, n := csName(s[i:])
	if name == "" {
		return "", -1
	}
	return name, i + n
}

// body reads a braced body at s[i] after blanks; -1 when there is none.
func body(s string, i int) (string, int) {
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '{' {
		return "", -1
	}
	end := matchBrace(s, i)
	if end < 0 {
		return "", -1
	}
	return s[i+1 : end], end + 1
}

// defineNewcommand parses \newcommand and its kin after the command word;
// it returns the length consumed, or -1 when the definition is malformed
// (then it is left in the text).
func (e *Expander) defineNewcommand(cmd, s string) int {
	i := 0
	if i < len(s) && s[i] == '*' {
		i++
	}
	name, i := defName(s, i)
	if i < 0 {
		return -1
	}
	m := &macro{}
	j := skipSpace(s, i)
	if j < len(s) && s[j] == '[' {
		end := matchBracket(s, j)
		if end < 0 {
			return -1
		}
		n := strings.TrimSpace(s[j+1 : end])
		if len(n) != 1 || n[0] < '0' || n[0] > '9' {
			return -1
		}
		m.nargs = int(n[0] - '0')
		i = end + 1
		j = skipSpace(s, i)
		if j < len(s) && s[j] == '[' {
			end := matchBracket(s, j)
			if end < 0 || m.nargs == 0 {
				return -1
			}
			m.hasOpt, m.opt = true, s[j+1:end]
			i = end + 1
		}
	}
	b, k := body(s, i)
	if k < 0 {
		return -1
	}
	m.body = b
	if cmd == "providecommand" && e.defs[name] != nil {
		return k
	}
	e.define(name, m)
	return k
}

func (e *Expander) define(name string, m *macro) {
	e.defs[name] = m
	e.lens[name[0]] |= 1 << min(len(name), 63)
}

// defineDef parses \def\name<parameters>{body}. Undelimited parameters
// (#1#2...) define a macro; delimited ones are removed with their
// definition, and uses of the name stay as they are.
func (e *Expander) defineDef(s string) int {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '\\' {
		return -1
	}
	name, n := csName(s[i:])
	if name == "" {
		return -1
	}
	i += n
	open := strings.IndexByte(s[i:], '{')
	if open < 0 || open > 200 {
		return -1
	}
	params := s[i : i+open]
	b, k := body(s, i+open)
	if k < 0 {
		return -1
	}
	nargs, ok := undelimited(params)
	if !ok {
		delete(e.defs, name)
		return k
	}
	e.define(name, &macro{nargs: nargs, body: b})
	return k
}

// undelimited reports whether params is "#1#2..#n" (blanks around allowed)
// and returns n.
func undelimited(params string) (int, bool) {
	p := strings.TrimSpace(params)
	n := 0
	for len(p) > 0 {
		if len(p) < 2 || p[0] != '#' || p[1] != byte('1'+n) {
			return 0, false
		}
		n++
		p = p[2:]
	}
	return n, true
}

// defineOperator parses \DeclareMathOperator[*]{\name}{text}.
func (e *Expander) defineOperator(s string) int {
	i := 0
	star := ""
	if i < len(s) && s[i] == '*' {
		star = "*"
		i++
	}
	name, i := defName(s, i)
	if i < 0 {
		return -1
	}
	b, k := body(s, i)
	if k < 0 {
		return -1
	}
	e.define(name, &macro{body: `\operatorname` + star + `{` + b + `}`})
	return k
}
