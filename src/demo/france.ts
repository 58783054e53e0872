import type { PharmacyRecord } from '../directory/pharmacy-row.ts';
import { finessWithKey, slugify } from './identifiers.ts';

/**
 * The synthetic France of the demo: fictional community pharmacies at real places (postcodes,
 * cities, phone prefixes), and the names and birthplaces patients are drawn from. Pure data.
 *
 * Pharmacy table columns: FINESS site body (8 characters, the key is added) | name | street |
 * postcode | city | phone | opening hours | organisational mailbox: `P` published, `R` "liste
 * rouge" (exists, not published), `-` none. The legal-entity (EJ) number is the site body with
 * a 9 right after the département.
 */
const PHARMACY_TABLE = `
75000341 | Pharmacie du Marché | 12 rue de Bretagne | 75003 | Paris | 01 42 72 15 30 | Lun–Sam 9h00–20h00 | P
75001187 | Grande Pharmacie de la Bastille | 6 place de la Bastille | 75011 | Paris | 01 43 55 20 14 | Lun–Dim 8h00–22h00 | P
75002452 | Pharmacie Convention | 87 rue de la Convention | 75015 | Paris | 01 45 57 31 08 | Lun–Sam 8h30–20h00 | P
75003519 | Pharmacie des Abbesses | 24 rue des Abbesses | 75018 | Paris | 01 46 06 42 77 | Lun–Sam 9h00–20h00, Dim 10h00–13h00 | P
75004263 | Pharmacie de la Place des Fêtes | 3 place des Fêtes | 75019 | Paris | 01 42 08 63 91 | Lun–Sam 9h00–19h30 | P
69000728 | Pharmacie des Terreaux | 4 place des Terreaux | 69001 | Lyon | 04 78 28 40 16 | Lun–Sam 9h00–19h30 | P
69001365 | Grande Pharmacie de la Guillotière | 18 cours Gambetta | 69007 | Lyon | 04 78 72 05 33 | Lun–Sam 8h30–20h00 | P
69002914 | Pharmacie Gratte-Ciel | 41 avenue Henri-Barbusse | 69100 | Villeurbanne | 04 78 84 27 60 | Lun–Sam 9h00–19h30 | R
13000482 | Pharmacie du Vieux-Port | 9 quai du Port | 13002 | Marseille | 04 91 90 12 45 | Lun–Sam 8h30–19h30 | P
13001673 | Pharmacie Castellane | 2 place Castellane | 13006 | Marseille | 04 91 37 58 02 | Lun–Dim 8h00–21h00 | P
13002205 | Pharmacie Mirabeau | 15 cours Mirabeau | 13100 | Aix-en-Provence | 04 42 26 19 73 | Lun–Sam 9h00–19h30 | P
59000537 | Grande Pharmacie de la Gare | 1 place des Buisses | 59800 | Lille | 03 20 06 44 18 | Lun–Sam 8h00–20h00 | P
59001842 | Pharmacie de la Grand-Place | 30 Grande Rue | 59100 | Roubaix | 03 20 73 15 26 | Lun–Sam 9h00–19h00 | P
33000916 | Pharmacie des Chartrons | 55 cours Portal | 33000 | Bordeaux | 05 56 52 30 81 | Lun–Sam 9h00–19h30 | P
33001428 | Pharmacie du Forum | 12 avenue de la Libération | 33400 | Talence | 05 56 80 62 14 | Lun–Ven 8h30–19h30, Sam 9h00–12h30 | R
67000284 | Pharmacie de la Cathédrale | 5 place de la Cathédrale | 67000 | Strasbourg | 03 88 32 11 49 | Lun–Sam 9h00–19h00 | P
67001597 | Pharmacie du Marché | 19 Grand'Rue | 67500 | Haguenau | 03 88 93 80 25 | Lun–Sam 8h30–19h00 | P
31000375 | Pharmacie du Capitole | 21 rue du Taur | 31000 | Toulouse | 05 61 21 35 90 | Lun–Sam 9h00–19h30 | P
44000641 | Pharmacie Graslin | 3 rue Racine | 44000 | Nantes | 02 40 69 24 58 | Lun–Sam 9h00–19h30 | P
35000832 | Pharmacie des Lices | 7 place des Lices | 35000 | Rennes | 02 99 79 13 62 | Lun–Sam 9h00–19h00 | P
06000159 | Pharmacie Masséna | 10 avenue Jean-Médecin | 06000 | Nice | 04 93 87 45 20 | Lun–Dim 8h30–20h30 | P
34000726 | Pharmacie de la Comédie | 1 place de la Comédie | 34000 | Montpellier | 04 67 60 82 35 | Lun–Sam 8h30–20h00 | P
2A000114 | Pharmacie du Cours Napoléon | 40 cours Napoléon | 20000 | Ajaccio | 04 95 21 30 47 | Lun–Sam 8h30–12h30, 14h30–19h30 | P
2A000236 | Pharmacie de la Citadelle | 6 rue Borgo | 20137 | Porto-Vecchio | 04 95 70 11 83 | Lun–Sam 9h00–12h30, 15h00–19h30 | P
2B000187 | Pharmacie du Vieux-Port | 2 boulevard Paoli | 20200 | Bastia | 04 95 31 06 54 | Lun–Sam 8h30–19h30 | P
2B000342 | Pharmacie Paoli | 14 cours Paoli | 20250 | Corte | 04 95 46 00 72 | Lun–Sam 9h00–12h00, 14h30–19h00 | P
97100218 | Pharmacie de la Darse | 5 place de la Victoire | 97110 | Pointe-à-Pitre | 05 90 82 14 36 | Lun–Ven 7h30–18h30, Sam 7h30–13h00 | P
97100479 | Pharmacie du Champ d'Arbaud | 1 rue du Docteur-Cabre | 97100 | Basse-Terre | 05 90 81 25 43 | Lun–Ven 7h30–18h00, Sam 8h00–12h30 | P
97400163 | Pharmacie du Barachois | 32 rue de Paris | 97400 | Saint-Denis | 02 62 21 48 05 | Lun–Sam 8h00–18h30 | P
97400385 | Pharmacie de la Marine | 18 boulevard Hubert-Delisle | 97410 | Saint-Pierre | 02 62 25 07 91 | Lun–Sam 8h00–19h00 | -
15000253 | Pharmacie du Plomb du Cantal | 11 rue d'Argent | 15300 | Murat | 04 71 20 03 18 | Mar–Sam 9h00–12h15, 14h30–19h00 | P
23000138 | Pharmacie de la Tapisserie | 26 Grande Rue | 23200 | Aubusson | 05 55 66 12 40 | Lun–Sam 9h00–12h00, 14h00–19h00 | -
48000374 | Pharmacie du Lot | 3 boulevard Lucien-Arnault | 48000 | Mende | 04 66 65 01 27 | Lun–Sam 8h45–12h15, 14h15–19h15 | -
46000291 | Pharmacie Champollion | 9 place Carnot | 46100 | Figeac | 05 65 34 10 52 | Lun–Sam 9h00–19h00 | P
04000167 | Pharmacie de Haute-Provence | 4 place du Bourguet | 04300 | Forcalquier | 04 92 75 00 36 | Lun–Sam 9h00–12h30, 14h30–19h30 | P
29000584 | Pharmacie de la Presqu'île | 2 rue de Reims | 29160 | Crozon | 02 98 27 01 63 | Lun–Sam 9h00–12h30, 14h00–19h15 | P
`;

export const PHARMACY_MAIL_DOMAIN = 'pharmacie.mssante.fr';

function departementOf(body: string): string {
  return body.startsWith('97') || body.startsWith('98') ? body.slice(0, 3) : body.slice(0, 2);
}

function pharmacy(line: string): PharmacyRecord {
  const [body = '', name = '', street = '', postcode = '', city = '', phone = '', hours = '', box = ''] = line
    .split('|')
    .map((cell) => cell.trim());
  const departement = departementOf(body);
  const legalBody = `${departement}9${body.slice(departement.length + 1)}`;
  const address = `${slugify(`${name} ${city}`)}@${PHARMACY_MAIL_DOMAIN}`;
  return {
    finess: finessWithKey(body),
    legalFiness: finessWithKey(legalBody),
    name,
    address: street,
    postcode,
    city,
    departement,
    phone,
    openingHours: hours,
    mailbox: box === '-' ? null : { address, published: box === 'P' },
  };
}

/** The demo pharmacies; the first one is the demo pharmacists' pharmacy. */
export const PHARMACIES: readonly PharmacyRecord[] = PHARMACY_TABLE.trim().split('\n').map(pharmacy);

const words = (text: string): readonly string[] => text.split(',').map((w) => w.trim());

export const GIVEN_NAMES_F = words(
  'Camille, Léa, Manon, Chloé, Emma, Inès, Jade, Louise, Sarah, Juliette, Anne, Marie, Nathalie, Isabelle, ' +
    'Sophie, Céline, Sandrine, Valérie, Monique, Françoise, Jeanne, Maëva, Nadia, Fatima, Élodie, Aurélie, ' +
    'Hélène, Chantal, Marie-Claire, Anne-Sophie',
);

export const GIVEN_NAMES_M = words(
  'Lucas, Hugo, Louis, Gabriel, Arthur, Jules, Nathan, Thomas, Nicolas, Julien, Pierre, Jean, Philippe, ' +
    'Michel, Alain, Patrick, Christophe, Stéphane, Laurent, Éric, Mathis, Karim, Mehdi, Yanis, Antoine, Paul, ' +
    'Bernard, Gérard, Jean-Baptiste, Pierre-Antoine',
);

export const FAMILY_NAMES = words(
  'Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, Michel, ' +
    'Lefèvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine, ' +
    'Rousseau, Vincent, Muller, Faure, André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, Santoni, ' +
    'Rossi, Payet, Hoarau, Grondin, Jean-Baptiste, Benali, Haddad, Nguyen, Garcia, Da Silva, Le Gall, ' +
    'Kerjean, Schmitt, Lopez',
);

export type BirthplaceArea = 'metropole' | 'corse' | 'outre-mer' | 'etranger';

export interface Birthplace {
  /** 5-character INSEE code as written in the NIR: commune, or `99` + country code. */
  code: string;
  label: string;
  area: BirthplaceArea;
}

/** `code label` pairs separated by `;`. Paris, Lyon and Marseille births carry the arrondissement. */
const BIRTHPLACE_TABLE: Record<BirthplaceArea, string> = {
  metropole: `75112 Paris 12e; 75115 Paris 15e; 75118 Paris 18e; 69383 Lyon 3e; 13201 Marseille 1er;
    13208 Marseille 8e; 59350 Lille; 59512 Roubaix; 33063 Bordeaux; 67482 Strasbourg; 31555 Toulouse;
    44109 Nantes; 35238 Rennes; 06088 Nice; 34172 Montpellier; 13001 Aix-en-Provence; 87085 Limoges;
    63113 Clermont-Ferrand; 29019 Brest; 76540 Rouen; 37261 Tours; 21231 Dijon; 15014 Aurillac;
    48095 Mende; 23096 Guéret; 46102 Figeac; 04070 Digne-les-Bains; 92050 Nanterre; 93066 Saint-Denis;
    94028 Créteil; 78646 Versailles; 54395 Nancy; 57463 Metz; 51454 Reims; 80021 Amiens; 86194 Poitiers;
    64445 Pau; 38185 Grenoble; 42218 Saint-Étienne`,
  corse: '2A004 Ajaccio; 2A247 Porto-Vecchio; 2B033 Bastia; 2B096 Corte',
  'outre-mer': `97101 Les Abymes; 97120 Pointe-à-Pitre; 97105 Basse-Terre; 97209 Fort-de-France;
    97302 Cayenne; 97411 Saint-Denis (La Réunion); 97416 Saint-Pierre (La Réunion); 97611 Mamoudzou`,
  etranger: `99109 Allemagne; 99131 Belgique; 99134 Espagne; 99127 Italie; 99139 Portugal;
    99132 Royaume-Uni; 99350 Maroc; 99352 Algérie; 99351 Tunisie; 99341 Sénégal`,
};

export const BIRTHPLACES: Readonly<Record<BirthplaceArea, readonly Birthplace[]>> = {
  metropole: birthplaces('metropole'),
  corse: birthplaces('corse'),
  'outre-mer': birthplaces('outre-mer'),
  etranger: birthplaces('etranger'),
};

function birthplaces(area: BirthplaceArea): Birthplace[] {
  return BIRTHPLACE_TABLE[area].split(';').map((entry) => {
    const text = entry.trim();
    return { code: text.slice(0, 5), label: text.slice(6), area };
  });
}

/** Every birthplace, all areas together. */
export const ALL_BIRTHPLACES: readonly Birthplace[] = Object.values(BIRTHPLACES).flat();
