"""English->French sentence pairs: a deterministic generator (pyrealb) and readers for user data.

No conversational En-Fr corpus ships offline, so the default corpus is *generated*: one abstract
sentence (subject, verb, object, adjectives, relative clause, place, time, tense, negation,
question, coordination) is drawn at random and realised twice by ``pyrealb``, once with the
English lexicon and once with the French one. pyrealb does the grammar (agreement, elision,
conjugation, French adjective order, "à le" -> "au"), the bilingual lexicon below the words.
Coordinated clauses and relative clauses make sentences of up to ~35 words, so the plain
encoder-decoder's long-sentence problem shows.

The default training corpus is ``data/translation/pairs.tsv.gz`` (prepared by
``scripts/prepare_translation_sources.py``: human translations of game dialogue, Bible verses,
Tux Paint stamp captions and a dictionary, each already split into train / dev / test; see
``data/translation/PROVENANCE.md``); ``read_prepared`` reads it by source and split.

Users with real data train on it: ``read_pairs`` accepts the Tatoeba/Anki ``fra.txt`` format
(``English<TAB>French<TAB>attribution``) and a plain two-column TSV. ``corpus`` is what training
reads: the user's file, or the generated corpus cached under ``build/translation/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
from dataclasses import dataclass
from pathlib import Path

from rnnkit import ROOT
from rnnkit.core.text import tokenize

GENERATOR_VERSION = 1
PREPARED = ROOT / "data" / "translation" / "pairs.tsv.gz"
EVERYDAY = ROOT / "data" / "translation" / "everyday.tsv"
SPLITS = ("train", "dev", "test")

# ---------------------------------------------------------------------------------------------
# The bilingual lexicon: "english french" pairs, grouped by what they can be the object of.
NOUNS = {
    "person": """man homme|woman femme|boy garçon|girl fille|child enfant|friend ami|teacher professeur|
        doctor médecin|student étudiant|brother frère|sister sœur|father père|mother mère|neighbour voisin|
        farmer fermier|baker boulanger|king roi|queen reine|driver chauffeur|singer chanteur|cook cuisinier|
        lawyer avocat|worker ouvrier|baby bébé|uncle oncle|aunt tante|son fils|husband mari|wife épouse|
        writer écrivain|artist artiste|soldier soldat|pilot pilote|waiter serveur|guest invité|
        tourist touriste|player joueur|dancer danseur|painter peintre|cousin cousin|person personne""",
    "animal": """dog chien|cat chat|horse cheval|bird oiseau|cow vache|mouse souris|fish poisson|rabbit lapin|
        sheep mouton|lion lion|bear ours|wolf loup|pig cochon|duck canard|monkey singe|elephant éléphant|
        snake serpent|fox renard|hen poule|frog grenouille|goat chèvre|tiger tigre""",
    "food": """apple pomme|bread pain|cake gâteau|cheese fromage|egg œuf|orange orange|soup soupe|meat viande|
        pear poire|banana banane|carrot carotte|tomato tomate|sandwich sandwich|pie tarte|cookie biscuit|
        salad salade|chocolate chocolat|strawberry fraise|lemon citron|pizza pizza|onion oignon|
        cherry cerise|peach pêche""",
    "drink": """milk lait|coffee café|tea thé|water eau|wine vin|juice jus|beer bière""",
    "readable": """book livre|letter lettre|newspaper journal|story histoire|map carte|magazine magazine|
        poem poème|message message|novel roman|report rapport""",
    "thing": """car voiture|table table|chair chaise|door porte|window fenêtre|bag sac|hat chapeau|
        shirt chemise|dress robe|shoe chaussure|key clé|phone téléphone|computer ordinateur|photo photo|
        flower fleur|tree arbre|ball ballon|bike vélo|boat bateau|train train|plane avion|clock horloge|
        lamp lampe|pen stylo|pencil crayon|cup tasse|glass verre|plate assiette|knife couteau|box boîte|
        gift cadeau|song chanson|game jeu|film film|ticket billet|watch montre|bed lit|
        umbrella parapluie|coat manteau|ring bague|mirror miroir|bottle bouteille|basket panier|
        stone pierre|flag drapeau|painting tableau|bottle bouteille|piano piano|guitar guitare|
        camera appareil|wallet portefeuille|jacket veste|towel serviette""",
    "place": """garden jardin|park parc|kitchen cuisine|school école|market marché|city ville|village village|
        forest forêt|beach plage|station gare|church église|hospital hôpital|restaurant restaurant|
        library bibliothèque|museum musée|office bureau|shop magasin|street rue|river rivière|
        mountain montagne|field champ|farm ferme|house maison|room chambre|bank banque|hotel hôtel|
        airport aéroport|bridge pont|lake lac|sea mer|island île|castle château|theatre théâtre|
        cinema cinéma|zoo zoo|country pays|world monde|road route|square place|town ville""",
    "abstract": """culture culture|music musique|trip voyage|idea idée|language langue|question question|
        answer réponse|problem problème|lesson leçon|party fête|dinner dîner|lunch déjeuner|meal repas|
        work travail|plan plan|news nouvelle|joke blague|dream rêve|truth vérité|history histoire|
        exam examen|holiday congé|city ville""",
}

# Adjectives: which noun groups they describe sensibly.
ADJECTIVES = {
    "any": """small petit|big grand|old vieux|new nouveau|beautiful beau|pretty joli|good bon|bad mauvais|
        strange étrange|famous célèbre|wonderful merveilleux|nice sympathique|different différent|
        young jeune|huge énorme|tiny minuscule""",
    "animate": """happy heureux|sad triste|tired fatigué|hungry affamé|rich riche|strong fort|kind gentil|
        clever intelligent|funny drôle|quiet calme|lazy paresseux|busy occupé|angry fâché|brave courageux|
        shy timide|proud fier|polite poli|wild sauvage|sick malade|thin mince""",
    "thing": """red rouge|blue bleu|green vert|white blanc|black noir|yellow jaune|grey gris|brown brun|
        pink rose|long long|short court|heavy lourd|expensive cher|dirty sale|empty vide|dark sombre|
        modern moderne|dangerous dangereux|round rond|broken cassé|light léger|useful utile""",
    "food": """delicious délicieux|fresh frais|hot chaud|cold froid|sweet sucré|green vert|red rouge|
        big grand|small petit""",
    "abstract": """interesting intéressant|boring ennuyeux|difficult difficile|easy facile|important important|
        simple simple|long long|short court|wonderful merveilleux|strange étrange|good bon|bad mauvais|
        new nouveau|great grand""",
}

# Transitive verbs and the noun groups their objects come from.
TRANSITIVE = {
    "see voir": "person animal thing place",
    "like aimer": "person animal food drink thing place readable abstract",
    "love adorer": "person animal food drink thing place readable abstract",
    "hate détester": "food drink thing abstract readable",
    "want vouloir": "food drink thing readable animal",
    "buy acheter": "food drink thing readable animal",
    "sell vendre": "food thing readable animal",
    "eat manger": "food",
    "drink boire": "drink",
    "cook cuisiner": "food",
    "read lire": "readable",
    "write écrire": "readable",
    "find trouver": "thing animal person readable",
    "lose perdre": "thing readable",
    "take prendre": "thing food readable",
    "bring apporter": "thing food drink readable",
    "carry porter": "thing",
    "open ouvrir": "thing",
    "close fermer": "thing",
    "wash laver": "thing animal",
    "clean nettoyer": "thing place",
    "paint peindre": "thing place",
    "draw dessiner": "thing animal person place",
    "watch regarder": "person animal thing",
    "hear entendre": "person animal",
    "help aider": "person",
    "call appeler": "person animal",
    "visit visiter": "place",
    "meet rencontrer": "person",
    "follow suivre": "person animal",
    "know connaître": "person place readable",
    "forget oublier": "thing readable abstract",
    "hide cacher": "thing food readable",
    "break casser": "thing",
    "repair réparer": "thing",
    "use utiliser": "thing",
    "prefer préférer": "food drink thing place abstract",
    "enjoy apprécier": "food drink place abstract readable",
    "feed nourrir": "animal person",
    "learn apprendre": "abstract",
    "leave quitter": "place person",
    "choose choisir": "thing food readable",
    "catch attraper": "animal thing",
    "push pousser": "thing",
    "keep garder": "thing readable animal",
    "order commander": "food drink",
    "finish finir": "food drink readable abstract",
    "describe décrire": "person animal thing place",
    "build construire": "thing place",
    "understand comprendre": "person abstract readable",
    "explain expliquer": "abstract",
    "prepare préparer": "food drink abstract",
    "discover découvrir": "place abstract readable",
    "admire admirer": "person place thing",
    "answer répondre": "",
}
INTRANSITIVE = """sleep dormir|run courir|walk marcher|work travailler|sing chanter|dance danser|laugh rire|
    cry pleurer|smile sourire|swim nager|arrive arriver|leave partir|wait attendre|play jouer|
    travel voyager|speak parler|listen écouter|jump sauter|fall tomber|win gagner|study étudier|
    shout crier|eat manger|read lire|write écrire|cook cuisiner|rest reposer|return revenir"""
# Movement verbs: "go to the X" / "aller à le X" (pyrealb contracts "au").
MOTION = {"go aller": ("to", "à"), "come venir": ("from", "de"), "return retourner": ("to", "à"),
          "run courir": ("to", "à"), "walk marcher": ("to", "à"), "drive conduire": ("to", "à")}
LOCATIVE = [("in", "dans"), ("behind", "derrière"), ("near", "près de"), ("at", "à")]
COMPANION = ("with", "avec")
COUNTRIES = """Africa Afrique|France France|Italy Italie|Spain Espagne|Germany Allemagne|England Angleterre|
    China Chine|Belgium Belgique|Switzerland Suisse|Russia Russie|India Inde|Greece Grèce|Australia Australie"""
MONTHS = """January janvier|February février|March mars|April avril|May mai|June juin|July juillet|
    August août|September septembre|October octobre|November novembre|December décembre"""
# Time adverbials by English tense: (english, french).
TIMES = {
    "p": [("today", "aujourd'hui"), ("every day", "chaque jour"), ("every morning", "chaque matin"),
          ("tonight", "ce soir"), ("now", "maintenant"), ("every week", "chaque semaine")],
    "ps": [("yesterday", "hier"), ("last week", "la semaine dernière"), ("last year", "l'année dernière"),
           ("this morning", "ce matin"), ("last night", "hier soir"), ("last month", "le mois dernier")],
    "f": [("tomorrow", "demain"), ("next week", "la semaine prochaine"), ("next year", "l'année prochaine"),
          ("tonight", "ce soir"), ("soon", "bientôt"), ("next month", "le mois prochain")],
}
# Names are deliberately kept out of the vocabulary: they become <unk> on both sides, so the
# model learns to align <unk> with <unk> and the page copies the name back through attention.
NAMES = {"f": "Jane Mary Anna Sophie Emma Julie Alice Claire Laura Sarah Lucy Helen Nina Olivia",
         "m": "Paul Thomas Lucas Louis Marc Peter David Daniel Simon Hugo Victor Adam Oscar Leo"}
# French adjectives that go before the noun; two adjectives are drawn as one of these + one after.
PRENOMINAL = {"petit", "grand", "vieux", "nouveau", "beau", "joli", "bon", "mauvais", "jeune"}
SUBJECT_PRONOUNS = [  # (person, number, gender) ; "you" is always the French "vous"
    (1, "s", "m"), (2, "p", "m"), (3, "s", "m"), (3, "s", "f"), (1, "p", "m"), (3, "p", "m"), (3, "p", "f")]


def _pairs(block: str) -> list[tuple[str, str]]:
    return [tuple(item.split()) for item in block.replace("\n", " ").split("|") if item.strip()]


def name_tokens() -> set[str]:
    return {tokenize(n)[0] for group in NAMES.values() for n in group.split()}


def bilingual_dictionary() -> dict[str, str]:
    """English lemma -> French lemma for every word of the lexicon (used for unk replacement)."""
    table = {}
    for block in list(NOUNS.values()) + list(ADJECTIVES.values()) + [COUNTRIES, MONTHS, INTRANSITIVE]:
        for en, fr in _pairs(block):
            table.setdefault(en.lower(), fr.lower())
    for key in list(TRANSITIVE) + list(MOTION):
        en, fr = key.split()
        table.setdefault(en, fr)
    return table


# ---------------------------------------------------------------------------------------------
# The abstract sentence and its two realisations.
@dataclass
class _Lexicon:
    nouns: dict          # group -> [(en, fr)]
    adjectives: dict     # group -> [(en, fr)]
    transitive: list     # [(en, fr, [groups])]
    intransitive: list
    motion: list
    countries: list
    months: list
    names: list          # [(name, gender)]


def _lexicon() -> _Lexicon:
    nouns = {g: _pairs(b) for g, b in NOUNS.items()}
    adjectives = {g: _pairs(b) for g, b in ADJECTIVES.items()}
    transitive = [(*k.split(), v.split()) for k, v in TRANSITIVE.items() if v]
    names = [(n, g) for g, block in NAMES.items() for n in block.split()]
    return _Lexicon(nouns, adjectives, transitive, _pairs(INTRANSITIVE),
                    [(*k.split(), v) for k, v in MOTION.items()], _pairs(COUNTRIES), _pairs(MONTHS), names)


class _Builder:
    """Draws one abstract sentence with ``rng`` and returns pyrealb builders for both languages.

    Every draw is a plain Python value; ``en(...)`` / ``fr(...)`` turn the same draws into
    pyrealb constituents, so the two sentences always say the same thing.
    """

    def __init__(self, lex: _Lexicon, rng: random.Random):
        self.lex, self.rng = lex, rng

    # --- noun phrases -------------------------------------------------------------------------
    def noun_phrase(self, groups: list[str], depth: int, allow_relative: bool) -> dict:
        rng = self.rng
        group = rng.choice(groups)
        en, fr = rng.choice(self.lex.nouns[group])
        adjective_group = {"person": "animate", "animal": "animate", "food": "food", "drink": None,
                           "abstract": "abstract"}.get(group, "thing")
        adjectives = []
        if adjective_group and rng.random() < 0.45:
            pool = self.lex.adjectives[adjective_group] + (self.lex.adjectives["any"] if group != "abstract" else [])
            adjectives = [rng.choice(pool)]
            if rng.random() < 0.3 and group != "abstract":   # "a small red car" -> "une petite voiture rouge"
                before = rng.choice([a for a in self.lex.adjectives["any"] if a[1] in PRENOMINAL])
                after = rng.choice([a for a in pool if a[1] not in PRENOMINAL])
                adjectives = [before, after]
        determiner = rng.choices(["def", "indef", "dem", "poss1", "poss3"], [45, 25, 12, 10, 8])[0]
        number = "s" if group in ("drink",) or rng.random() < 0.72 else "p"
        if group in ("drink", "abstract") and determiner == "indef":
            determiner = "def"
        relative = None
        if allow_relative and depth > 0 and rng.random() < 0.5:
            relative = self.relative_clause(group, depth - 1)
        return {"noun": (en, fr), "group": group, "adjectives": adjectives, "det": determiner,
                "number": number, "owner_gender": rng.choice("mf"), "relative": relative}

    def relative_clause(self, group: str, depth: int) -> dict:
        animate = group in ("person", "animal")
        if animate and self.rng.random() < 0.6:
            verb = self.rng.choice([v for v in self.lex.transitive
                                    if set(v[2]) & {"food", "thing", "readable", "place"}])
        else:
            verb = self.rng.choice([v for v in self.lex.transitive if set(v[2]) & {"person", "animal", "thing"}]) \
                if animate else self.rng.choice(self.lex.transitive)
            if not animate:   # "the book that the man reads": the noun is the object
                subject = self.noun_phrase(["person"], 0, False)
                return {"kind": "object", "verb": verb, "subject": subject, "person": group == "person"}
        obj = self.noun_phrase(verb[2], depth, False)
        return {"kind": "subject", "verb": verb, "object": obj, "person": group == "person"}

    def np_en(self, np: dict, pyrealb):
        D, N, NP, A = pyrealb.D, pyrealb.N, pyrealb.NP, pyrealb.A
        det = {"def": D("the"), "indef": D("a"), "dem": D("this"), "poss1": D("my").pe(1),
               "poss3": D("my").pe(3).g(np["owner_gender"])}[np["det"]]
        parts = [det] + [A(a[0]) for a in np["adjectives"]] + [N(np["noun"][0])]
        if np["relative"]:
            parts.append(self.relative_en(np["relative"], pyrealb))
        return NP(*parts).n(np["number"])

    def np_fr(self, np: dict, pyrealb):
        D, N, NP, A = pyrealb.D, pyrealb.N, pyrealb.NP, pyrealb.A
        det = {"def": D("le"), "indef": D("un"), "dem": D("ce"), "poss1": D("mon").pe(1),
               "poss3": D("mon").pe(3)}[np["det"]]
        parts = [det] + [A(a[1]) for a in np["adjectives"]] + [N(np["noun"][1])]
        if np["relative"]:
            parts.append(self.relative_fr(np["relative"], pyrealb))
        return NP(*parts).n(np["number"])

    def relative_en(self, rel: dict, p):
        if rel["kind"] == "subject":
            return p.SP(p.Pro("who" if rel["person"] else "that"),
                        p.VP(p.V(rel["verb"][0]), self.np_en(rel["object"], p)))
        verb = p.V(rel["verb"][0]).n(rel["subject"]["number"])   # agree with the clause's own subject
        return p.SP(p.Pro("that"), self.np_en(rel["subject"], p), p.VP(verb))

    def relative_fr(self, rel: dict, p):
        if rel["kind"] == "subject":
            return p.SP(p.Pro("qui"), p.VP(p.V(rel["verb"][1]), self.np_fr(rel["object"], p)))
        return p.SP(p.Pro("que"), self.np_fr(rel["subject"], p), p.VP(p.V(rel["verb"][1])))

    # --- clauses ------------------------------------------------------------------------------
    def clause(self, depth: int, tense: str) -> dict:
        rng = self.rng
        kind = rng.choices(["pronoun", "name", "np"], [30, 12, 58])[0]
        if kind == "pronoun":
            subject = {"kind": "pronoun", "features": rng.choice(SUBJECT_PRONOUNS)}
        elif kind == "name":
            subject = {"kind": "name", "name": rng.choice(self.lex.names)}
        else:
            subject = {"kind": "np", "np": self.noun_phrase(["person", "person", "animal"], depth, True)}
        verb_kind = rng.choices(["transitive", "intransitive", "motion"], [60, 20, 20])[0]
        clause = {"subject": subject, "tense": tense, "verb_kind": verb_kind, "extras": []}
        if verb_kind == "transitive":
            clause["verb"] = rng.choice(self.lex.transitive)
            clause["object"] = self.noun_phrase(clause["verb"][2], depth, True)
        elif verb_kind == "intransitive":
            clause["verb"] = rng.choice(self.lex.intransitive)
        else:
            clause["verb"] = rng.choice(self.lex.motion)
            en_p, fr_p = clause["verb"][2]
            if rng.random() < 0.3 and en_p == "to":
                clause["destination"] = {"country": rng.choice(self.lex.countries)}
            else:
                clause["destination"] = {"np": self.noun_phrase(["place"], 0, False)}
        if rng.random() < 0.35 + 0.1 * depth:
            if rng.random() < 0.7:
                clause["extras"].append(("place", rng.choice(LOCATIVE), self.noun_phrase(["place"], 0, False)))
            else:
                clause["extras"].append(("with", COMPANION, self.noun_phrase(["person"], 0, False)))
        if rng.random() < 0.3:
            if tense == "ps" and rng.random() < 0.3:
                month = rng.choice(self.lex.months)
                clause["time"] = (f"last {month[0]}", f"en {month[1]} dernier")
            else:
                clause["time"] = rng.choice(TIMES[tense])
        return clause

    def subject_en(self, subject: dict, p):
        if subject["kind"] == "pronoun":
            person, number, gender = subject["features"]
            return p.Pro("I").pe(person).n("s" if person == 2 else number).g(gender)
        if subject["kind"] == "name":
            return p.NP(p.Q(subject["name"][0]))
        return self.np_en(subject["np"], p)

    def subject_fr(self, subject: dict, p):
        if subject["kind"] == "pronoun":
            person, number, gender = subject["features"]
            return p.Pro("je").pe(person).n(number).g(gender)
        if subject["kind"] == "name":
            return p.NP(p.Q(subject["name"][0])).g(subject["name"][1])
        return self.np_fr(subject["np"], p)

    def vp(self, clause: dict, p, lang: str):
        en = lang == "en"
        verb = clause["verb"]
        tense = clause["tense"] if en else {"p": "p", "ps": "pc", "f": "f"}[clause["tense"]]
        parts = [p.V(verb[0] if en else verb[1]).t(tense)]
        np = self.np_en if en else self.np_fr
        if clause["verb_kind"] == "transitive":
            parts.append(np(clause["object"], p))
        elif clause["verb_kind"] == "motion":
            preposition = verb[2][0] if en else verb[2][1]
            destination = clause["destination"]
            if "country" in destination:
                country = destination["country"]
                parts.append(p.PP(p.P("to"), p.NP(p.Q(country[0]))) if en else p.Q(f"en {country[1]}"))
            else:
                parts.append(p.PP(p.P(preposition), np(destination["np"], p)))
        for _, preposition, noun_phrase in clause["extras"]:
            if not en and preposition[1] == "près de":
                parts.append(p.Q("près"))
                parts.append(p.PP(p.P("de"), np(noun_phrase, p)))
            else:
                parts.append(p.PP(p.P(preposition[0] if en else preposition[1]), np(noun_phrase, p)))
        if clause.get("time"):
            parts.append(p.Q(clause["time"][0 if en else 1]))
        return p.VP(*parts)

    def sentence(self, clause: dict, p, lang: str):
        subject = self.subject_en if lang == "en" else self.subject_fr
        return p.S(subject(clause["subject"], p), self.vp(clause, p, lang))


def _draw(builder: _Builder, rng: random.Random) -> dict:
    """One abstract sentence: 1-3 clauses, each with a depth of embedding 0-2."""
    clauses = rng.choices([1, 2, 3], [55, 33, 12])[0]
    depth = rng.choices([0, 1, 2], [50, 35, 15])[0]
    tense = rng.choice(["p", "ps", "f"])
    drawn = [builder.clause(depth, tense if rng.random() < 0.7 else rng.choice(["p", "ps", "f"]))
             for _ in range(clauses)]
    kind = "declarative"
    if clauses == 1:
        kind = rng.choices(["declarative", "negative", "question"], [60, 22, 18])[0]
    else:
        for clause in drawn:
            clause["negative"] = rng.random() < 0.2
    conjunctions = [rng.choice([("and", "et"), ("but", "mais"), ("and", "et")]) for _ in range(clauses - 1)]
    return {"clauses": drawn, "kind": kind, "conjunctions": conjunctions}


def _realise(builder: _Builder, draw: dict, p, lang: str) -> str:
    (p.loadEn if lang == "en" else p.loadFr)()
    sentences = []
    for clause in draw["clauses"]:
        sentence = builder.sentence(clause, p, lang)
        if clause.get("negative"):
            sentence = sentence.typ({"neg": True})
        sentences.append(sentence)
    if len(sentences) == 1:
        sentence = sentences[0]
        if draw["kind"] == "negative":
            sentence = sentence.typ({"neg": True})
        elif draw["kind"] == "question":
            sentence = sentence.typ({"int": "yon"})
        return sentence.realize().strip()
    conjunction = draw["conjunctions"][0][0 if lang == "en" else 1]
    text = p.CP(p.C(conjunction), *sentences).realize().strip()
    if len(sentences) == 3 and draw["conjunctions"][1] != draw["conjunctions"][0]:
        pass   # CP uses one conjunction for all parts; fine and grammatical
    return text[:1].upper() + text[1:] + "."


CHUNK = 1000


def generate_chunk(seed: int, index: int, size: int = CHUNK) -> list[tuple[str, str]]:
    """The ``index``-th chunk of ``size`` drawn pairs (duplicates and rejects not yet removed)."""
    import pyrealb
    rng = random.Random(seed * 100_003 + index)
    builder = _Builder(_lexicon(), rng)
    pairs = []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for _ in range(size):
            draw = _draw(builder, rng)
            try:
                en = _realise(builder, draw, pyrealb, "en")
                fr = _realise(builder, draw, pyrealb, "fr")
            except Exception:   # pyrealb rejects a rare combination: skip it
                continue
            if "[[" not in en and "[[" not in fr:   # [[word]] = not in pyrealb's lexicon
                pairs.append((en, fr))
    return pairs


def generate_pairs(n: int, seed: int = 0, workers: int = 1) -> list[tuple[str, str]]:
    """``n`` distinct (English, French) sentence pairs, the same for the same ``(n, seed)``
    whatever ``workers`` is (chunks are seeded by their index and merged in order)."""
    pairs, seen, index = [], set(), 0
    size = min(CHUNK, max(20, n))
    while len(pairs) < n:
        wanted = max(1, workers) * 2
        indices = range(index, index + wanted)
        if workers > 1:
            from concurrent.futures import ProcessPoolExecutor
            with ProcessPoolExecutor(workers) as pool:
                chunks = list(pool.map(generate_chunk, [seed] * wanted, indices, [size] * wanted))
        else:
            chunks = [generate_chunk(seed, i, size) for i in indices]
        index += wanted
        for chunk in chunks:
            for en, fr in chunk:
                if en not in seen and len(pairs) < n:
                    seen.add(en)
                    pairs.append((en, fr))
        if index > 4 * n / size + 10:
            break
    return pairs


# ---------------------------------------------------------------------------------------------
# Reading user data and splitting.
def read_pairs(path: str | Path, max_pairs: int = 0) -> list[tuple[str, str]]:
    """Pairs from a Tatoeba/Anki ``fra.txt`` (3 tab-separated columns) or a 2-column TSV.

    Raises ValueError with a sentence when the file is not in either format.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"no such file: {path}")
    pairs, bad = [], 0
    with open(path, encoding="utf-8", errors="strict") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            columns = line.split("\t")
            if len(columns) < 2 or not columns[0].strip() or not columns[1].strip():
                bad += 1
                if bad > 10 and bad > len(pairs):
                    raise ValueError(f"{path} is not a tab-separated English<TAB>French file "
                                     f"(line {number}: {line[:60]!r})")
                continue
            if number == 1 and columns[0].strip().lower() in ("english", "en", "source", "src"):
                continue   # a header row
            pairs.append((columns[0].strip(), columns[1].strip()))
            if max_pairs and len(pairs) >= max_pairs:
                break
    if not pairs:
        raise ValueError(f"{path} holds no English<TAB>French pairs")
    return pairs


def read_prepared(sources: str, path: str | Path = PREPARED) -> dict[str, list[tuple[str, str, str]]]:
    """The prepared corpus by split: ``{"train": [(en, fr, source), ...], "dev": ..., "test": ...}``.

    ``sources`` is a comma-separated list of the file's ``source`` column (``games,bible,...``); a
    source the file lacks is an error that names the ones it has.
    """
    import pandas as pd

    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, compression="gzip")
    wanted = [name.strip() for name in sources.split(",") if name.strip()]
    missing = sorted(set(wanted) - set(frame["source"]))
    if missing:
        raise ValueError(f"{Path(path).name} has no source {missing}; it has {sorted(set(frame['source']))}")
    frame = frame[frame["source"].isin(wanted)]
    return {split: list(zip(part["en"], part["fr"], part["source"]))
            for split, part in ((s, frame[frame["split"] == s]) for s in SPLITS)}


def read_everyday(path: str | Path = EVERYDAY) -> list[tuple[str, str, str]]:
    """The hand-written everyday test set: (english, french, category); never trained or tuned on."""
    import pandas as pd

    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return list(zip(frame["english"], frame["french"], frame["category"]))


def dictionary_from_pairs(pairs, direction: str = "en-fr") -> dict[str, str]:
    """One-word (source, target) pairs -> a word-for-word dictionary (first translation kept)."""
    table: dict[str, str] = {}
    for en, fr, *_ in pairs:
        source, target = (en, fr) if direction == "en-fr" else (fr, en)
        source_words, target_words = tokenize(source), tokenize(target)
        if len(source_words) == 1 and target_words:
            table.setdefault(source_words[0], " ".join(target_words))
    return table


def split_pairs(pairs: list[tuple[str, str]], dev: int, test: int, seed: int):
    """Shuffle and split by distinct English sentence, so no test sentence is seen in training."""
    unique = list(dict.fromkeys(pairs))
    by_source: dict[str, list] = {}
    for pair in unique:
        by_source.setdefault(pair[0].lower(), []).append(pair)
    sources = sorted(by_source)
    random.Random(seed).shuffle(sources)
    def take(keys):
        return [pair for key in keys for pair in by_source[key]]
    return take(sources[dev + test:]), take(sources[:dev]), take(sources[dev:dev + test])


def corpus_fingerprint(pairs: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for en, fr in pairs:
        digest.update(f"{en}\t{fr}\n".encode())
    return digest.hexdigest()


def corpus(path: str, pairs: int, seed: int, workers: int = 1) -> tuple[list[tuple[str, str]], dict]:
    """The pairs and their provenance: the user's file ``path``, or the generated corpus (cached in build/)."""
    if path:
        read = read_pairs(path, pairs)
        return read, {"source": f"user file {Path(path).name} ({len(read)} pairs)", "sha256": corpus_fingerprint(read)}
    folder = ROOT / "build" / "translation"
    cache = folder / f"corpus-v{GENERATOR_VERSION}-seed{seed}-n{pairs}.tsv"
    # Chunks of 1,000 are seeded by their index, so a larger corpus starts with a smaller one.
    larger = [file for file in folder.glob(f"corpus-v{GENERATOR_VERSION}-seed{seed}-n*.tsv")
              if int(file.stem.rsplit("-n", 1)[1]) >= pairs >= CHUNK]
    if cache.exists() or larger:
        text = (cache if cache.exists() else larger[0]).read_text(encoding="utf-8")
        generated = [tuple(line.split("\t")) for line in text.splitlines()][:pairs]
    else:
        generated = generate_pairs(pairs, seed, workers)
        _cache_pairs(cache, generated)
    import pyrealb
    return generated, {"source": f"generated with pyrealb {getattr(pyrealb, '__version__', '3.3.1')} "
                                 f"(rnnkit/translation/data.py v{GENERATOR_VERSION}, seed {seed}, "
                                 f"{len(generated)} distinct pairs); lexicons CC-BY-SA-4.0",
                       "sha256": corpus_fingerprint(generated)}


def _cache_pairs(path: Path, pairs: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{en}\t{fr}\n" for en, fr in pairs), encoding="utf-8")
