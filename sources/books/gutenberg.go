package books

import (
	"regexp"
	"strings"
)

// How Strip found the ends of a book's body (Meta "gutenberg_start" and
// "gutenberg_end").
const (
	MarkerStrong  = "marker"  // a "*** START OF ..." / "*** END OF ..." line or its old forms
	MarkerWeak    = "weak"    // only one of the gutenberg package's looser markers
	MarkerLicence = "licence" // no end marker: the body ends where licence text begins
	MarkerNone    = "none"    // nothing found: the body runs to the file's end (or from its start)
)

// The strong markers. Case-insensitive, at the start of a line (after
// spaces), tolerant of the spacing and asterisks the collection varies in:
// "*** START OF THE PROJECT GUTENBERG EBOOK X ***" (2006 on), "*** START OF
// THIS PROJECT GUTENBERG EBOOK" (to about 2008), "***START OF THE PROJECT
// GUTENBERG EBOOK", "*** START OF THE COPYRIGHTED PROJECT GUTENBERG EBOOK",
// and the 1990s files whose header is the "small print", ending
// "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*" (or
// "*END THE SMALL PRINT!").
var (
	startRE = regexp.MustCompile(`(?i)^\s*(\*+\s*START\s+OF\s+(THE|THIS)\s+(COPYRIGHTED\s+)?PROJECT\s+GUTENBERG|\*\s*END\s*\*?\s*THE\s+SMALL\s+PRINT)`)
	// End of the body: "*** END OF THE/THIS PROJECT GUTENBERG", "End of the
	// Project Gutenberg EBook of X", "End of Project Gutenberg's X", "END OF
	// PROJECT GUTENBERG", "End of The Project Gutenberg Etext", and the
	// German, French and Spanish forms.
	endRE = regexp.MustCompile(`(?i)^\s*(\*+\s*END\s+OF\s+(THE|THIS)\s+(COPYRIGHTED\s+)?PROJECT\s+GUTENBERG|End\s+of\s+(the\s+|this\s+)?Project\s+Gutenberg|Ende\s+dies(es|er|e)?\s+Projekt?\s+Gutenberg|Fin\s+del?\s+(Project|Proyecto)\s+Gutenberg|\*\*This\s+is\s+a\s+COPYRIGHTED\s+Project\s+Gutenberg)`)
	// Licence text that follows a body whose end marker is missing: the
	// modern licence's headings and the old small print's first line.
	licenceRE = regexp.MustCompile(`(?i)^\W*(START:\s*FULL\s+LICEN[CS]E|THE\s+FULL\s+PROJECT\s+GUTENBERG\s+LICEN[CS]E|PLEASE\s+READ\s+THIS\s+BEFORE\s+YOU\s+DISTRIBUTE|Updated\s+editions\s+will\s+replace\s+the\s+previous|(START\W*)?THE\s+SMALL\s+PRINT!|\**\s*SMALL\s+PRINT!|Section\s+1\.\s+General\s+Terms\s+of\s+Use)`)
	// Phrases only the licence uses; a line holding one in the second half
	// of a body cuts the body at its paragraph (a last guard).
	licencePhraseRE = regexp.MustCompile(`(?i)Project Gutenberg-tm|Project Gutenberg™|Project Gutenberg Literary Archive Foundation|gutenberg\.org/license|PROJECT GUTENBERG LICEN[CS]E|\bSMALL PRINT!`)
	// Credits right after the start marker, dropped as a paragraph.
	creditRE  = regexp.MustCompile(`(?i)^\s*(produced\s+by|e-?text\s+prepared\s+by|this\s+e-?(text|book)\s+was\s+(prepared|produced)\s+by|transcribed\s+(by|from)|prepared\s+by|this\s+project\s+gutenberg\s+e-?text\s+was\s+prepared|this\s+e-?text\s+file\s+is\s+presented\s+by)`)
	ebookNoRE = regexp.MustCompile(`(?i)\[\s*e-?(book|text)\s*#\s*(\d+)\s*\]`)
	headerRE  = regexp.MustCompile(`(?m)^(Title|Author|Language):[ \t]*(.+?)[ \t]*$`)
)

// weakStarts and weakEnds are the looser markers of the gutenberg Python
// package (c-w/gutenberg, _domain_model/text.py), used as it uses them
// (prefix of a line, case as written: starts within the first 600 lines,
// the last one winning; ends at least 100 lines into the body), and only
// when no strong marker exists. Entries of its list that mark the
// beginning of the small print rather than its end ("*SMALL PRINT!",
// "****     SMALL PRINT!", "[\"Small Print\" V.") are left out: starting
// the body there would keep the licence.
var weakStarts = []string{
	"This etext was prepared by", "E-text prepared by", "Produced by", "Distributed Proofreading Team",
	"Proofreading Team at http://www.pgdp.net", "http://gallica.bnf.fr)", "      http://archive.org/details/",
	"http://www.pgdp.net", "by The Internet Archive)", "by The Internet Archive/Canadian Libraries",
	"by The Internet Archive/American Libraries", "public domain material from the Internet Archive",
	"Internet Archive)", "Internet Archive/Canadian Libraries", "Internet Archive/American Libraries",
	"material from the Google Print project", "This etext was produced by", "The Project Gutenberg",
	"http://gutenberg.spiegel.de/ erreichbar.", "Project Runeberg publishes", "Beginning of this Project Gutenberg",
	"Project Gutenberg Online Distributed", "Gutenberg Online Distributed", "the Project Gutenberg Online Distributed",
	"Project Gutenberg TEI", "This eBook was prepared by", "http://gutenberg2000.de erreichbar.",
	"This Etext was prepared by", "This Project Gutenberg Etext was prepared by", "Gutenberg Distributed Proofreaders",
	"Project Gutenberg Distributed Proofreaders", "the Project Gutenberg Online Distributed Proofreading Team",
	"**The Project Gutenberg", "More information about this book is at the top of this file.",
	"tells you about restrictions in how the file may be used.", "l'authorization à les utilizer pour preparer ce texte.",
	"of the etext through OCR.", "*****These eBooks Were Prepared By Thousands of Volunteers!*****",
	"We need your donations more than ever!", "      (http://www.ibiblio.org/gutenberg/",
	"and the Project Gutenberg Online Distributed Proofreading Team",
	"Mary Meehan, and the Project Gutenberg Online Distributed Proofreading", "                this Project Gutenberg edition.",
}

var weakEnds = []string{
	"End of the Project Gutenberg", "End of The Project Gutenberg", "Ende dieses Project Gutenberg", "by Project Gutenberg",
	"End of Project Gutenberg", "End of this Project Gutenberg", "Ende dieses Projekt Gutenberg",
	"        ***END OF THE PROJECT GUTENBERG", "*** END OF THE COPYRIGHTED", "End of this is COPYRIGHTED",
	"Ende dieses Etextes ", "Ende dieses Project Gutenber", "Ende diese Project Gutenberg",
	"**This is a COPYRIGHTED Project Gutenberg Etext, Details Above**", "Fin de Project Gutenberg",
	"The Project Gutenberg Etext of ", "Ce document fut presente en lecture", "Ce document fut présenté en lecture",
	"More information about this book is at the top of this file.", "We need your donations more than ever!",
	"END OF PROJECT GUTENBERG", " End of the Project Gutenberg", " *** END OF THIS PROJECT GUTENBERG",
}

// Legalese blocks inside a body (the World Library notice between the plays
// of Gutenberg's Complete Works of Shakespeare), removed with their lines.
const (
	legaleseStart = "<<THIS ELECTRONIC VERSION OF"
	legaleseEnd   = "SERVICE THAT CHARGES FOR DOWNLOAD"
	legaleseMax   = 40 // lines: a block that never closes stops being skipped here
)

// Book is a Gutenberg file's body and what its header says.
type Book struct {
	Text          string
	Start, End    string // how the body's ends were found (Marker*)
	Title, Author string
	Language      string
	EbookNo       string
}

// hasFold reports whether s holds sub, ASCII case folded; sub is lower case.
func hasFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		c := s[i] | 0x20
		if c != sub[0] {
			continue
		}
		j := 1
		for j < n && s[i+j]|0x20 == sub[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

// mayMark is a cheap test that a line could match startRE, endRE or
// licenceRE: every one of them names Gutenberg, the small print or the
// licence. (The regular expressions cost ten times the whole scan.)
func mayMark(l string) bool {
	return hasFold(l, "gutenberg") || hasFold(l, "small print") || hasFold(l, "licen") ||
		hasFold(l, "please read") || hasFold(l, "updated editions") || hasFold(l, "general terms")
}

// nextStart returns the index of the first strong start marker in
// lines[from:from+within], or -1.
func nextStart(lines []string, from, within int) int {
	for i := from; i < len(lines) && i < from+within; i++ {
		if mayMark(lines[i]) && startRE.MatchString(lines[i]) {
			return i
		}
	}
	return -1
}

func hasAnyPrefix(s string, list []string) bool {
	for _, p := range list {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Strip returns the body of a Project Gutenberg plain-text file: what lies
// between its start and end markers, without the credits paragraph that
// opens many bodies ("Produced by ...") and without the licence blocks that
// some bodies carry inside. text is UTF-8 with LF line ends (see
// normalizeNewlines).
//
// The start is the last strong start marker before the first strong end
// marker that follows a start, so a small print placed after "*** START"
// and closed by "*END*THE SMALL PRINT!" goes too. Without a strong start,
// the gutenberg package's weak starts in the first 600 lines apply; without
// any, the body begins at the top of the file (Start "none").
//
// The end is the first strong end marker or licence heading after the
// start; without one, the package's weak ends 100 or more lines into the
// body; without any, the body runs to the end of the file (End "none"),
// except that a line in its second half that holds a phrase only the
// licence uses ("Project Gutenberg-tm", "Project Gutenberg Literary Archive
// Foundation", ...) cuts the body at that line's paragraph. This last guard
// runs whatever markers were found, so no licence text is kept even when a
// file's end marker is damaged.
func Strip(text string) Book {
	lines := strings.Split(text, "\n")
	var b Book
	start, end := -1, -1
scan:
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !mayMark(l) {
			continue
		}
		switch {
		case startRE.MatchString(l):
			start = i
		case start < 0:
		case endRE.MatchString(l):
			end, b.End = i, MarkerStrong
			break scan
		case licenceRE.MatchString(l):
			// A small print between "*** START" and "*END*THE SMALL
			// PRINT!" is header: the later start marker resets the body.
			if j := nextStart(lines, i+1, 400); j > 0 {
				i = j - 1
				continue
			}
			end, b.End = i, MarkerLicence
			break scan
		}
	}
	b.Start = MarkerStrong
	if start < 0 {
		b.Start = MarkerNone
		for i := 0; i < len(lines) && i <= 600; i++ {
			if hasAnyPrefix(lines[i], weakStarts) {
				start = i
				b.Start = MarkerWeak
			}
		}
		// The end markers were looked for after a strong start only.
		for i := start + 1; i < len(lines); i++ {
			if !mayMark(lines[i]) {
				continue
			}
			if endRE.MatchString(lines[i]) {
				end, b.End = i, MarkerStrong
				break
			}
			if licenceRE.MatchString(lines[i]) {
				end, b.End = i, MarkerLicence
				break
			}
		}
	}
	b.header(lines[:max(start, 0)])
	if end < 0 {
		end, b.End = len(lines), MarkerNone
		for i := start + 101; i < len(lines); i++ {
			if hasAnyPrefix(lines[i], weakEnds) {
				end, b.End = i, MarkerWeak
				break
			}
		}
	}
	// A start marker may wrap onto the next lines ("... EBOOK THE
	// ADVENTURES OF\nSHERLOCK HOLMES ***"): skip up to two lines that close it.
	first := start + 1
	if start >= 0 && !strings.HasSuffix(strings.TrimSpace(lines[start]), "***") && strings.HasPrefix(strings.TrimSpace(lines[start]), "*") {
		for j := first; j < min(first+2, end); j++ {
			if strings.HasSuffix(strings.TrimSpace(lines[j]), "***") {
				first = j + 1
				break
			}
		}
	}
	body := stripLegalese(lines[first:end])
	body = dropCredits(body)
	body = cutLicenceTail(body)
	b.Text = strings.Join(trimBlank(body), "\n")
	return b
}

// header reads Title, Author, Language and the ebook number from the lines
// before the body.
func (b *Book) header(lines []string) {
	h := strings.Join(lines, "\n")
	for _, m := range headerRE.FindAllStringSubmatch(h, -1) {
		switch m[1] {
		case "Title":
			if b.Title == "" {
				b.Title = m[2]
			}
		case "Author":
			if b.Author == "" {
				b.Author = m[2]
			}
		case "Language":
			if b.Language == "" {
				b.Language = m[2]
			}
		}
	}
	if m := ebookNoRE.FindStringSubmatch(h); m != nil {
		b.EbookNo = m[2]
	}
}

func stripLegalese(lines []string) []string {
	out := lines[:0:0]
	skip := 0 // lines left in the block being skipped
	for _, l := range lines {
		if skip == 0 && strings.HasPrefix(strings.TrimSpace(l), legaleseStart) {
			skip = legaleseMax
		}
		if skip > 0 {
			skip--
			if strings.Contains(l, legaleseEnd) {
				skip = 0
			}
			continue
		}
		out = append(out, l)
	}
	return out
}

// dropCredits removes up to three paragraphs of credits ("Produced by X
// and the Online Distributed Proofreading Team") at the top of a body: they
// are about the file, not the book. A paragraph longer than 12 lines is not
// credits and stays.
func dropCredits(lines []string) []string {
	for n := 0; n < 3; n++ {
		i := 0
		for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		if i == len(lines) || !creditRE.MatchString(lines[i]) {
			return lines
		}
		j := i
		for j < len(lines) && strings.TrimSpace(lines[j]) != "" {
			j++
		}
		if j-i > 12 {
			return lines
		}
		lines = lines[j:]
	}
	return lines
}

// cutLicenceTail cuts the body at the paragraph of the first line in its
// second half that holds a licence-only phrase.
func cutLicenceTail(lines []string) []string {
	for i := len(lines) / 2; i < len(lines); i++ {
		if (hasFold(lines[i], "gutenberg") || hasFold(lines[i], "small print")) && licencePhraseRE.MatchString(lines[i]) {
			j := i
			for j > 0 && strings.TrimSpace(lines[j-1]) != "" {
				j--
			}
			return lines[:j]
		}
	}
	return lines
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// normalizeNewlines turns CRLF and lone CR line ends into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
