/**
 * Street-address shapes that need no cue word, one regex source per family. Each shape is anchored on a
 * word that only addresses use (a street type, "P.O. Box", "APO AE"), because a capitalised phrase and a
 * number alone are far more often products, quantities or rankings than addresses.
 */
const WORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]{0,30}";
/** Lower-case joining words inside street names: "Rue de la Paix", "Calle de Alcalá", "Via dei Mille". */
const PARTICLE =
  "(?:de|du|des|la|le|les|d'|d’|l'|l’|del|de la|de los|de las|los|las|y|e|di|da|dei|degli|della|delle|do|dos|das|van|von|der|den|am|an|im|zum|zur|auf)";
const NAME_PART = `(?:${WORD}|${PARTICLE})`;
/** A house number with an optional letter or bis/ter ("130", "221B", "12a", "5 bis", "3-5"). */
const HOUSE = "\\d{1,5}(?:\\s?[A-Za-z](?![\\p{L}\\d])|\\s(?:bis|ter)\\b|-\\d{1,4})?";
/** A number that ends the address: not the start of a longer figure ("12.5", "3,000", "10%"). */
const HOUSE_LAST = `${HOUSE}(?![\\d%]|[.,]\\d)`;

/** Postcode + town after an address: "10115 Berlin", "75008 Paris", "1012 AB Amsterdam", "CH-8001 Zürich". */
const EURO_TAIL = `(?:,?\\s(?:[A-Z]{1,2}-)?\\d{4,5}(?:\\s[A-Z]{2})?\\s${WORD}(?:[\\s-]${WORD}){0,2})?`;

/** Street types written before the name (Romance languages, and French/Belgian "Rue" at a sentence start). */
const TYPE_FIRST_WORDS =
  "(?:Rue|Avenue|Av\\.|Ave\\.|Boulevard|Bd|Bld|Place|Chemin|Impasse|Allée|Quai|Route|Cours|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Calle|C/|Avenida|Avda\\.?|Paseo|Plaza|Camino|Carrera|Ronda|Travesía|Rambla|Carretera|Rua|Travessa|Praça)";
/** "Rue Dielhère 130", "Via Roma 12", "Calle Mayor, 3", "Calle de Alcalá nº 45", "Rua Augusta 100". */
export const TYPE_FIRST_NUMBER_LAST = `(?<![\\p{L}\\d])${TYPE_FIRST_WORDS}\\s(?:${NAME_PART}\\s){0,4}${WORD},?\\s(?:n[º°o]\\.?\\s?|nr\\.?\\s)?${HOUSE_LAST}${EURO_TAIL}`;

/** French number-first: "12 rue de la Paix", "8, boulevard Haussmann", "3 bis avenue Foch". */
const FR_TYPE = "(?:rue|avenue|av\\.|boulevard|bd|place|chemin|impasse|allée|quai|route|cours|passage|square)";
export const FRENCH_NUMBER_FIRST = `(?<![\\p{L}\\d.,-])${HOUSE},?\\s${FR_TYPE}\\s(?:${PARTICLE}\\s?){0,3}${WORD}(?:\\s${NAME_PART}){0,3}${EURO_TAIL}`;

/**
 * Germanic and Nordic street names ending in a street type, then the number: "Hauptstraße 5", "Bahnhofstr.
 * 12a", "Kalverstraat 92", "Drottninggatan 3", or a separate type after an -er adjective ("Berliner Straße 5").
 */
const COMPOUND_TYPE =
  "(?:straße|strasse|str\\.|weg|gasse|platz|allee|ufer|damm|steig|chaussee|straat|laan|gracht|plein|kade|dijk|singel|gatan|gata|gade|vej|vegen|veien)";
export const GERMANIC_NUMBER_LAST = `(?<![\\p{L}\\d])(?:\\p{Lu}[\\p{Ll}\\p{M}-]{2,30}${COMPOUND_TYPE}|\\p{Lu}\\p{Ll}{2,20}er\\s(?:Straße|Strasse|Str\\.|Weg|Platz|Allee|Gasse|Ring|Damm))\\s${HOUSE_LAST}${EURO_TAIL}`;

/**
 * Post-office boxes: "P.O. Box 1234", "PO Box 55", "Postfach 10 20 30", "B.P. 45", "Apartado de correos 12";
 * never a bare "BP 120", which is a blood pressure.
 */
const PO_WORDS = "(?:Postfach|Boîte\\spostale|Boite\\spostale)";
export const PO_BOX = `(?<![\\p{L}\\d])(?:P\\.?\\s?O\\.?\\s?Box|Post\\sOffice\\sBox|PO\\sBox|${PO_WORDS}|B\\.P\\.|Case\\spostale|Apartado(?:\\s(?:de\\scorreos|postal))?|Apdo\\.?|Casilla(?:\\sde\\scorreo)?|Caixa\\sPostal)\\s?\\d{1,6}(?:\\s\\d{2}){0,2}(?![\\d%]|[.,]\\d)`;

/**
 * US military mail: "PSC 1234, Box 5678, APO AE 09123", "Unit 2050 Box 4190, APO AP 96278", "CMR 450,
 * APO AE 09058", or just "FPO AP 96616". The APO/FPO/DPO + AA/AE/AP + ZIP core is what makes it an address.
 */
const MILITARY_MAIL = "(?:APO|FPO|DPO)";
export const MILITARY = `(?<![\\p{L}\\d])(?:(?:PSC|CMR|Unit)\\s\\d{1,5},?\\s(?:Box\\s\\d{1,5},?\\s)?)?${MILITARY_MAIL}\\s(?:AA|AE|AP)\\s\\d{5}(?:-\\d{4})?(?!\\d)`;

/**
 * What every shape above contains (a street type, a box or military-mail word): the shapes run only near one
 * of these (see windows.ts).
 */
export const ANCHOR = new RegExp(
  [
    TYPE_FIRST_WORDS,
    `\\d(?:\\s(?:bis|ter)|\\s?[A-Za-z])?,?\\s${FR_TYPE}`,
    `[a-zäöüßéèáíóúñ]${COMPOUND_TYPE}`,
    "Straße|Strasse|Str\\.|Weg|Platz|Allee|Gasse|Ring|Damm",
    "Box|B\\.P\\.|postale|Apartado|Apdo|Casilla|Caixa",
    PO_WORDS,
    MILITARY_MAIL,
  ].join("|"),
  // No "u" flag: this runs over the whole text, and Unicode mode makes V8's scan several times slower.
  "g",
);
