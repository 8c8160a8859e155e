package wikipedia

import (
	"strings"
	"unicode/utf8"
)

// DefaultLanguages are the 20 Wikipedias LLaMA used (Touvron et al. 2023,
// §2): languages written in the Latin or Cyrillic script.
var DefaultLanguages = []string{"bg", "ca", "cs", "da", "de", "en", "es", "fr", "hr", "hu", "it", "nl", "pl", "pt", "ro", "ru", "sl", "sr", "sv", "uk"}

// Namespace keys MediaWiki fixes for every wiki.
const (
	nsMedia    = -2
	nsMain     = 0
	nsFile     = 6
	nsCategory = 14
)

// localNamespaces are the File, Media and Category namespace names and
// their common aliases in the 20 languages (MediaWiki's
// languages/messages/Messages*.php), for dumps whose <siteinfo> lacks the
// aliases (schema 0.10 lists no <namespacealiases>).
var localNamespaces = map[string][]string{
	"bg": {"Файл", "Картинка", "Медия", "Категория"},
	"ca": {"Fitxer", "Imatge", "Arxiu", "Multimèdia", "Categoria"},
	"cs": {"Soubor", "Obrázek", "Média", "Kategorie"},
	"da": {"Fil", "Billede", "Medie", "Kategori"},
	"de": {"Datei", "Bild", "Medium", "Kategorie"},
	"en": {"File", "Image", "Media", "Category"},
	"es": {"Archivo", "Imagen", "Medio", "Categoría"},
	"fr": {"Fichier", "Image", "Média", "Catégorie"},
	"hr": {"Datoteka", "Slika", "Mediji", "Kategorija"},
	"hu": {"Fájl", "Kép", "Média", "Kategória"},
	"it": {"File", "Immagine", "Media", "Categoria"},
	"nl": {"Bestand", "Afbeelding", "Media", "Categorie"},
	"pl": {"Plik", "Grafika", "Media", "Kategoria"},
	"pt": {"Ficheiro", "Arquivo", "Imagem", "Multimédia", "Categoria"},
	"ro": {"Fișier", "Fişier", "Imagine", "Media", "Categorie"},
	"ru": {"Файл", "Изображение", "Медиа", "Категория"},
	"sl": {"Slika", "Datoteka", "Media", "Kategorija"},
	"sr": {"Датотека", "Слика", "Медиј", "Категорија", "Datoteka", "Slika", "Kategorija"},
	"sv": {"Fil", "Bild", "Media", "Kategori"},
	"uk": {"Файл", "Зображення", "Медіа", "Категорія"},
}

// redirectWords are the localised #REDIRECT magic words of the 20 languages
// (MediaWiki's MessagesXx.php 'redirect' entries); English works on every
// wiki. A page whose text starts with one is a redirect even when the dump
// lacks the <redirect> element.
var redirectWords = []string{
	"#REDIRECT",
	"#пренасочване", "#виж", // bg
	"#REDIRECCIÓ", "#REDIRECCIO", // ca
	"#PŘESMĚRUJ",                   // cs
	"#OMDIRIGERING",                // da, sv
	"#WEITERLEITUNG",               // de
	"#REDIRECCIÓN", "#REDIRECCION", // es
	"#REDIRECTION",                   // fr
	"#PREUSMJERI",                    // hr
	"#ÁTIRÁNYÍTÁS",                   // hu
	"#RINVIA", "#RINVIO", "#RIMANDO", // it
	"#DOORVERWIJZING",               // nl
	"#PATRZ", "#PRZEKIERUJ", "#TAM", // pl
	"#REDIRECIONAMENTO",              // pt
	"#REDIRECTEAZA", "#REDIRECTEAZĂ", // ro
	"#ПЕРЕНАПРАВЛЕНИЕ", "#ПЕРЕНАПР", // ru
	"#PREUSMERITEV",            // sl
	"#ПРЕУСМЕРИ", "#PREUSMERI", // sr
	"#ПЕРЕНАПРАВЛЕННЯ", // uk
}

// IsRedirectText reports whether wikitext starts with a redirect magic word
// (any case, MediaWiki matches them case-insensitively) followed by a link.
func IsRedirectText(text string) bool {
	t := strings.TrimLeft(text, " \t\r\n")
	if len(t) < 2 || t[0] != '#' {
		return false
	}
	for _, w := range redirectWords {
		if len(t) < len(w) || !strings.EqualFold(t[:len(w)], w) {
			continue
		}
		rest := strings.TrimLeft(t[len(w):], " \t:\r\n")
		if strings.HasPrefix(rest, "[[") {
			return true
		}
	}
	return false
}

// dropSections are the lower-cased titles of sections that are not prose:
// references, notes, external links, see also, further reading, in the 20
// languages (their most common spellings on each Wikipedia).
var dropSections = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{
		// en
		"references", "reference", "external links", "external link", "see also", "notes",
		"footnotes", "further reading", "bibliography", "sources", "citations",
		"notes and references", "references and notes", "works cited", "related articles",
		// bg
		"източници", "бележки", "външни препратки", "вижте също", "литература",
		// ca
		"referències", "notes", "enllaços externs", "vegeu també", "bibliografia",
		// cs
		"reference", "externí odkazy", "související články", "literatura", "poznámky",
		// da
		"referencer", "eksterne henvisninger", "se også", "kilder", "noter", "litteratur",
		// de
		"einzelnachweise", "weblinks", "siehe auch", "literatur", "anmerkungen", "quellen", "belege",
		// es
		"referencias", "enlaces externos", "véase también", "notas", "bibliografía",
		// fr
		"références", "notes et références", "liens externes", "voir aussi", "bibliographie",
		"articles connexes", "annexes",
		// hr
		"izvori", "vanjske poveznice", "vidi još", "bilješke",
		// hu
		"jegyzetek", "források", "további információk", "kapcsolódó szócikkek", "külső hivatkozások", "irodalom",
		// it
		"note", "collegamenti esterni", "voci correlate", "altri progetti", "riferimenti",
		// nl
		"referenties", "externe links", "externe link", "zie ook", "bronnen", "noten", "literatuur", "voetnoten", "bronnen, noten en/of referenties",
		// pl
		"przypisy", "linki zewnętrzne", "zobacz też", "uwagi",
		// pt
		"referências", "ligações externas", "ver também", "notas e referências", "bibliografia",
		// ro
		"referințe", "legături externe", "vezi și", "bibliografie",
		// ru
		"примечания", "ссылки", "литература", "см. также", "источники",
		// sl
		"sklici", "zunanje povezave", "glej tudi", "viri", "opombe",
		// sr
		"референце", "спољашње везе", "види још", "литература", "напомене", "извори",
		// sv
		"referenser", "externa länkar", "se även", "källor", "noter",
		// uk
		"примітки", "посилання", "джерела", "див. також", "література",
	} {
		m[s] = true
	}
	return m
}()

// wikiCodes are the language prefixes of Wikipedia's interlanguage links
// ([[fr:Paris]]); such a link is not text.
var wikiCodes = strings.Fields(`aa ab ace ady af ak als alt am ami an ang anp ar arc ary arz as ast atj av avk awa ay az
azb ba ban bar bat-smg bbc bcl be be-tarask be-x-old bew bg bh bi bjn blk bm bn bo bpy br bs bug bxr ca
cbk-zam cdo ce ceb ch cho chr chy ckb co cr crh cs csb cu cv cy da dag de din diq dsb dty dv dz ee el eml
en eo es et eu ext fa fat ff fi fiu-vro fj fo fon fr frp frr fur fy ga gag gan gcr gd gl glk gn gom gor
got gpe gu guc gur guw gv ha hak haw he hi hif ho hr hsb ht hu hy hyw hz ia id ie ig ii ik ilo inh io is
it iu ja jam jbo jv ka kaa kab kbd kbp kcg kg ki kj kk kl km kn ko koi kr krc ks ksh ku kv kw ky la lad
lb lbe lez lfn lg li lij lld lmo ln lo lrc lt ltg lv mad mai map-bms mdf mg mh mhr mi min mk ml mn mni
mnw mo mr mrj ms mt mus mwl my myv mzn na nah nap nds nds-nl ne new ng nia nl nn no nov nqo nr nrm nso
nv ny oc olo om or os pa pag pam pap pcd pcm pdc pfl pi pih pl pms pnb pnt ps pt pwn qu rm rmy rn ro
roa-rup roa-tara ru rue rw sa sah sat sc scn sco sd se sg sh shi shn si simple sk skr sl sm smn sn so sq
sr srn ss st stq su sv sw szl szy ta tay tcy te tet tg th ti tk tl tly tn to tpi tr trv ts tt tum tw ty
tyv udm ug uk ur uz ve vec vep vi vls vo wa war wo wuu xal xh xmf yi yo yue za zea zgh zh zh-classical
zh-min-nan zh-yue zu`)

// LangOf returns the language of a Wikipedia database name ("enwiki" →
// "en", "zh_min_nanwiki" → "zh-min-nan"), or "" for another project
// ("enwiktionary") or a name that is not a database name.
func LangOf(dbname string) string {
	l, ok := strings.CutSuffix(dbname, "wiki")
	if !ok || l == "" || !utf8.ValidString(l) {
		return ""
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return ""
		}
	}
	return strings.ReplaceAll(l, "_", "-")
}
