package langid

import "strings"

// stopWords lists, per ISO 639-1 code, frequent function words (and, for
// close neighbours, the words that tell them apart). They serve three
// purposes: the fast path decides a language when its evidence is clear,
// the coverage of a document by its language's list tells text from junk,
// and the evidence of a second language measures mixing.
//
// hr stands for the Croatian, Bosnian and Latin-script Serbian continuum
// (lingua tells them apart; a word list cannot), so it never decides alone.
var stopWords = map[string]string{
	"en": `the of and to in a is that for it as was with be by on not he i this are or his from at which but
		have an they you were her she there been one all we their has would when if more no so out up into do can who will
		my them than some its about other what only also our had him could me your any may these then after most such shall
		should every against without`,
	"de": `der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass
		daß sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch
		man sein wurde sei ich wir ihr jeder jede keine kann unter gegen recht ohne alle seine ihre diese dieser`,
	"fr": `de la le et les des en un une du est que qui dans pour par pas au sur se ne plus ce il elle sont avec aux son sa
		ses ou mais comme nous vous on été être cette tout leur leurs ont fait toute toutes tous doit sans entre même droit
		a à y dont ni nul lui peut sera avoir`,
	"es": `de la que el en y los del se las por un para con no una su al es lo como más pero sus le ya o este sí porque esta
		entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni contra otros ese eso
		ante ellos e esto antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella
		estar estas toda tiene derecho persona será dicha a nadie`,
	"pt": `de a o que e do da em um para com não uma os no se na por mais as dos como mas ao ele das à seu sua ou quando muito
		nos já eu também só pelo pela até isso ela entre depois sem mesmo aos seus quem nas me esse eles você essa num nem suas
		meu às minha numa pelos elas qual nós lhe deles essas esses pelas este dele toda todo direito pessoa tem são ser foi
		tem têm pessoas`,
	"ca": `de la i el que a les en l d per un una del és amb no els es al com més o dels seva seu va però ha han si tot
		qualsevol dret persona totes tots aquesta aquest sense sobre entre també pel pels ni cap ser són llur llurs`,
	"it": `di e il la che in a per un è del non le si una con i da al dei della sono come alla più anche lo nel gli ma ha
		delle ad o se degli sua suo loro ogni tutti nella essere deve diritto senza può questa questo ed individuo`,
	"nl": `de en van het een in is dat op te zijn voor met die niet aan er als ook door om bij of uit worden dan maar wordt
		naar deze hij tot werd heeft nog zo wat kan geen ze haar wij zich iedereen hebben recht elk zonder`,
	"ro": `și de în la a cu pe din că o un una pentru nu este sau al ale lui care se sunt fi mai prin ca să orice dreptul
		drept are fără acest această asupra sale lor într şi să ori fie`,
	"pl": `i w na z do się nie że to jest o jak a od za po ale co tak jego przez dla jej są lub być ich może oraz tym ten tej
		które który która każdy ma prawo bez przy jako żaden`,
	"cs": `a v se na je že s z o do to i k jako ale za by pro jsou jeho nebo který která které být má každý právo své před při
		bez podle jejich také tak jen už ve nesmí`,
	"sk": `a v sa na je že s z o do to i k ako ale za by pre sú jeho alebo ktorý ktorá ktoré byť má každý právo svoje pred
		pri bez podľa ich tiež tak len už vo nesmie`,
	"sl": `in je na za se da v so pa ki z s o tudi pri ali kot iz po do bi ga ter ne lahko vsak ima pravico biti ta to
		njegov svoje brez vsakdo nihče`,
	"hr": `i je u na se da za su od s o iz ne a kao ili što bi biti ima svatko pravo bez koji koja koje sve pri prema njegov
		svoje te ni svako njihov`,
	"hu": `a az és hogy nem is egy van meg de csak ki el ha már mint volt vagy minden még fel kell lesz sem azt ez ezt mely
		annak arra által joga jogosult senkit senki`,
	"sv": `och i att det som en på är för med av den till inte har de om ett var jag han så men vid eller sig från alla kan
		skall ska får utan under denna rätt mot envar`,
	"da": `og i at det som en på er for med af den til ikke har de om et var jeg han så men ved eller sig fra alle kan skal
		får uden under denne ret enhver hvis efter mig dig noget hvad nu blive`,
	"nb": `og i at det som en på er for med av den til ikke har de om et var jeg han så men ved eller seg fra alle kan skal
		får uten under denne rett enhver hvis etter meg deg noe hva nå bli`,
	"ru": `и в не на что с он как по а это к но из у за от о то так все она же бы для мы вы ли его было был при или ее их
		только каждый человек право имеет должно быть без может`,
	"uk": `і в не на що з він як по а це до але у за від про то так все вона ж б для ми ви чи його було був при або її їх
		тільки кожна кожен людина право має повинно бути без може та й`,
	"bg": `и в на не да се за от с е че по са като той тя но това или при до без има трябва може всеки човек право които
		която който този тази всички един една`,
	"sr": `и у на се да за су од с о из не а као или што би бити има свако право без који која које све при према његов
		своје те ни`,
	"mk": `и во на се да за од со не е што кој која кое или без секој право има треба може ги го тоа`,
	"be": `і ў не на што з ён як па а гэта да але за ад пра так усе яна ж для мы вы ці яго было быў пры або яе іх толькі
		кожны чалавек права мае павінна быць без можа`,
	"fi": `ja on ei se että oli hän ovat kuin mutta tai jos niin myös kun joka mikä ole sekä jokaisella oikeus kaikki hänen
		siitä tämä`,
	"tr": `ve bir bu da de için ile olarak daha çok gibi olan en ne her kadar ama veya sonra ki hakkı herkes hiç ancak`,
	"id": `yang dan di dari untuk dengan ini itu dalam tidak akan pada ke adalah atau juga oleh setiap orang berhak tanpa`,
	"et": `ja on ei see et oli ta kui aga või ka mis kes iga inimese õigus igal kõik`,
	"lt": `ir yra kad ne su į iš kaip bet ar tai jo jų kiekvienas turi teisę be`,
	"lv": `un ir ka ne ar uz no kā bet vai tas viņa katram tiesības bez`,
	"af": `die van en in is dat nie het om te op vir met word sy as hulle elkeen reg`,
	"vi": `và của là có không được trong cho người những các một với này đã quyền mọi`,
}

// decidable are the languages the fast path may decide on its own; the
// others (hr: see above; id, which lingua tells from Malay) always go to
// lingua.
var notDecidable = map[string]bool{"hr": true, "id": true}

// lexicon maps a lowercased word to the languages whose list holds it. It
// is an open-addressing hash table on the word's bytes, so that a word is
// looked up without making a string of it; an entry's number (from 1)
// indexes the per-text counts of the analysis.
type lexicon struct {
	codes   []string
	index   map[string]int
	entries []lexEntry // entries[0] is unused: 0 means "not found"
	slots   []uint16   // entry numbers by hash, linear probing; 0 is empty
	maxLen  int        // the longest word in bytes: longer words are not looked up
	family  []int      // per list, a number for its family (0: none)
}

// lexEntry is one word and its lists (bit i: codes[i]).
type lexEntry struct {
	word string
	mask uint64
}

func newLexicon() *lexicon {
	lx := &lexicon{index: map[string]int{}}
	for code := range stopWords {
		lx.codes = append(lx.codes, code)
	}
	// A fixed order keeps tie-breaking deterministic.
	sortStrings(lx.codes)
	if len(lx.codes) > 64 {
		panic("langid: more than 64 word lists")
	}
	families := map[string]int{}
	for _, code := range lx.codes {
		f := family[code]
		if f != "" && families[f] == 0 {
			families[f] = len(families) + 1
		}
		lx.family = append(lx.family, families[f])
	}
	masks := map[string]uint64{}
	var words []string
	for i, code := range lx.codes {
		lx.index[code] = i
		for _, w := range strings.Fields(stopWords[code]) {
			if masks[w] == 0 {
				words = append(words, w)
			}
			masks[w] |= 1 << uint(i)
		}
	}
	size := 1
	for size < 4*len(words) {
		size *= 2
	}
	lx.entries = make([]lexEntry, 1, len(words)+1)
	lx.slots = make([]uint16, size)
	for _, w := range words {
		lx.entries = append(lx.entries, lexEntry{w, masks[w]})
		lx.maxLen = max(lx.maxLen, len(w))
		h := wordHash([]byte(w))
		for k := h & uint32(size-1); ; k = (k + 1) & uint32(size-1) {
			if lx.slots[k] == 0 {
				lx.slots[k] = uint16(len(lx.entries) - 1)
				break
			}
		}
	}
	return lx
}

// lookup returns the entry number of a lowercased word, 0 if no list has it.
func (lx *lexicon) lookup(w []byte) int { return lx.lookupHash(w, wordHash(w)) }

// lookupHash is lookup for a word whose wordHash is h.
func (lx *lexicon) lookupHash(w []byte, h uint32) int {
	m := uint32(len(lx.slots) - 1)
	for k := h & m; ; k = (k + 1) & m {
		e := lx.slots[k]
		if e == 0 || lx.entries[e].word == string(w) {
			return int(e)
		}
	}
}

// wordHash is FNV-1a.
func wordHash(w []byte) uint32 {
	h := uint32(fnvOffset)
	for _, c := range w {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)
