//go:build ignore

// gen writes the fixtures of sources/books (see README.md):
//
//	cd sources/books/testdata && go run gen.go
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// Bodies: openings of public-domain books (Austen 1813, Carroll 1865,
// Doyle 1892, Melville 1851, Shakespeare).
const austen = `PRIDE AND PREJUDICE

By Jane Austen

Chapter 1

It is a truth universally acknowledged, that a single man in possession
of a good fortune, must be in want of a wife.

However little known the feelings or views of such a man may be on his
first entering a neighbourhood, this truth is so well fixed in the minds
of the surrounding families, that he is considered the rightful property
of some one or other of their daughters.`

const carroll = `ALICE'S ADVENTURES IN WONDERLAND

Lewis Carroll

CHAPTER I. Down the Rabbit-Hole

Alice was beginning to get very tired of sitting by her sister on the
bank, and of having nothing to do: once or twice she had peeped into the
book her sister was reading, but it had no pictures or conversations in
it, 'and what is the use of a book,' thought Alice 'without pictures or
conversation?'`

const doyle = `ADVENTURE I. A SCANDAL IN BOHEMIA

I.

To Sherlock Holmes she is always the woman. I have seldom heard him
mention her under any other name. In his eyes she eclipses and
predominates the whole of her sex.`

const melville = `CHAPTER 1. Loomings.

Call me Ishmael. Some years ago--never mind how long precisely--having
little or no money in my purse, and nothing particular to interest me on
shore, I thought I would sail about a little and see the watery part of
the world.`

const modernHeader = `The Project Gutenberg eBook of Pride and Prejudice
    
This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online
at www.gutenberg.org. If you are not located in the United States,
you will have to check the laws of the country where you are located
before using this eBook.

Title: Pride and Prejudice

Author: Jane Austen

Release date: June 1, 1998 [eBook #1342]
                Most recently updated: October 29, 2024

Language: English

Credits: Chuck Greif and the Online Distributed Proofreading Team at http://www.pgdp.net


*** START OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***
`

const modernFooter = `
*** END OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***
    

Updated editions will replace the previous one—the old editions will
be renamed.

Creating the works from print editions not protected by U.S. copyright
law means that no one owns a United States copyright in these works,
so the Foundation (and you!) can copy and distribute it in the United
States without permission and without paying copyright
royalties.

START: FULL LICENSE

THE FULL PROJECT GUTENBERG LICENSE

PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg™ mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase “Project
Gutenberg”), you agree to comply with all the terms of the Full
Project Gutenberg™ License available with this file or online at
www.gutenberg.org/license.
`

const oldHeader = `The Project Gutenberg EBook of Alice's Adventures in Wonderland, by Lewis Carroll

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org


Title: Alice's Adventures in Wonderland

Author: Lewis Carroll

Posting Date: June 25, 2008 [EBook #11]
Release Date: March, 1994

Language: English

Character set encoding: ASCII

*** START OF THIS PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***




Produced by Arthur DiBianca and David Widger



`

const oldFooter = `



End of Project Gutenberg's Alice's Adventures in Wonderland, by Lewis Carroll

*** END OF THIS PROJECT GUTENBERG EBOOK ALICE'S ADVENTURES IN WONDERLAND ***

***** This file should be named 11.txt or 11.zip *****
This and all associated files of various formats will be found in:
        http://www.gutenberg.org/1/11/

Updated editions will replace the previous one--the old editions
will be renamed.

*** START: FULL LICENSE ***

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg-tm mission of promoting the free
distribution of electronic works, by using or distributing this work
`

const smallPrintHeader = `**The Project Gutenberg Etext of The Adventures of Sherlock Holmes**
*****This file should be named advsh12.txt or advsh12.zip*****

Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

**Welcome To The World of Free Plain Vanilla Electronic Texts**

**Etexts Readable By Both Humans and By Computers, Since 1971**

*These Etexts Prepared By Hundreds of Volunteers and Donations*

***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***
Why is this "Small Print!" statement here?  You know: lawyers.
They tell us you might sue us if there is something wrong with
your copy of this etext, even if you got it for free from
someone other than us, and even if what's wrong is not our
fault.  So, among other things, this "Small Print!" statement
disclaims most of our liability to you.

*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*



`

const smallPrintFooter = `



End of The Project Gutenberg Etext of The Adventures of Sherlock Holmes
`

const legalese = `<<THIS ELECTRONIC VERSION OF THE COMPLETE WORKS OF WILLIAM
SHAKESPEARE IS COPYRIGHT 1990-1993 BY WORLD LIBRARY, INC., AND IS
PROVIDED BY PROJECT GUTENBERG ETEXT OF ILLINOIS BENEDICTINE COLLEGE
WITH PERMISSION.  ELECTRONIC AND MACHINE READABLE COPIES MAY BE
DISTRIBUTED SO LONG AS SUCH COPIES (1) ARE FOR YOUR OR OTHERS
PERSONAL USE ONLY, AND (2) ARE NOT DISTRIBUTED OR USED
COMMERCIALLY.  PROHIBITED COMMERCIAL DISTRIBUTION INCLUDES BY ANY
SERVICE THAT CHARGES FOR DOWNLOAD TIME OR FOR MEMBERSHIP.>>`

const sonnet = `1

From fairest creatures we desire increase,
That thereby beauty's rose might never die,
But as the riper should by time decease,
His tender heir might bear his memory:`

const sonnet2 = `2

When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a tattered weed of small worth held:`

func write(name string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// latin1 encodes s (whose runes are all in Windows-1252) as single bytes.
func cp1252(s string) []byte {
	m := map[rune]byte{'€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, '™': 0x99}
	var b []byte
	for i, r := range s {
		if r == utf8.RuneError {
			b = append(b, s[i]) // a raw byte in the literal
			continue
		}
		if c, ok := m[r]; ok {
			b = append(b, c)
		} else if r < 256 {
			b = append(b, byte(r))
		} else {
			log.Fatalf("rune %q not in cp1252", r)
		}
	}
	return b
}

func zipOf(files map[string][]byte, order []string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range order {
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	zw.Close()
	return buf.Bytes()
}

func zst(data []byte) []byte {
	var buf bytes.Buffer
	w, _ := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func main() {
	g := "gutenberg/"
	// Modern (2023-) header and licence, UTF-8, LF.
	write(g+"1342-0.txt", []byte(modernHeader+"\n\n\n"+austen+"\n\n\n"+modernFooter))
	// 2008 style, CRLF, UTF-8 BOM, credits paragraph, "End of Project Gutenberg's".
	write(g+"11-0.txt", append([]byte{0xEF, 0xBB, 0xBF}, crlf(oldHeader+carroll+oldFooter)...))
	// 1990s small print closed by *END*THE SMALL PRINT!, 7-bit name.
	write(g+"1661.txt", []byte(smallPrintHeader+doyle+smallPrintFooter))
	// ***START OF without a space, ***END OF.
	write(g+"2701-nospace.txt", []byte("The Project Gutenberg EBook of Moby Dick\n\nTitle: Moby Dick; or The Whale\n\n***START OF THE PROJECT GUTENBERG EBOOK MOBY DICK***\n\n"+melville+"\n\n***END OF THE PROJECT GUTENBERG EBOOK MOBY DICK***\nlicence text\n"))
	// Declared ISO-8859-1, really Windows-1252 (curly quotes 0x93/0x94,
	// dash 0x97, 0x81 undefined in the code page).
	latin := "The Project Gutenberg EBook of Contes, par Anonyme\n\nTitle: Contes\n\nLanguage: French\n\nCharacter set encoding: ISO-8859-1\n\n*** START OF THIS PROJECT GUTENBERG EBOOK CONTES ***\n\n“Où êtes-vous?” demanda-t-elle — à l’été, café crème.\x81\n\n*** END OF THIS PROJECT GUTENBERG EBOOK CONTES ***\n"
	write(g+"17489-8.txt", cp1252(latin))
	// Declared ISO-8859-2 (Czech): x/text's decoder.
	czech := []byte("Title: Povidky\n\nCharacter set encoding: ISO-8859-2\n\n*** START OF THE PROJECT GUTENBERG EBOOK POVIDKY ***\n\nP\xf8\xedli\xb9 \xbelu\xbbou\xe8k\xfd k\xf9\xf2.\n\n*** END OF THE PROJECT GUTENBERG EBOOK POVIDKY ***\n")
	write(g+"30000-8.txt", czech)
	// Declared UTF-8 with one stray Latin-1 byte.
	write(g+"40000-0.txt", []byte("Title: Stray\n\nCharacter set encoding: UTF-8\n\n*** START OF THE PROJECT GUTENBERG EBOOK STRAY ***\n\nNaïve caf\xe9 — déjà vu.\n\n*** END OF THE PROJECT GUTENBERG EBOOK STRAY ***\n"))
	// No end marker; the licence follows the body.
	write(g+"50000-0.txt", []byte("Title: Cut\n\n*** START OF THE PROJECT GUTENBERG EBOOK CUT ***\n\n"+melville+"\n\n\n*** START: FULL LICENSE ***\n\nTHE FULL PROJECT GUTENBERG LICENSE\n"))
	// No end marker and nothing after the body: kept to the end of the file.
	write(g+"50001-0.txt", []byte("Title: Cut short\n\n*** START OF THE PROJECT GUTENBERG EBOOK CUT SHORT ***\n\n"+doyle+"\n"))
	// No end marker, licence paragraph without a heading (a damaged file):
	// the licence-phrase guard cuts it.
	write(g+"50002-0.txt", []byte("*** START OF THE PROJECT GUTENBERG EBOOK GUARD ***\n\n"+carroll+"\n\n"+austen+"\n\nTo protect the Project Gutenberg-tm mission of promoting the free\ndistribution of electronic works.\n"))
	// Shakespeare's World Library notice between sonnets.
	write(g+"100-0.txt", []byte("Title: The Sonnets\n\n*** START OF THIS PROJECT GUTENBERG EBOOK THE SONNETS ***\n\n"+sonnet+"\n\n"+legalese+"\n\n"+sonnet2+"\n\n*** END OF THIS PROJECT GUTENBERG EBOOK THE SONNETS ***\n"))
	// Start marker wrapped over two lines.
	write(g+"1661-wrapped.txt", []byte("Title: Holmes\n\n*** START OF THIS PROJECT GUTENBERG EBOOK THE ADVENTURES OF\nSHERLOCK HOLMES ***\n\n"+doyle+"\n\n*** END OF THIS PROJECT GUTENBERG EBOOK THE ADVENTURES OF\nSHERLOCK HOLMES ***\n"))
	// Small print after the start marker, closed by *END THE SMALL PRINT.
	write(g+"60000.txt", []byte("*** START OF THE PROJECT GUTENBERG EBOOK SP ***\n\n***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN EBOOKS**START***\nWhy is this \"Small Print!\" statement here? You know: lawyers.\n*END THE SMALL PRINT! FOR PUBLIC DOMAIN EBOOKS*Ver.02/11/02*END*\n\n"+sonnet+"\n\nEnd of the Project Gutenberg EBook of SP\n"))
	// Nothing between the markers.
	write(g+"70000-0.txt", []byte("*** START OF THE PROJECT GUTENBERG EBOOK EMPTY ***\n\n\n*** END OF THE PROJECT GUTENBERG EBOOK EMPTY ***\n"))
	// No markers at all: the gutenberg package's weak start ("The Project
	// Gutenberg") and weak end, here neither; the text is kept whole.
	write(g+"plain.txt", []byte(sonnet+"\n"))
	// A zip of an 8-bit file, and a zip holding no .txt.
	z := zipOf(map[string][]byte{"12-8.txt": cp1252("Title: Through the Looking-Glass\n\nCharacter set encoding: ISO-8859-1\n\n*** START OF THIS PROJECT GUTENBERG EBOOK LOOKING-GLASS ***\n\nOne thing was certain, that the WHITE kitten had had nothing to do with it:—it was the black kitten’s fault entirely.\n\n*** END OF THIS PROJECT GUTENBERG EBOOK LOOKING-GLASS ***\n")}, []string{"12-8.txt"})
	write(g+"12-8.zip", z)
	write(g+"13.zip", []byte("PK\x03\x04 this is not a zip"))

	// Variant selection: one book, every variant the mirrors hold.
	v := "variants/1/3/4/1342/"
	body := "*** START OF THE PROJECT GUTENBERG EBOOK PP ***\n\n" + austen + "\n\n*** END OF THE PROJECT GUTENBERG EBOOK PP ***\n"
	for _, n := range []string{"1342-0.txt", "1342-8.txt", "1342.txt", "1342.zip", "1342-0.zip", "1342-h.zip"} {
		write(v+n, []byte(body))
	}
	write("variants/1/1/11/11.txt", []byte(body))
	write("variants/1/1/11/11.zip", []byte(body))
	write("variants/cache/epub/1342/pg1342.txt", []byte(body))

	// The Pile.
	rows := []string{
		row(austen, "Books3"),
		row("A web page from Common Crawl.", "Pile-CC"),
		row(carroll, "Books3"),
		`{"text": "escaped subset name", "meta": {"pile_set_name": "Books\u0033"}}`,
		`{"text": "broken json", "meta": {"pile_set_name": "Books3"`,
		row("def main(): pass", "Github"),
		`{"meta": {"pile_set_name": "Books3"}}`,
		`{"text": "no meta at all"}`,
		row("Gutenberg as The Pile has it", "Gutenberg (PG-19)"),
		row(doyle, "Books3"),
	}
	pile := []byte(strings.Join(rows, "\n") + "\n")
	write("pile/00.jsonl.zst", zst(pile))
	write("pile/00.jsonl", pile)
	// A shard cut in the middle: 400 rows of ~2 KB, zstd, the last 30% of
	// the compressed bytes removed.
	var big []string
	for i := 0; i < 400; i++ {
		set := "Books3"
		if i%3 == 2 {
			set = "Pile-CC"
		}
		big = append(big, row(fmt.Sprintf("row %d %s", i, strings.Repeat(fmt.Sprintf("word%d ", i*7919%1000), 300)), set))
	}
	full := zst([]byte(strings.Join(big, "\n") + "\n"))
	write("pile/01-truncated.jsonl.zst", full[:len(full)*7/10])

	// The Books3 tarball.
	tb := tarOf([]member{
		{"books3/the-eye.eu/public/Books/Bibliotik/A/Austen - Pride.epub.txt", austen},
		{"books3/the-eye.eu/public/Books/Bibliotik/A/cover.jpg", "\xff\xd8\xff"},
		{"books3/the-eye.eu/public/Books/Bibliotik/C/Carroll - Alice.epub.txt", crlf(carroll)},
		{"books3/the-eye.eu/public/Books/Bibliotik/D/Doyle - Holmes.epub.txt", doyle},
	})
	write("books3/books3.tar.gz", gz(tb))
	gzb := gz(tb)
	write("books3/books3-truncated.tar.gz", gzb[:len(gzb)*2/3])
}

func row(text, set string) string {
	b, _ := json.Marshal(map[string]any{"text": text, "meta": map[string]string{"pile_set_name": set}})
	return string(b)
}

type member struct{ name, body string }

func tarOf(ms []member) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "books3/", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, m := range ms {
		tw.WriteHeader(&tar.Header{Name: m.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(m.body))})
		tw.Write([]byte(m.body))
	}
	tw.Close()
	return buf.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
