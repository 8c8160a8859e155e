package arxiv

import (
	"strings"
	"unsafe"
)

// verbatimEnvs keep their contents exactly: no comment removal, no macro
// expansion.
var verbatimEnvs = map[string]bool{
	"verbatim": true, "verbatim*": true, "lstlisting": true, "minted": true, "Verbatim": true, "alltt": false,
}

// envAt returns the environment name when s starts with open (such as
// `\begin{`) and a name closed by }, and the length of the whole.
func envAt(s, open string) (name string, n int) {
	if !strings.HasPrefix(s, open) {
		return "", 0
	}
	end := strings.IndexByte(s[len(open):], '}')
	if end < 0 || end > 40 {
		return "", 0
	}
	return s[len(open) : len(open)+end], len(open) + 1 + end
}

// verbatimEnd returns the length of s through the \end{name} that closes a
// verbatim-like environment opened just before s (all of s when unclosed).
func verbatimEnd(s, name string) int {
	end := `\end{` + name + `}`
	if i := strings.Index(s, end); i >= 0 {
		return i + len(end)
	}
	return len(s)
}

// verbLen returns the length of a \verb|...| (or \verb*|...|) at the start
// of s, or 0 when s does not start with one. Like LaTeX, the argument ends at
// the next delimiter or, unclosed, at the end of the line.
func verbLen(s string) int {
	if !strings.HasPrefix(s, `\verb`) || len(s) < 6 {
		return 0
	}
	i := 5
	if s[i] == '*' {
		i++
	}
	if i >= len(s) || isLetter(s[i]) || s[i] == ' ' || s[i] == '\n' {
		return 0
	}
	d := s[i]
	j := strings.IndexAny(s[i+1:], string([]byte{d, '\n'}))
	if j < 0 {
		return len(s)
	}
	return i + 1 + j + 1
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '@' }

// StripComments removes TeX comments: from an unescaped % to the end of the
// line (a line that holds nothing but a comment goes whole, newline
// included; after text, the newline stays), and the comment environment.
// \% is a percent sign; in \\% the backslashes are a line break and the %
// starts a comment. verbatim, lstlisting and \verb contents are kept as is.
func StripComments(s string) string {
	if strings.IndexByte(s, '%') < 0 && !strings.Contains(s, `\begin{comment}`) {
		return s
	}
	out := make([]byte, 0, len(s))
	lineStart := 0 // index in out where the current line starts
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\\':
			if name, n := envAt(s[i:], `\begin{`); n > 0 {
				if name == "comment" {
					i += n + verbatimEnd(s[i+n:], name)
					continue
				}
				if verbatimEnvs[name] {
					m := n + verbatimEnd(s[i+n:], name)
					out = append(out, s[i:i+m]...)
					i += m
					if k := bytesLastNewline(out); k >= 0 {
						lineStart = k + 1
					}
					continue
				}
			}
			if n := verbLen(s[i:]); n > 0 {
				out = append(out, s[i:i+n]...)
				i += n
				continue
			}
			out = append(out, c)
			i++
			if i < len(s) && s[i] != '\n' {
				out = append(out, s[i])
				i++
			}
		case '%':
			j := strings.IndexByte(s[i:], '\n')
			if onlySpace(out[lineStart:]) {
				out = out[:lineStart]
				if j < 0 {
					return string(out)
				}
				i += j + 1
				continue
			}
			if j < 0 {
				return string(out)
			}
			i += j
		case '\n':
			out = append(out, c)
			i++
			lineStart = len(out)
		default:
			j := i + 1
			for j < len(s) && !special[s[j]] {
				j++
			}
			out = append(out, s[i:j]...)
			i = j
		}
	}
	return bytesString(out)
}

// bytesString returns b as a string without copying; b must not change
// afterwards (strings.Builder does the same).
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// special are the bytes StripComments stops at.
var special = [256]bool{'\\': true, '%': true, '\n': true}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

func bytesLastNewline(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}
