// Command arxivsample writes arXiv bulk-format source tars made of papers
// written here: the embedded sample (recipes/sample/arxiv), the reader's
// test fixtures (sources/arxiv/testdata) and, with -papers N, a large
// synthetic tar for bench/arxiv.
//
//	go run ./tools/arxivsample -out recipes/sample/arxiv
//	go run ./tools/arxivsample -out sources/arxiv/testdata
//	go run ./tools/arxivsample -papers 4000 -out /tmp/axbench
//
// Everything is deterministic (fixed times, fixed seed): the same command
// writes the same bytes.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"
)

var mtime = time.Date(2023, 1, 15, 12, 0, 0, 0, time.UTC)

type member struct {
	name string
	data []byte
}

func gz(name string, b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.Name = name
	w.ModTime = mtime
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func tarOf(ms []member) []byte {
	var out bytes.Buffer
	w := tar.NewWriter(&out)
	for _, m := range ms {
		w.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
		w.Write(m.data)
	}
	w.Close()
	return out.Bytes()
}

const paper1 = `\documentclass[11pt]{article}
\usepackage{amsmath}
% Macros with arguments, optional defaults, \def and operators.
\newcommand{\R}{\mathbb{R}}
\newcommand{\norm}[1]{\left\lVert #1\right\rVert}
\newcommand{\seq}[2][n]{#2_1,\dots,#2_{#1}}
\def\inner#1#2{\langle #1,#2\rangle}
\DeclareMathOperator{\Tr}{Tr}
\title{Norms of random sequences}
\author{A. Author}
\begin{document}
\maketitle
\begin{abstract}
We bound norms of random sequences.
\end{abstract}
\section{Introduction}
Let $\seq{x}$ be points of $\R^d$ and $\seq[m]{y}$ another family. % a remark
About 50\% of the mass lies in the unit ball, so $\norm{x_i}\le 1$ holds for half of them.
We write $\inner{x}{y}$ for the inner product and $\Tr A$ for the trace. \\% forced break
\subsection{Main result}
\begin{theorem}
For every $\epsilon>0$, $\Pr[\norm{\sum_i x_i} > \epsilon n] \le 2e^{-\epsilon^2 n/2}$.
\end{theorem}
\appendix
\section{Proof of the theorem}
By Hoeffding's inequality applied to each coordinate.
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
`

const main2 = `\documentclass{revtex4}
\input{defs}
\begin{document}
\title{Spin chains}
\maketitle
\input{sections/intro}
\include{sections/model}
\begin{thebibliography}{1}
\bibitem{b} B. Author, J. Phys. (2020).
\end{thebibliography}
\end{document}
`

const defs2 = `\newcommand{\ket}[1]{\left|#1\right\rangle}
\newcommand{\Ham}{\mathcal{H}}
`

const intro2 = `\section{Introduction}
We study the chain $\Ham = \sum_i \sigma_i\sigma_{i+1}$ with ground state $\ket{\psi_0}$.
%\input{sections/unused}
`

const model2 = `\section{Model}
The state $\ket{\uparrow\downarrow}$ is an eigenstate of $\Ham$ for every coupling.
`

const nosection = `\documentclass{article}
\begin{document}
A short note without any section: it has only a paragraph of text.
\end{document}
`

// latin1 is written in Latin-1 (é, ü are single bytes).
const latin1 = "\\documentclass{article}\n\\begin{document}\n\\section{R\xe9sum\xe9}\nM\xfcller's th\xe9or\xe8me holds.\n\\end{document}\n"

const oldMath = `\documentstyle{amsppt}
\def\Z{{\bf Z}}
\begin{document}
\section{Introduction}
Every ideal of $\Z$ is principal, and $\Z/n\Z$ is a field when $n$ is prime.
\end{document}
`

const oldHep = `\documentclass{article}
\newcommand{\be}{\begin{equation}}
\newcommand{\ee}{\end{equation}}
\begin{document}
\section*{Introduction}
The action is
\be S = \int d^4x \, \mathcal{L} \ee
and its variation gives the field equations.
\section{Conclusion}
\begin{thebibliography}{9}\bibitem{w} E. Witten.\end{thebibliography}
\end{document}
`

func samples() map[string][]byte {
	folder := tarOf([]member{
		{"main.tex", []byte(main2)},
		{"defs.tex", []byte(defs2)},
		{"sections/intro.tex", []byte(intro2)},
		{"sections/model.tex", []byte(model2)},
		{"fig1.png", []byte("\x89PNG\r\n\x1a\n\x00\x00binary")},
	})
	g1 := gz("2301.00001.tex", []byte(paper1))
	good := gz("", folder)
	trunc := gz("2301.00004.tex", []byte(paper1+strings.Repeat("More words for the cut.\n", 40)))
	return map[string][]byte{
		"arXiv_src_2301_001.tar": tarOf([]member{
			{"2301/2301.00001.gz", g1},
			{"2301/2301.00002.gz", good},
			{"2301/2301.00003.pdf", []byte("%PDF-1.4\n% a PDF-only submission\n%%EOF\n")},
			{"2301/2301.00004.gz", trunc[:len(trunc)/2]},
			{"2301/2301.00005.gz", gz("2301.00005.tex", []byte(nosection))},
			{"2301/2301.00006.gz", g1}, // the same source as 2301.00001
			{"2301/2301.00007v2.gz", gz("2301.00007v2.tex", []byte(latin1))},
			{"2301/2301.00008.gz", gz("paper.ps", []byte("%!PS-Adobe-2.0\n%%Pages: 1\nshowpage\n"))},
			{"2301/2301.00009.gz", nil},
		}),
		"arXiv_src_0703_001.tar": tarOf([]member{
			{"0703/hep-th0703001.gz", gz("hep-th0703001.tex", []byte(oldHep))},
			{"0703/math0703007.gz", gz("math0703007.tex", []byte(oldMath))},
		}),
	}
}

var words = strings.Fields("we show that the of a an and in for every this is on proof lemma bound random graph space measure operator energy field state model data network learning")

// synthetic writes n papers of about 30 KB of LaTeX each: half single
// files, half folders with \input; macros with arguments throughout.
func synthetic(n int) []byte {
	r := rand.New(rand.NewSource(1))
	var ms []member
	for i := 0; i < n; i++ {
		var b strings.Builder
		b.WriteString("\\documentclass{article}\n")
		if i%7 == 3 {
			b.WriteString("\\usepackage[latin1]{inputenc}\n% caf\xe9\n")
		}
		b.WriteString("\\newcommand{\\R}{\\mathbb{R}}\n\\newcommand{\\norm}[1]{\\lVert #1\\rVert}\n\\newcommand{\\seq}[2][n]{#2_1,\\dots,#2_{#1}}\n\\def\\e{\\mathrm{e}}\n\\begin{document}\n\\begin{abstract}An abstract.\\end{abstract}\n")
		if i%5 == 1 {
			b.WriteString("\\paragraph{Setting} A lone paragraph before the first section.\n")
		}
		for s := 0; b.Len() < 30000; s++ {
			if s%6 == 0 {
				fmt.Fprintf(&b, "\\section{Part %d}\n", s)
			}
			if s%17 == 0 {
				b.WriteString("\\paragraph{Remark} ")
			}
			for w := 0; w < 60; w++ {
				b.WriteString(words[r.Intn(len(words))])
				switch r.Intn(20) {
				case 0:
					b.WriteString(" $\\norm{x}\\le\\e^{t}$")
				case 1:
					b.WriteString(" $\\seq{x}\\in\\R$")
				case 2:
					b.WriteString(" 5\\% % a comment\n")
				case 3:
					b.WriteString(" glued% comment\n")
				}
				b.WriteByte(' ')
			}
			b.WriteString(".\n\n")
		}
		if i%3 == 0 {
			b.WriteString("\\appendix\n\\section{Extra}\nMore text here.\n")
		}
		b.WriteString("\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n")
		id := fmt.Sprintf("2301.%05d", i+1)
		var data []byte
		if i%2 == 0 {
			data = gz(id+".tex", []byte(b.String()))
		} else {
			t := b.String()
			k := strings.Index(t, "\\section")
			data = gz("", tarOf([]member{
				{"main.tex", []byte(t[:k] + "\\input{body}\n\\end{document}\n")},
				{"body.tex", []byte(t[k:])},
			}))
		}
		ms = append(ms, member{"2301/" + id + ".gz", data})
	}
	return tarOf(ms)
}

func main() {
	out := flag.String("out", "", "folder to write the tars to")
	papers := flag.Int("papers", 0, "write one synthetic tar of this many papers instead of the sample")
	flag.Parse()
	if *out == "" {
		log.Fatal("-out is required")
	}
	os.MkdirAll(*out, 0o755)
	files := samples()
	if *papers > 0 {
		files = map[string][]byte{"arXiv_src_2301_900.tar": synthetic(*papers)}
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
