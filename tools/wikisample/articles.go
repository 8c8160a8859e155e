package main

// The articles are written for tokenmill's sample and fixtures (released
// with the repository); they follow Wikipedia's layout and markup, not any
// Wikipedia article's text.

const lighthouseEN = `{{Short description|Tower that guides ships with a light}}
{{Use dmy dates|date=March 2023}}
{{Infobox structure
| name     = Lighthouse
| image    = [[File:Lighthouse at dusk.jpg|250px]]
| caption  = A lighthouse at dusk
| type     = {{Hlist|tower|beacon}}
| height   = {{convert|10|-|60|m|ft|abbr=on}}
}}
A '''lighthouse''' is a tower, building or other structure that carries a lamp and lenses so that ships at sea can find their way at night.<ref name="stevenson">{{cite book |last=Stevenson |first=Alan |title=Rudimentary Treatise on Lighthouses |year=1850 |url=https://www.example.org/books/lighthouses/ }}</ref> Lighthouses mark dangerous coasts, hidden reefs and the safe entries to harbours, and they were for centuries the most important aid to [[Navigation|navigation]] along a coast.

== History ==
The earliest lighthouses were fires lit on hilltops. The [[Lighthouse of Alexandria]], built in the third century BC, stood for more than a thousand years.<ref>{{cite web |url=http://history.example.com/pharos#early |title=The Pharos |access-date=2 March 2023}}</ref> In the eighteenth and nineteenth centuries engineers replaced open fires with oil lamps, mirrors and, later, the glass lenses designed by [[Augustin-Jean Fresnel|Fresnel]].

=== Keepers ===
Until the twentieth century most lighthouses needed keepers, who lived beside the tower with their families, trimmed the wicks and wound the clockwork that turned the lens.<ref name="stevenson" /> Most lights are now automatic and are checked by visiting crews.

== Design ==
{| class="wikitable"
! Part !! Purpose
|-
| Lantern room || holds the lamp and lens
|-
| Gallery || lets the keeper clean the glass
|}
A tower is built tall enough for its light to be seen beyond the curve of the Earth; the range ''d'' in kilometres is about <math>3.57\sqrt{h}</math>. Each light flashes in its own pattern, its '''characteristic''', so that sailors can tell one light from another.

== See also ==
* [[Lightvessel]]
* [[List of tallest lighthouses]]

== References ==
{{Reflist}}

== External links ==
* [https://www.example.org/lights/ Lighthouse directory]
* {{Commons category|Lighthouses}}

{{Navbox lighthouses}}
[[Category:Lighthouses| ]]
[[Category:Navigation]]
[[de:Leuchtturm]]
[[fr:Phare]]
`

const bicycleEN = `{{Infobox vehicle
| name = Bicycle
| image = {{#if:{{{photo|}}}|[[File:{{{photo}}}|frameless]]|[[File:Bicycle side.png|frameless]]}}
| wheels = 2
}}
A '''bicycle''', also called a '''bike''', is a human-powered vehicle with two wheels, one behind the other, driven by pedals.<ref>Herlihy, David V. (2004). ''Bicycle: The History''. Yale University Press.</ref> A rider sits on a saddle and steers with handlebars attached to the front fork.

Bicycles were introduced in the nineteenth century in Europe. By the early twenty-first century more than a billion had been built, twice the number of [[automobile]]s.<ref>{{cite news |url=https://www.news.example.net/2003/bicycles?id=7 |title=Billion bikes}}</ref> They are the main means of transport in many regions and a popular form of recreation and [[exercise]].

== Parts ==
The frame, wheels, pedals, saddle and handlebars have changed little since the first [[safety bicycle]] of the 1880s. A [[chain]] carries the power from the pedals to the rear wheel; gears let the rider keep a comfortable [[cadence (cycling)|cadence]] on hills and on the flat.
* '''Frame''' – usually steel, aluminium or carbon fibre
* '''Brakes''' – rim brakes or disc brakes
* '''Drivetrain''' – chain, gears and cranks

== Notes ==
{{notelist}}

[[Category:Bicycles]]
`

// bicycleCopyEN is a second page with the bicycle article's text: exact
// duplicates happen in dumps (copied drafts), and doc_dedup keeps one.
const bicycleCopyEN = bicycleEN

const honeyBeeEN = `A '''honey bee''' is a member of the genus ''[[Apis]]'', a group of social bees best known for making and storing [[honey]] and for building nests from [[beeswax|wax]]. __TOC__
Honey bees live in colonies with one queen, thousands of female workers and, in summer, a few hundred male drones.<ref group="n">The number changes with the season.</ref>

== Behaviour ==
Workers collect nectar and pollen from flowers. A forager that finds a good source returns to the hive and performs the ''waggle dance'', whose angle and length tell her sisters the direction and distance of the flowers.<ref>{{cite journal |title=Dance language |journal=Example Journal of Insects |url=https://journal.example.org/articles/42/}}</ref>

<gallery>
Bee on flower.jpg|A worker on a flower
Honeycomb.jpg|Honeycomb
</gallery>

== Beekeeping ==
People have kept bees for honey for at least four thousand years. Modern hives have movable frames, so the keeper can inspect the colony and take honey without harming the bees.

== Further reading ==
* ''The Hive and the Honey Bee''

[[Category:Bees]]
`

const basaltEN = `'''Basalt''' is a fine-grained [[igneous rock]] formed from the rapid cooling of lava rich in [[magnesium]] and [[iron]]. More than ninety per cent of all volcanic rock on Earth is basalt, and the floor of every ocean is made of it.<ref name=usgs>[https://volcanoes.example.gov/rocks/basalt.html Basalt], Volcano Survey.</ref>

Basalt is usually dark grey to black. When thick lava flows cool slowly they can crack into tall columns with six sides, as at the [[Giant's Causeway]].<nowiki>[1]</nowiki> Weathered basalt makes fertile soil.
<!-- TODO: add a section on lunar maria -->
== Uses ==
Crushed basalt is used in road building and in concrete; basalt fibres are spun into a material for heat insulation.

[[Category:Volcanic rocks]]
`

// A page whose text is French, in the English Wikipedia: the language-ID
// check against the dump's language drops it.
const frenchInEN = `Le '''fromage de chèvre''' est un fromage fabriqué à partir du lait de chèvre. Il est produit dans de nombreuses régions de France, notamment dans la vallée de la Loire et dans le Poitou, où les chèvres sont élevées depuis des siècles.

Sa pâte est blanche et sa saveur devient plus forte avec l'affinage. On le mange frais, sec ou cendré, souvent avec du pain et une salade verte.
`

const talkEN = `== Infobox image ==
Should we change the photo? ~~~~
`

const templateEN = `<includeonly>{{#if:{{{1|}}}|[[{{{1}}}]]}}</includeonly><noinclude>Documentation.</noinclude>`

const emptyEN = `{{Short description|Disambiguation page}}
{{Disambiguation}}
[[Category:Disambiguation pages]]
`

const leuchtturmDE = `{{Infobox Bauwerk
| Name = Leuchtturm
| Bild = [[Datei:Leuchtturm am Abend.jpg|280px]]
}}
Ein '''Leuchtturm''' ist ein Turm, der mit einem starken Leuchtfeuer ausgestattet ist und den Schiffen auf See bei Nacht den Weg weist.<ref>{{Internetquelle |url=https://www.beispiel.de/leuchttuerme/ |titel=Leuchttürme an der Küste |abruf=2023-03-02}}</ref> Leuchttürme stehen an gefährlichen Küsten, vor Untiefen und an den Einfahrten der Häfen.

== Geschichte ==
Die ersten Leuchtfeuer waren offene Feuer auf Hügeln und Türmen. Der [[Pharos von Alexandria|Leuchtturm von Alexandria]] galt in der Antike als eines der [[Sieben Weltwunder der Antike|sieben Weltwunder]]. Im neunzehnten Jahrhundert ersetzten Öllampen und die Linsen von [[Augustin Jean Fresnel|Fresnel]] die offenen Feuer.

=== Leuchtturmwärter ===
Bis in das zwanzigste Jahrhundert wohnten Wärter mit ihren Familien neben dem Turm. Sie putzten die Linsen, kürzten die Dochte und zogen das Uhrwerk auf, das die Optik drehte. Heute arbeiten fast alle Leuchttürme automatisch.

== Siehe auch ==
* [[Feuerschiff]]

== Einzelnachweise ==
<references />

== Weblinks ==
* [https://www.beispiel.de/ Deutsche Leuchttürme]

[[Kategorie:Leuchtturm| ]]
[[en:Lighthouse]]
`

const fahrradDE = `Ein '''Fahrrad''' (kurz '''Rad''', in der Schweiz '''Velo''') ist ein einspuriges Fahrzeug mit zwei Rädern, das mit Muskelkraft durch Pedale angetrieben wird.<ref>Hans-Erhard Lessing: ''Automobilität – Karl Drais und die unglaublichen Anfänge.'' Leipzig 2003.</ref>

== Geschichte ==
Als Vorläufer des Fahrrads gilt die Laufmaschine von [[Karl Drais]] aus dem Jahr 1817. Mit dem Niederrad, dessen Hinterrad über eine Kette angetrieben wird, setzte sich das Fahrrad gegen Ende des neunzehnten Jahrhunderts als Verkehrsmittel durch.

{| class="wikitable"
! Jahr !! Erfindung
|-
| 1817 || Laufmaschine
|-
| 1885 || Niederrad
|}

== Bauteile ==
* Rahmen und Gabel
* Laufräder mit Reifen
* Antrieb aus Kurbel, Kette und Schaltung
Der Rahmen besteht meistens aus Stahl, Aluminium oder Kohlenstofffaser.

[[Kategorie:Fahrrad]]
`

const honigbieneDE = `Die '''Westliche Honigbiene''' (''Apis mellifera'') ist eine Art der Gattung der [[Honigbienen]]. Sie lebt in Völkern aus einer Königin, vielen tausend Arbeiterinnen und im Sommer einigen hundert Drohnen.

Die Arbeiterinnen sammeln Nektar und Pollen. Eine Sammlerin, die eine ergiebige Futterquelle gefunden hat, teilt den anderen Bienen durch den Schwänzeltanz die Richtung und die Entfernung mit.<ref name="frisch">Karl von Frisch: ''Tanzsprache und Orientierung der Bienen.'' Berlin 1965.</ref>

== Imkerei ==
Der Mensch hält Honigbienen seit Jahrtausenden, um Honig und Wachs zu gewinnen. In modernen Beuten hängen bewegliche Rähmchen, sodass der Imker das Volk kontrollieren kann, ohne es zu stören.<ref name="frisch" />

== Literatur ==
* Jürgen Tautz: ''Phänomen Honigbiene.'' München 2007.

[[Kategorie:Honigbienen]]
`

const redirectDE = `#WEITERLEITUNG [[Fahrrad]]

[[Kategorie:Weiterleitung]]
`

const categoryDE = `Diese Kategorie enthält Artikel über Leuchttürme.
[[Kategorie:Seezeichen]]
`

// cutDE is the dump's last page, which the generator cuts in the middle of
// its text: a dump whose download stopped.
const cutDE = `Ein '''Deich''' ist ein Damm entlang einer Küste oder eines Flusses, der das Hinterland vor Überflutung schützt. Deiche werden aus Sand und Klei gebaut und mit Gras bewachsen, damit die Wurzeln den Boden halten.
`
