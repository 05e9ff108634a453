"""English->French sentence pairs: a deterministic generator (pyrealb) and readers for user data.

No conversational En-Fr corpus ships offline, so a corpus is *generated*: one abstract sentence is
drawn at random and realised twice by ``pyrealb``, once with the English lexicon and once with the
French one. pyrealb does the grammar (agreement, elision, conjugation, French adjective order and
clitic pronouns, "à le" -> "au", inversion in questions), the bilingual lexicon below the words.

Generator v2 (``GENERATOR_VERSION``) draws the kinds in ``EVERYDAY_KINDS``: v1's clauses (subject,
verb, object, adjectives, relative clause, place, time, tense, negation, yes/no question,
coordination: up to ~35 words, so the plain encoder-decoder's long-sentence problem shows) and the
short sentences of everyday classroom English that v1 cannot say: "The cat is black." (copula with
an adjective, a job or a place), "I am hungry." / "J'ai faim.", "I have two brothers.", "There is a
book on the table.", "Can you help me?", "Do you want to sing with me?", "Open the door, please.",
"Where does she live?", "I see her." / "Je la vois.", "It is raining.", "I am twelve years old.".
"you" is French "vous" or "tu", the same all through a sentence.

The default training corpus is ``data/translation/pairs.tsv.gz`` (prepared by
``scripts/prepare_translation_sources.py``: human translations of game dialogue, Bible verses,
Tux Paint stamp captions and a dictionary, each already split into train / dev / test; see
``data/translation/PROVENANCE.md``); ``read_prepared`` reads it by source and split, and adds the
source ``generated`` (not in the file) from the generator, split by the same sha1 rule.

Users with real data train on it: ``read_pairs`` accepts the Tatoeba/Anki ``fra.txt`` format
(``English<TAB>French<TAB>attribution``) and a plain two-column TSV. ``corpus`` is what training
reads without sources: the user's file, or the generated corpus cached under ``build/translation/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

from rnnkit import ROOT
from rnnkit.core.text import tokenize

GENERATOR_VERSION = 2
PREPARED = ROOT / "data" / "translation" / "pairs.tsv.gz"
EVERYDAY = ROOT / "data" / "translation" / "everyday.tsv"
SPLITS = ("train", "dev", "test")

# ---------------------------------------------------------------------------------------------
# The bilingual lexicon: "english french" pairs, grouped by what they can be the object of.
NOUNS = {
    "person": """man homme|woman femme|boy garçon|girl fille|child enfant|friend ami|teacher professeur|
        doctor médecin|student étudiant|brother frère|sister sœur|father père|mother mère|neighbour voisin|
        farmer fermier|baker boulanger|king roi|queen reine|driver chauffeur|singer chanteur|cook cuisinier|
        lawyer avocat|worker ouvrier|baby bébé|uncle oncle|aunt tante|son fils|husband mari|wife femme|
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
        modern moderne|dangerous dangereux|round rond|light léger|useful utile""",
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
    shout crier|eat manger|read lire|write écrire|cook cuisiner|return revenir"""
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


# ---------------------------------------------------------------------------------------------
# Generator v2: everyday classroom English. More words, grouped as above, and sentence kinds that
# v1 cannot say (copula, have, there is, modals, want + infinitive, imperatives, wh-questions...).
EVERYDAY_NOUNS = {
    "person": """daughter fille|pupil élève|classmate camarade|
        parent parent|family famille|nurse infirmier|policeman policier|engineer ingénieur|
        nephew neveu|niece nièce|boss patron|visitor visiteur|stranger étranger|adult adulte|kid gamin|
        child enfant|team équipe|manager directeur|actor acteur|musician musicien|student élève""",
    "job": """doctor médecin|teacher professeur|student étudiant|nurse infirmier|engineer ingénieur|
        farmer fermier|baker boulanger|cook cuisinier|lawyer avocat|writer écrivain|artist artiste|
        pilot pilote|waiter serveur|singer chanteur|dancer danseur|painter peintre|driver chauffeur|
        policeman policier|journalist journaliste|dentist dentiste|pupil élève|actor acteur|
        musician musicien|secretary secrétaire|mechanic mécanicien|soldier soldat|worker ouvrier|
        architect architecte|scientist scientifique|photographer photographe|butcher boucher|
        postman facteur|gardener jardinier|plumber plombier|carpenter charpentier""",
    "animal": """cow vache|insect insecte|spider araignée|bee abeille|butterfly papillon|whale baleine|
        dolphin dauphin|shark requin|turtle tortue|owl hibou|parrot perroquet|donkey âne|camel chameau|
        giraffe girafe|zebra zèbre|kangaroo kangourou|squirrel écureuil|deer cerf|chicken poulet|
        puppy chiot|kitten chaton|ant fourmi|fly mouche|penguin manchot""",
    "food": """rice riz|butter beurre|sugar sucre|salt sel|pepper poivre|
        ham jambon|chicken poulet|fruit fruit|vegetable légume|grape raisin|plum prune|
        melon melon|pineapple ananas|bean haricot|pea pois|cucumber concombre|mushroom champignon|
        honey miel|jam confiture|yogurt yaourt|sausage saucisse|
        candy bonbon|biscuit biscuit|omelette omelette|noodle nouille|
        garlic ail|lettuce laitue|pumpkin citrouille|dessert dessert|snack goûter|flour farine|
        cereal céréale|corn maïs|nut noix|tart tarte|ice glace""",
    "drink": """lemonade limonade|soda soda|cocoa cacao""",
    "readable": """dictionary dictionnaire|notebook cahier|textbook manuel|page page|word mot|sentence phrase|
        exercise exercice|text texte|list liste|note note|comic bande|card carte|email courriel|
        recipe recette|article article|diary journal|timetable horaire|form formulaire|label étiquette|
        homework devoir|essay rédaction|test test|chapter chapitre""",
    "thing": """desk bureau|board tableau|ruler règle|eraser gomme|
        paper papier|sheet feuille|crayon crayon|glue colle|calculator calculatrice|
        television télévision|radio radio|sofa canapé|wardrobe armoire|shelf étagère|fridge frigo|
        oven four|cupboard placard|carpet tapis|curtain rideau|pillow oreiller|blanket couverture|
        spoon cuillère|fork fourchette|bowl bol|pot pot|pan poêle|toy jouet|doll poupée|
        skirt jupe|sock chaussette|boot botte|glove gant|scarf écharpe|
        tie cravate|belt ceinture|cap casquette|pyjamas pyjama|uniform uniforme|bus bus|truck camion|
        taxi taxi|motorbike moto|ship navire|helicopter hélicoptère|bicycle bicyclette|
        tablet tablette|screen écran|keyboard clavier|printer imprimante|ladder échelle|brush brosse|
        soap savon|toothbrush brosse|candle bougie|wheel roue|envelope enveloppe|stamp timbre|
        coin pièce|banknote billet|suitcase valise|tent tente|rope corde|hammer marteau|
        newspaper journal|present cadeau|picture image|drum tambour|violin violon|flute flûte|
        leaf feuille|flower fleur|plant plante|rose rose|seat siège|wall mur|floor sol|
        roof toit|stair escalier|gate portail|fence clôture|light lumière|button bouton|bell cloche|
        balloon ballon|trumpet trompette|necklace collier|earring boucle|
        purse porte-monnaie|lock serrure""",
    "place": """classroom classe|playground cour|gym gymnase|canteen cantine|university université|
        college collège|bakery boulangerie|pharmacy pharmacie|supermarket supermarché|
        pool piscine|stadium stade|bedroom chambre|living salon|garage garage|
        attic grenier|cellar cave|hall couloir|flat appartement|apartment appartement|building immeuble|
        farm ferme|desert désert|valley vallée|hill colline|countryside campagne|port port|
        harbour port|island île|coast côte|capital capitale|corner coin|centre centre|
        bar bar|factory usine|prison prison|palace palais|
        embassy ambassade|airport aéroport|club club|hospital hôpital|camp camp|jungle jungle|
        ocean océan|north nord|south sud|east est|west ouest|bus bus|car voiture|train train""",
    "abstract": """lesson leçon|class cours|homework devoir|exam examen|test test|course cours|
        science science|geography géographie|art art|sport sport|football football|tennis tennis|
        grammar grammaire|vocabulary vocabulaire|spelling orthographe|
        English anglais|French français|German allemand|Spanish espagnol|Italian italien|
        weather temps|rain pluie|snow neige|wind vent|sun soleil|cloud nuage|storm orage|fog brouillard|
        birthday anniversaire|morning matin|afternoon après-midi|evening soir|night nuit|
        noon midi|midnight minuit|hour heure|minute minute|second seconde|moment moment|time temps|
        day jour|week semaine|month mois|year année|season saison|spring printemps|summer été|
        autumn automne|winter hiver|money argent|help aide|advice conseil|information information|
        explanation explication|example exemple|mistake erreur|rule règle|result résultat|
        grade note|meeting réunion|break pause|concert concert|match match|
        film film|show spectacle|picnic pique-nique|journey voyage|visit visite|
        health santé|life vie|love amour|peace paix|fun amusement|noise bruit|silence silence|
        homework devoir|friendship amitié|game partie|lunch déjeuner|supper souper""",
}
BODY = """head tête|hair cheveu|ear oreille|nose nez|mouth bouche|tooth dent|tongue langue|face visage|
    neck cou|shoulder épaule|arm bras|hand main|finger doigt|leg jambe|knee genou|foot pied|toe orteil|
    back dos|stomach ventre|skin peau"""
EVERYDAY_ADJECTIVES = {
    "any": """little petit|nice gentil|lovely charmant|ugly laid|great formidable|fantastic fantastique|
        terrible terrible|normal normal|special spécial|real vrai|perfect parfait|excellent excellent|
        awful affreux|big gros|fat gros|tall grand|large large|enormous énorme""",
    "animate": """happy content|unhappy malheureux|glad content|angry furieux|nervous nerveux|calm calme|
        worried inquiet|
        single célibataire|
        beautiful beau|handsome beau|ugly laid|short petit|fat gros|
        slim mince|strong fort|weak faible|old âgé|young jeune|friendly aimable|nice gentil|rude impoli|
        honest honnête|generous généreux|curious curieux|careful prudent|patient patient|serious sérieux|
        stupid stupide|smart intelligent|intelligent intelligent|lucky chanceux|famous célèbre|poor pauvre|
        hardworking travailleur|jealous jaloux|afraid effrayé|
        cheerful gai|lonely solitaire|confident confiant|cute mignon|fit sportif""",
    "thing": """orange orange|purple violet|clean propre|full plein|
        open ouvert|new neuf|soft doux|hard dur|warm chaud|cold froid|hot chaud|wet mouillé|
        dry sec|wide large|narrow étroit|thick épais|thin fin|flat plat|square carré|deep profond|
        high haut|low bas|fast rapide|slow lent|quiet silencieux|noisy bruyant|comfortable confortable|
        beautiful beau|tidy rangé|ready prêt|free gratuit|safe sûr|close proche|
        sharp tranchant|smooth lisse|bright brillant|famous célèbre|small petit|big grand|
        old vieux|strange étrange|crowded bondé|busy animé|empty vide|large grand|pretty joli""",
    "food": """sour acide|salty salé|bitter amer|spicy épicé|tasty savoureux|ripe mûr|raw cru|
        warm chaud|good bon|bad mauvais|expensive cher|healthy sain|white blanc|
        yellow jaune|black noir|heavy lourd""",
    "abstract": """useful utile|useless inutile|hard dur|possible possible|impossible impossible|
        funny drôle|exciting passionnant|clear clair|true vrai|false faux|right juste|
        wrong faux|correct correct|necessary nécessaire|serious sérieux|quick rapide|slow lent|
        beautiful beau|nice agréable|pleasant agréable|terrible terrible|perfect parfait|strange bizarre|
        excellent excellent|popular populaire|dangerous dangereux|free gratuit|late tardif|early précoce""",
}
# French verbs that are reflexive when intransitive ("se reposer"): pyrealb would drop the "se".
REFLEXIVE = {"reposer", "asseoir", "lever", "dépêcher", "réveiller", "arrêter", "excuser", "promener", "laver"}
PREDICATIVE = """ready prêt|sorry désolé|alone seul|absent absent|present présent|ill malade|asleep endormi|
    awake éveillé|married marié|right juste|sure sûr|free libre|late retardé|tired fatigué|happy heureux|sad triste"""
# Generator v2's larger lexicon, every word in both pyrealb lexicons (checked by lexicon_coverage).
MORE_NOUNS = {
    "person": """
        grandson petit-fils|granddaughter petite-fille|twin jumeau|boyfriend copain|headmaster
        directeur|partner partenaire|hero héros|princess princesse|prince prince|president
        président|customer client|passenger passager|patient patient|owner propriétaire|leader
        chef|member membre|champion champion|winner gagnant|beginner débutant|expert expert|neighbor
        voisin|teenager adolescent|host hôte|chef chef|clown clown|cowboy cowboy|fireman pompier|sailor
        marin|fisherman pêcheur|hunter chasseur|judge juge|priest prêtre|thief voleur|wizard
        sorcier|ghost fantôme|giant géant|monster monstre|robot robot|author auteur|poet poète|reader
        lecteur|guide guide|coach entraîneur|referee arbitre|athlete athlète|runner
        coureur|swimmer nageur|climber grimpeur""",
    "job": """
        cashier caissier|vet vétérinaire|hairdresser coiffeur|shopkeeper commerçant|fireman
        pompier|sailor marin|fisherman pêcheur|judge juge|priest prêtre|guide guide|coach
        entraîneur|athlete athlète|author auteur|poet poète|chef chef|clown clown|banker
        banquier|accountant comptable|librarian bibliothécaire|pharmacist pharmacien|surgeon
        chirurgien|translator traducteur|programmer programmeur|designer dessinateur|tailor
        tailleur|salesman vendeur|guard gardien|astronaut astronaute|miner mineur|professor
        professeur|headmaster directeur|president président|captain capitaine""",
    "animal": """
        bull taureau|calf veau|lamb agneau|goose oie|swan cygne|eagle aigle|crow corbeau|pigeon
        pigeon|rat rat|hamster hamster|hedgehog hérisson|bat chauve-souris|worm ver|snail escargot|crab
        crabe|lobster homard|octopus pieuvre|seal phoque|mosquito moustique|beetle scarabée|crocodile
        crocodile|gorilla gorille|panda panda|leopard léopard|cheetah guépard|hippo hippopotame|rhino
        rhinocéros|ostrich autruche|peacock paon|lizard lézard|toad crapaud|sparrow moineau|robin
        rouge-gorge""",
    "food": """
        loaf miche|pancake crêpe|waffle gaufre|chip frite|olive olive|avocado avocat|apricot
        abricot|raspberry framboise|watermelon pastèque|kiwi kiwi|mango mangue|fig figue|date
        datte|almond amande|peanut cacahuète|walnut noix|spinach épinard|cabbage chou|cauliflower
        chou-fleur|broccoli brocoli|leek poireau|celery céleri|radish radis|turnip navet|lentil
        lentille|oil huile|vinegar vinaigre|mustard moutarde|sauce sauce|cream crème|custard crème|bacon
        lard|turkey dinde|lamb agneau|pork porc|veal veau|tuna thon|salmon saumon|trout truite|shrimp
        crevette|mussel moule|oyster huître|sweet bonbon|lollipop sucette|stew ragoût|quiche
        quiche|crepe crêpe|bun brioche|doughnut beignet""",
    "drink": """
        cider cidre|champagne champagne|syrup sirop|broth bouillon""",
    "readable": """
        tale conte|fable fable|legend légende|poster affiche|sign panneau|menu menu|bill facture|receipt
        reçu|invitation invitation|postcard carte|passport passeport|license permis|catalogue
        catalogue|brochure brochure|guide guide|atlas atlas|encyclopedia encyclopédie|script
        scénario|lyric parole|paragraph paragraphe|line ligne|verse vers|title titre|summary
        résumé|translation traduction|speech discours|lecture conférence|document
        document|file dossier|folder classeur|address adresse|name nom|number numéro""",
    "thing": """
        blackboard tableau|chalk craie|marker marqueur|sharpener taille-crayon|globe globe|microscope
        microscope|telescope télescope|magnet aimant|battery pile|bulb ampoule|switch interrupteur|plug
        prise|cable câble|wire fil|speaker haut-parleur|microphone micro|charger chargeur|alarm
        réveil|calendar calendrier|frame cadre|vase vase|statue statue|sculpture sculpture|jar bocal|can
        boîte|kettle bouilloire|teapot théière|mug tasse|tray plateau|napkin
        serviette|tablecloth nappe|sink évier|tap robinet|shower douche|bath bain|toilet toilette|comb
        peigne|razor rasoir|perfume parfum|lipstick rouge|medicine médicament|pill pilule|bandage
        pansement|needle aiguille|thread fil|pocket poche|sleeve manche|collar col|zip fermeture|heel
        talon|sandal sandale|slipper pantoufle|raincoat imperméable|blouse chemisier|vest gilet|suit
        costume|hood capuche|helmet casque|mask masque|crown couronne|sword épée|shield bouclier|gun
        fusil|arrow flèche|bow arc|tool outil|screw vis|nail clou|saw scie|axe hache|shovel pelle|bucket
        seau|hose tuyau|pipe tuyau|tube tube|brick brique|cement ciment|wood bois|metal métal|iron
        fer|gold or|silver argent|plastic plastique|cotton coton|wool laine|silk soie|leather
        cuir|rubber caoutchouc|stick bâton|log bûche|branch branche|root racine|seed graine|grass
        herbe|bush buisson|rock rocher|sand sable|shell coquillage|feather plume|nest nid|web toile|cage
        cage|fan ventilateur|heater radiateur|stove cuisinière|dishwasher lave-vaisselle|freezer
        congélateur|vacuum aspirateur|drawer tiroir|lid couvercle|handle poignée|cushion
        coussin|mattress matelas|cradle berceau|armchair fauteuil|bench banc|stool tabouret|bookcase
        bibliothèque|chandelier lustre|poster affiche|rug tapis|tile carreau|ceiling plafond|chimney
        cheminée|fireplace cheminée|balcony balcon|terrace terrasse|doorbell sonnette|mailbox
        boîte|parcel colis|package paquet|sticker autocollant|badge badge|medal médaille|trophy
        trophée|prize prix|racket raquette|bat batte|net filet|goal but|skateboard planche|ski
        ski|sledge luge|swing balançoire|slide toboggan|marble bille|dice dé|robot robot|van
        camionnette|tractor tracteur|tram tramway|subway métro|rocket fusée|canoe canoë|sail
        voile|anchor ancre|engine moteur|tyre pneu""",
    "place": """
        lab laboratoire|laboratory laboratoire|studio studio|gallery galerie|mall centre|store
        magasin|suburb banlieue|neighbourhood quartier|district quartier|avenue avenue|lane ruelle|path
        chemin|pavement trottoir|roundabout rond-point|motorway autoroute|highway autoroute|tunnel
        tunnel|platform quai|stop arrêt|cathedral cathédrale|temple temple|mosque mosquée|synagogue
        synagogue|cemetery cimetière|monument monument|ruin ruine|fountain fontaine|pond étang|stream
        ruisseau|waterfall cascade|cave grotte|volcano volcan|glacier glacier|cliff falaise|meadow
        prairie|orchard verger|vineyard vignoble|barn grange|stable écurie|nest nid|den tanière|aquarium
        aquarium|circus cirque|fair foire|festival festival|court tribunal|police police|nursery
        crèche|kindergarten maternelle|campus campus|dormitory dortoir|lounge salon|corridor
        couloir|staircase escalier|lift ascenseur|elevator ascenseur|basement sous-sol|loft grenier|shed
        cabane|hut hutte|cottage chalet|villa villa|mansion manoir|planet planète|moon lune|sky
        ciel|space espace|earth terre|continent continent|region région|province province|border
        frontière|shore rivage""",
    "abstract": """
        biology biologie|chemistry chimie|physics physique|drama théâtre|literature
        littérature|philosophy philosophie|economics économie|religion religion|algebra algèbre|geometry
        géométrie|arithmetic arithmétique|reading lecture|writing écriture|drawing dessin|singing
        chant|dancing danse|swimming natation|running course|rugby rugby|golf golf|hockey hockey|boxing
        boxe|judo judo|karate karaté|yoga yoga|gymnastics gymnastique|project projet|presentation
        présentation|debate débat|discussion discussion|conversation conversation|dialogue
        dialogue|interview entretien|competition concours|tournament tournoi|race course|victory
        victoire|defeat défaite|goal but|point point|mark note|level niveau|term trimestre|semester
        semestre|schedule programme|programme programme|topic sujet|subject matière|theme thème|opinion
        opinion|reason raison|thought pensée|memory mémoire|secret secret|surprise surprise|wish
        souhait|hope espoir|fear peur|anger colère|joy joie|happiness bonheur|sadness tristesse|pain
        douleur|illness maladie|fever fièvre|cough toux|headache migraine|accident
        accident|danger danger|emergency urgence|fire feu|smoke fumée|shadow ombre|colour couleur|shape
        forme|size taille|weight poids|height hauteur|length longueur|price prix|cost coût|change
        monnaie|tax taxe|salary salaire|job emploi|career carrière|business affaire|company
        entreprise|future avenir|past passé|century siècle|decade décennie|date date|calendar
        calendrier|appointment rendez-vous|deadline délai|rest repos|sleep sommeil|nightmare
        cauchemar|luck chance|chance occasion|choice choix|decision décision|freedom liberté|justice
        justice|war guerre|battle bataille|power pouvoir|energy énergie|electricity électricité|gas
        gaz|fuel carburant|pollution pollution|nature nature|environment environnement|climate
        climat|temperature température|heat chaleur|thunder tonnerre|lightning éclair|rainbow
        arc-en-ciel|sunshine soleil|dawn aube|sunset coucher|dusk crépuscule|Easter Pâques|wedding
        mariage|birth naissance|death mort|age âge|childhood enfance|youth jeunesse|education
        éducation|knowledge connaissance|skill compétence|talent talent|experience expérience|practice
        pratique|progress progrès|success succès|failure échec|effort effort|attention
        attention|patience patience|courage courage|kindness gentillesse|respect respect|trust
        confiance|humour humour|imagination imagination|curiosity curiosité""",
}
MORE_ADJECTIVES = {
    "any": """
        ordinary ordinaire|unusual inhabituel|typical typique|rare rare|common commun|similar
        semblable|public public|private privé|local local|national
        national|foreign étranger|international international|ancient ancien|traditional
        traditionnel|natural naturel|complex complexe|unpleasant désagréable|horrible horrible|adorable
        adorable|elegant élégant|magnificent magnifique|splendid splendide|superb superbe|marvellous
        merveilleux|incredible incroyable|amazing étonnant|brilliant brillant|mysterious
        mystérieux|magic magique|secret secret|precious précieux|valuable précieux|favourite
        favori|ideal idéal""",
    "animate": """
        active actif|clumsy maladroit|gentle doux|cruel cruel|wise sage|silly bête|crazy fou|mad
        fou|anxious anxieux|sleepy somnolent|thirsty assoiffé|naughty vilain|obedient
        obéissant|independent indépendant|responsible responsable|talented doué|creative
        créatif|sensitive sensible|emotional émotif|romantic romantique|optimistic optimiste|pessimistic
        pessimiste|selfish égoïste|modest modeste|arrogant arrogant|ambitious ambitieux|punctual
        ponctuel|messy désordonné|blind aveugle|deaf sourd|alive
        vivant|injured blessé|bald chauve|blond blond|pale pâle|elderly âgé|disappointed déçu|pleased
        content|grateful reconnaissant|ashamed honteux|furious furieux|frightened effrayé|interested
        intéressé|enthusiastic enthousiaste|powerful puissant|innocent innocent|guilty
        coupable|foreign étranger|French français|English anglais""",
    "thing": """
        colourful coloré|striped rayé|spotted tacheté|transparent transparent|golden doré|
        metallic métallique|electric électrique|digital numérique|automatic automatique|portable
        portable|fragile fragile|solid solide|liquid liquide|sticky collant|shiny brillant|dusty
        poussiéreux|muddy boueux|rusty rouillé|ancient ancien|antique antique|old-fashioned
        démodé|fashionable chic|elegant élégant|plain simple|oval ovale|triangular
        triangulaire|rectangular rectangulaire|straight droit|crooked tordu|loose lâche|tight
        serré|smelly puant|fragrant parfumé|sunny ensoleillé|shady ombragé|windy venteux|cloudy
        nuageux|rainy pluvieux|snowy enneigé|foggy brumeux|stormy orageux|peaceful paisible|lively
        animé|familiar familier|unknown inconnu|secret secret|private privé|public public|official
        officiel|available disponible|reserved réservé|complete complet|incomplete incomplet|missing
        manquant|stolen volé|visible visible|invisible invisible""",
    "food": """
        stale rassis|juicy juteux|creamy crémeux|disgusting dégoûtant|tasteless fade|organic
        biologique|local local|sugary sucré|fatty gras""",
    "abstract": """
        basic basique|advanced avancé|elementary élémentaire|general général|specific
        spécifique|practical pratique|theoretical théorique|scientific scientifique|historical
        historique|political politique|social social|cultural culturel|musical musical|artistic
        artistique|educational éducatif|classical classique|successful réussi|final final|first
        premier|previous précédent|recent récent|current actuel|daily quotidien|weekly
        hebdomadaire|monthly mensuel|annual annuel|brief bref|endless interminable|unique
        unique|typical typique|complicated compliqué|obvious évident|logical logique|reasonable
        raisonnable|fair juste|unfair injuste|secret secret|surprising surprenant|shocking
        choquant|scary effrayant|romantic romantique|dramatic dramatique""",
}
MORE_INTRANSITIVE = """
        agree accepter|bark aboyer|bleed saigner|blink cligner|boast
        vanter|bounce rebondir|bow saluer|celebrate fêter|chat bavarder|cheer
        applaudir|clap applaudir|crawl ramper|dive plonger|doze
        somnoler|dream rêver|explode exploser|float
        flotter|freeze geler|frown froncer|gossip bavarder|grumble grogner|hesitate
        hésiter|hop sautiller|improve améliorer|joke plaisanter|knock frapper|land
        atterrir|march marcher|melt fondre|nod acquiescer|obey obéir|participate participer|pause
        pauser|perform jouer|pretend prétendre|protest protester|queue patienter|rain pleuvoir|react
        réagir|recover guérir|ring sonner|roar rugir|scream
        hurler|shiver frissonner|sigh soupirer|sink couler|slide glisser|snore ronfler|spin
        tourner|succeed réussir|suffer souffrir|survive survivre|sweat transpirer|tremble
        trembler|vanish disparaître|wander errer|wave saluer|whisper chuchoter|wink
        cligner|yell hurler|disappear disparaître|appear apparaître|fail
        échouer|skip sauter|jog courir|hike randonner|paddle pagayer|sail naviguer|snow
        neiger|type taper|emigrate émigrer|dine dîner|lunch déjeuner|shoot tirer|bite
        mordre|sting piquer|purr ronronner|growl grogner|blossom fleurir|burn brûler|glow briller|rot
        pourrir"""
MORE_TRANSITIVE = {
    "accept accepter": "abstract readable thing",
    "add ajouter": "food thing",
    "announce annoncer": "abstract",
    "arrange arranger": "thing",
    "attack attaquer": "person animal",
    "avoid éviter": "person animal place food",
    "bake cuire": "food",
    "bite mordre": "person animal food",
    "blow souffler": "thing",
    "brush brosser": "animal thing",
    "burn brûler": "thing readable food",
    "calculate calculer": "abstract",
    "cancel annuler": "abstract",
    "chase chasser": "animal person",
    "collect collectionner": "thing readable",
    "compare comparer": "thing readable",
    "complete compléter": "readable abstract",
    "contain contenir": "food drink thing",
    "cover couvrir": "thing food",
    "cross traverser": "place",
    "defend défendre": "person animal place",
    "deliver livrer": "thing readable food",
    "design concevoir": "thing place",
    "destroy détruire": "thing place",
    "dig creuser": "place",
    "drag traîner": "thing",
    "dry sécher": "thing",
    "earn gagner": "abstract",
    "empty vider": "thing",
    "erase effacer": "readable",
    "examine examiner": "person animal thing readable",
    "exchange échanger": "thing readable",
    "fear craindre": "person animal",
    "fold plier": "thing readable",
    "grab saisir": "thing",
    "greet saluer": "person",
    "hang accrocher": "thing",
    "heat chauffer": "food drink",
    "hit frapper": "thing person",
    "hug embrasser": "person animal",
    "ignore ignorer": "person animal abstract",
    "imagine imaginer": "person animal thing place",
    "improve améliorer": "abstract readable",
    "inform informer": "person",
    "join rejoindre": "person",
    "kill tuer": "animal",
    "lift soulever": "thing animal",
    "light allumer": "thing",
    "lock verrouiller": "thing",
    "mark noter": "readable",
    "measure mesurer": "thing place",
    "mix mélanger": "food drink",
    "offer offrir": "thing food drink readable",
    "own posséder": "thing animal place",
    "pick cueillir": "food thing",
    "plant planter": "thing food",
    "post poster": "readable",
    "pour verser": "drink",
    "press presser": "thing",
    "promise promettre": "abstract",
    "protect protéger": "person animal place",
    "pull tirer": "thing animal",
    "punish punir": "person animal",
    "raise lever": "thing",
    "reach atteindre": "place",
    "receive recevoir": "thing readable",
    "record enregistrer": "abstract readable",
    "refuse refuser": "food drink thing readable abstract",
    "remove enlever": "thing",
    "rescue sauver": "person animal",
    "reserve réserver": "thing place",
    "respect respecter": "person abstract",
    "ring sonner": "thing",
    "rub frotter": "thing",
    "save sauver": "person animal",
    "scratch gratter": "thing",
    "share partager": "food drink thing readable",
    "shut fermer": "thing",
    "spend dépenser": "abstract",
    "spill renverser": "drink food",
    "steal voler": "thing food readable",
    "support soutenir": "person",
    "surprise surprendre": "person",
    "switch changer": "thing",
    "tear déchirer": "readable thing",
    "test tester": "thing food",
    "tie attacher": "thing animal",
    "translate traduire": "readable",
    "type taper": "readable",
    "warn avertir": "person",
    "water arroser": "thing",
    "weigh peser": "thing food animal",
    "welcome accueillir": "person",
    "wipe essuyer": "thing",
    "wrap emballer": "thing",
    "annoy agacer": "person animal",
    "bother déranger": "person animal",
    "comfort consoler": "person",
    "encourage encourager": "person",
    "praise féliciter": "person",
    "interrupt interrompre": "person",
    "marry épouser": "person",
    "pass passer": "thing food",
    "feel sentir": "thing",
}
# Verbs that take an infinitive object: "I want to sing." / "Je veux chanter."
CATENATIVE = [("want", "vouloir"), ("like", "aimer"), ("love", "adorer"), ("hate", "détester"),
              ("prefer", "préférer"), ("hope", "espérer")]
EVERYDAY_INTRANSITIVE = """swim nager|read lire|write écrire|draw dessiner|paint peindre|listen écouter|
    drink boire|eat manger|learn apprendre|understand comprendre|speak parler|talk parler|answer répondre|
    sit asseoir|help aider|wait attendre|stay rester|begin commencer|start commencer|
    finish finir|stop arrêter|continue continuer|think réfléchir|
    count compter|repeat répéter|spell épeler|practise pratiquer|revise réviser|ski skier|skate patiner|
    climb grimper|fly voler|drive conduire|move bouger|sneeze éternuer|cough tousser|
    breathe respirer|wake réveiller|knit tricoter|sew coudre|pray prier|vote voter|fish pêcher|
    hunt chasser|camp camper|cycle pédaler|row ramer|whistle siffler|yawn bâiller|shine briller|
    grow grandir|change changer|live vivre|die mourir|lie mentir|cheat tricher|guess deviner|
    win gagner|lose perdre|pay payer|phone téléphoner|cook cuisiner|clean nettoyer|study étudier|
    work travailler|play jouer|sing chanter|dance danser|run courir|walk marcher|sleep dormir|
    travel voyager|laugh rire|smile sourire|jump sauter|leave partir|come venir|go aller|
    return revenir|arrive arriver|win gagner|eat manger|cook cuisiner|wash laver"""
EVERYDAY_TRANSITIVE = {
    "give donner": "thing food drink readable",
    "show montrer": "thing readable place",
    "send envoyer": "readable thing",
    "lend prêter": "thing readable",
    "borrow emprunter": "thing readable",
    "ask demander": "abstract",
    "study étudier": "abstract readable",
    "teach enseigner": "abstract",
    "speak parler": "",
    "play jouer": "",
    "do faire": "abstract",
    "make faire": "food thing",
    "fill remplir": "thing",
    "check vérifier": "readable abstract",
    "correct corriger": "readable abstract",
    "copy copier": "readable",
    "print imprimer": "readable",
    "sign signer": "readable",
    "pack préparer": "thing",
    "throw lancer": "thing",
    "kick frapper": "thing",
    "touch toucher": "thing animal",
    "move déplacer": "thing",
    "turn tourner": "thing",
    "drop lâcher": "thing",
    "count compter": "thing animal person",
    "love aimer": "person animal",
    "kiss embrasser": "person animal",
    "thank remercier": "person",
    "invite inviter": "person",
    "wake réveiller": "person animal",
    "recognize reconnaître": "person place thing",
    "remember oublier": "",
    "believe croire": "person",
    "miss manquer": "",
    "wear porter": "thing",
    "win gagner": "abstract",
    "lose perdre": "abstract",
    "start commencer": "abstract readable",
    "begin commencer": "abstract readable",
    "hold tenir": "thing animal",
    "pay payer": "thing food readable",
    "fix réparer": "thing",
    "cut couper": "food thing",
    "boil bouillir": "food drink",
    "taste goûter": "food drink",
    "smell sentir": "food thing",
    "fetch chercher": "thing readable person",
    "wash laver": "thing",
    "tidy ranger": "thing place",
    "decorate décorer": "thing place",
    "organise organiser": "abstract",
    "rent louer": "thing place",
    "serve servir": "food drink",
}
# English verb + particle, French direct object: "listen to the teacher" / "écouter le professeur".
PARTICLE_VERBS = {"listen écouter": ("to", "person animal abstract readable"),
                  "look regarder": ("at", "person animal thing readable"),
                  "wait attendre": ("for", "person thing"),
                  "search chercher": ("for", "person animal thing readable"),
                  "pay payer": ("for", "food drink thing readable")}
# Copula adjectives that French says with "avoir" + noun: "I am hungry." / "J'ai faim."
AVOIR_STATES = [("hungry", "faim"), ("thirsty", "soif"), ("cold", "froid"), ("hot", "chaud"),
                ("afraid", "peur"), ("sleepy", "sommeil"), ("right", "raison"), ("wrong", "tort")]
# Weather: English "it is" + adjective / verb, French "il fait" + adjective / verb.
WEATHER_ADJECTIVES = [("cold", "froid"), ("hot", "chaud"), ("warm", "chaud"), ("nice", "beau"),
                      ("sunny", "beau"), ("fine", "beau"), ("bad", "mauvais"), ("cool", "frais"),
                      ("dark", "nuit"), ("light", "jour")]
WEATHER_VERBS = [("rain", "pleuvoir"), ("snow", "neiger")]
DAYS = """Monday lundi|Tuesday mardi|Wednesday mercredi|Thursday jeudi|Friday vendredi|Saturday samedi|
    Sunday dimanche"""
SEASONS = [("in spring", "au printemps"), ("in summer", "en été"), ("in autumn", "en automne"),
           ("in winter", "en hiver")]
PLACE_PREPOSITIONS = [("in", "dans"), ("on", "sur"), ("under", "sous"), ("behind", "derrière"),
                      ("in front of", "devant"), ("next to", "à côté de"), ("near", "près de"),
                      ("at", "à")]
OBJECT_PRONOUNS = [(1, "s"), (2, "s"), (3, "s"), (1, "p"), (2, "p"), (3, "p")]   # me you him/her us you them
# Possessive determiners: (person, number, gender, French "ton" rather than "votre")
POSSESSORS = [(1, "s", "m", False), (2, "s", "m", False), (2, "s", "m", True), (3, "s", "m", False),
              (3, "s", "f", False), (1, "p", "m", False), (3, "p", "m", False)]
# Time adverbials for present-tense everyday sentences.
EVERYDAY_TIMES = [("today", "aujourd'hui"), ("now", "maintenant"), ("every day", "tous les jours"),
                  ("in the morning", "le matin"), ("in the evening", "le soir"), ("at night", "la nuit"),
                  ("on Monday", "lundi"), ("on Friday", "vendredi"), ("on Sunday", "dimanche"),
                  ("at the weekend", "le week-end"), ("here", "ici"), ("there", "là")]


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
    body: list = None               # v2: [(en, fr)] parts of the body
    everyday_intransitive: list = None
    particle: list = None           # [(en, fr, [groups], particle)]: "listen to" / "écouter"
    days_and_times: list = None
    predicative: list = None        # adjectives said of people only after "be": "I am ready."


def _merge(*blocks: str) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pair for block in blocks for pair in _pairs(block)))


def _lexicon() -> _Lexicon:
    groups = list(dict.fromkeys(list(NOUNS) + list(EVERYDAY_NOUNS)))
    nouns = {g: _merge(NOUNS.get(g, ""), EVERYDAY_NOUNS.get(g, ""), MORE_NOUNS.get(g, "")) for g in groups}
    adjectives = {g: _merge(ADJECTIVES[g], EVERYDAY_ADJECTIVES.get(g, ""), MORE_ADJECTIVES.get(g, ""))
                  for g in ADJECTIVES}
    verbs = {k: v for k, v in (EVERYDAY_TRANSITIVE | MORE_TRANSITIVE).items() if k not in TRANSITIVE} | TRANSITIVE
    transitive = [(*k.split(), v.split()) for k, v in verbs.items() if v]
    particle = [(*k.split(), groups.split(), word) for k, (word, groups) in PARTICLE_VERBS.items()]
    names = [(n, g) for g, block in NAMES.items() for n in block.split()]
    days = [(f"on {en}", fr) for en, fr in _pairs(DAYS)]
    intransitive = [v for v in _merge(INTRANSITIVE, EVERYDAY_INTRANSITIVE, MORE_INTRANSITIVE) if v[1] not in REFLEXIVE]
    return _Lexicon(nouns, adjectives, transitive, _pairs(INTRANSITIVE),
                    [(*k.split(), v) for k, v in MOTION.items()], _pairs(COUNTRIES), _pairs(MONTHS), names,
                    _pairs(BODY), intransitive, particle, EVERYDAY_TIMES + days,
                    _pairs(PREDICATIVE))


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
    if draw["kind"] in EVERYDAY_KINDS:
        return _Everyday(builder).realise(draw, p, lang)
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


# ---------------------------------------------------------------------------------------------
# Generator v2's everyday kinds. A draw is a plain dict; ``_Everyday.realise`` turns it into
# pyrealb constituents for one language, so both sentences say the same thing.
STATIVE_KINDS = ("copula_adjective", "copula_noun", "copula_place", "state", "have", "age", "weather")
EVERYDAY_KINDS = {   # kind -> weight of the draw; "clause" is v1's sentence (see _draw)
    "clause": 16, "copula_adjective": 10, "copula_noun": 5, "copula_place": 7, "state": 4, "have": 8,
    "there_is": 6, "modal": 8, "catenative": 9, "imperative": 10, "wh_question": 9, "object_pronoun": 6,
    "weather": 3, "age": 2,
}


@dataclass
class _Subject:
    """A subject: a pronoun (person, number, gender, French "tu"?) or a noun phrase draw."""
    person: int = 3
    number: str = "s"
    gender: str = "m"
    familiar: bool = False   # French "tu" for English "you" (else "vous")
    np: dict | None = None


_TAKE = {"take": "have", "takes": "has", "took": "had", "taken": "had", "taking": "having"}


def _take_to_have(text: str) -> str:
    """pyrealb asks "Has he a car?"; realised with "take", English gets do-support: "Does he have a car?\""""
    return re.sub(r"\b(take|takes|took|taken|taking)\b", lambda m: _TAKE[m.group(1)], text)


class _Everyday:
    """Draws and realises generator v2's sentence kinds; noun phrases come from v1's ``_Builder``."""

    def __init__(self, builder: _Builder):
        self.builder, self.lex, self.rng = builder, builder.lex, builder.rng

    # --- drawing ------------------------------------------------------------------------------
    def subject(self, groups=("person",), pronoun_share: float = 0.55) -> _Subject:
        rng = self.rng
        if rng.random() < pronoun_share:
            person, number, gender = rng.choice(SUBJECT_PRONOUNS + [(1, "s", "f"), (2, "s", "m"), (2, "s", "f")])
            return _Subject(person, number, gender, familiar=person == 2 and rng.random() < 0.35)
        np = self.builder.noun_phrase(list(groups), 0, False)
        np["adjectives"] = np["adjectives"] if rng.random() < 0.3 else []
        np["det"] = rng.choices(["def", "indef", "dem", "poss"], [40, 15, 10, 35])[0]
        if np["det"] == "poss":
            np["owner"] = rng.choice(POSSESSORS)
        return _Subject(3, np["number"], "m", np=np)

    def noun_phrase(self, groups, determiners=("def", "indef", "poss", "dem")) -> dict:
        np = self.builder.noun_phrase(list(groups), 0, False)
        np["adjectives"] = np["adjectives"] if self.rng.random() < 0.4 else []
        np["det"] = self.rng.choice(determiners)
        if np["det"] == "poss":
            np["owner"] = self.rng.choice(POSSESSORS)
        if np["group"] in ("drink", "abstract") and np["det"] == "indef":
            np["det"] = "def"
        return np

    def draw(self, kind: str) -> dict:
        rng = self.rng
        tense = rng.choices(["p", "ps", "f"], [70, 15, 15])[0]
        draw = {"kind": kind, "tense": tense, "negative": rng.random() < 0.2, "question": rng.random() < 0.2,
                "progressive": False, "familiar": rng.random() < 0.3}   # "you": French "tu" (else "vous")
        if kind == "copula_adjective":
            draw["subject"] = self.subject(("person", "animal", "thing", "food", "place"))
            group = (draw["subject"].np or {}).get("group", "person")
            pool = {"person": "animate", "animal": "animate", "thing": "thing", "food": "food",
                    "place": "thing"}[group]
            predicative = self.lex.predicative if pool == "animate" else []
            draw["adjective"] = rng.choice(self.lex.adjectives[pool] + predicative)
            draw["adverb"] = rng.choices([None, ("very", "très"), ("too", "trop"), ("so", "si")], [70, 18, 8, 4])[0] \
                if tense == "p" else None
        elif kind == "copula_noun":
            draw["subject"] = self.subject(("person",), 0.5)
            draw["job"] = rng.choice(self.lex.nouns["job"])
        elif kind == "copula_place":
            draw["subject"] = self.subject(("person", "animal", "thing", "readable", "food"), 0.3)
            draw["preposition"] = rng.choice(PLACE_PREPOSITIONS)
            groups = ("place",) if draw["preposition"][0] in ("in", "at") else ("thing",)
            draw["place"] = self.noun_phrase(groups, ("def", "def", "poss", "indef"))
            draw["where"] = rng.random() < 0.3    # "Where is the book?"
            if draw["where"] and draw["subject"].np and draw["subject"].np["det"] == "indef":
                draw["subject"].np["det"] = "def"
        elif kind == "state":
            draw["subject"] = self.subject(("person",), 0.7)
            draw["state"] = rng.choice(AVOIR_STATES)
            draw["adverb"] = rng.choice([None, None, ("very", "très")]) if tense == "p" else None
        elif kind == "have":
            draw["subject"] = self.subject(("person",), 0.7)
            group = rng.choice(["person", "animal", "thing", "readable", "food", "body"])
            draw["object"] = self.builder.noun_phrase([group], 0, False) if group != "body" else \
                {"noun": rng.choice(self.lex.body), "group": "body", "adjectives": [], "det": "def",
                 "number": "p", "owner_gender": "m", "relative": None}
            draw["count"] = rng.choices([0, rng.randint(2, 5), rng.randint(6, 20), rng.randint(21, 100)],
                                        [45, 35, 13, 7])[0]
            if draw["count"] == 0:
                draw["object"]["det"] = rng.choice(["indef", "indef", "poss"])
                draw["object"]["owner"] = rng.choice(POSSESSORS)
            draw["how_many"] = draw["count"] > 0 and rng.random() < 0.15
        elif kind == "there_is":
            draw["object"] = self.builder.noun_phrase(["thing", "animal", "person", "readable", "food"], 0, False)
            draw["count"] = rng.choices([0, rng.randint(2, 12)], [65, 35])[0]
            draw["preposition"] = rng.choice(PLACE_PREPOSITIONS + [("in", "dans")] * 3)
            groups = ("place",) if draw["preposition"][0] in ("in", "at") else ("thing",)
            draw["place"] = self.noun_phrase(groups, ("def", "def", "poss"))
            draw["tense"] = "p"
        elif kind == "modal":
            draw["subject"] = self.subject()
            draw["modal"] = rng.choices(["poss", "obli"], [65, 35])[0]
            draw["vp"] = self.verb_phrase()
            draw["tense"] = "p"
        elif kind == "catenative":
            draw["subject"] = self.subject()
            draw["verb"] = rng.choice(CATENATIVE)
            draw["vp"] = self.verb_phrase()
            if rng.random() < 0.3:   # "... with me / avec moi", never the subject itself
                subject = draw["subject"]
                draw["vp"]["with"] = rng.choice([o for o in OBJECT_PRONOUNS
                                                  if subject.np or o != (subject.person, subject.number)])
            draw["tense"] = "p"
            draw["question"] = rng.random() < 0.35
        elif kind == "imperative":
            draw["vp"] = self.verb_phrase(pronoun=False)
            draw["please"] = rng.random() < 0.35
        elif kind == "wh_question":
            draw["subject"] = self.subject()
            draw["vp"] = self.verb_phrase(pronoun=False)
            obj = draw["vp"].get("object")
            wanted = ["whe", "whn", "why", "how"] + (["wad"] if obj and len(draw["vp"]["verb"]) == 3 else [])
            wanted += [] if obj else ["wos"]
            draw["wh"] = rng.choice(wanted)
            draw["progressive"] = tense == "p" and rng.random() < 0.3
        elif kind == "object_pronoun":
            draw["subject"] = self.subject(pronoun_share=0.7)
            draw["verb"] = rng.choice([v for v in self.lex.transitive if "person" in v[2]])
            draw["object"] = rng.choice(OBJECT_PRONOUNS)
            draw["object_gender"] = rng.choice("mf")
            draw["tense"] = rng.choice(["p", "p", "f"])   # French "il nous a aidés" agrees: pyrealb does not
        elif kind == "weather":
            draw["weather"] = rng.choice(WEATHER_ADJECTIVES + WEATHER_VERBS * 3)
            draw["progressive"] = draw["weather"] in WEATHER_VERBS and tense == "p" and rng.random() < 0.6
        elif kind == "age":
            draw["subject"] = self.subject(("person",), 0.7)
            draw["count"] = rng.randint(2, 90)
            draw["tense"] = "p"
        if kind in ("copula_adjective", "have", "modal", "catenative", "object_pronoun",
                    "state") and draw["tense"] == "p" and rng.random() < 0.35:
            draw["time"] = rng.choice(self.lex.days_and_times)
        subject = draw.get("subject")
        if subject and not subject.np and subject.person == 2:
            draw["familiar"] = subject.familiar
        if kind in ("imperative", "there_is", "wh_question", "copula_place"):
            draw["question"] = False
        if (draw["question"] or kind == "wh_question") and subject and not subject.np and \
                (subject.person, subject.number) == (1, "s"):
            draw["question"] = False   # French "Veux-je ...?" is not said
            if kind == "wh_question":
                draw["subject"] = _Subject(3, "s", rng.choice("mf"))
        draw["negative"] = draw["negative"] and not draw["question"]
        if draw["negative"] and draw.get("adverb"):
            draw["adverb"] = None   # "not too be polite": pyrealb puts "not" before the adverb
        return draw

    def verb_phrase(self, pronoun: bool = False) -> dict:
        """An infinitive-ready verb phrase: an intransitive verb, or a verb and its object."""
        rng = self.rng
        if rng.random() < 0.4:
            return {"verb": rng.choice(self.lex.everyday_intransitive)}
        verb = rng.choice(self.lex.transitive + self.lex.particle)
        vp = {"verb": verb, "object": self.noun_phrase(verb[2], ("def", "def", "indef", "poss", "dem"))}
        if rng.random() < 0.15:
            vp["place"] = (rng.choice([("in", "dans"), ("at", "à")]), self.noun_phrase(["place"], ("def",)))
        return vp

    # --- realising ----------------------------------------------------------------------------
    def np(self, np: dict, p, en: bool):
        if np.get("det") == "poss":   # "my / your / his / her / our / their" ; "mon / votre / leur"
            person, number, gender, familiar = np["owner"]
            familiar = self.familiar if person == 2 else familiar
            if en:
                det = p.D("my").pe(person).g(gender).ow(number)
            else:
                plural_owner = number == "p" or (person == 2 and not familiar)
                det = p.D("notre" if plural_owner else "mon").pe(person)
            parts = [det] + [p.A(a[0 if en else 1]) for a in np["adjectives"]] + [p.N(np["noun"][0 if en else 1])]
            return p.NP(*parts).n(np["number"])
        return (self.builder.np_en if en else self.builder.np_fr)(np, p)

    def pronoun(self, subject: _Subject, p, en: bool, case: str = "nom"):
        if en:
            lemma = "I" if case == "nom" else "me"
            return p.Pro(lemma).pe(subject.person).n("s" if subject.person == 2 else subject.number).g(subject.gender)
        number = subject.number
        if subject.person == 2:   # a subject "you" carries its own tu/vous; an object follows the sentence's
            number = "s" if (subject.familiar if case == "nom" else self.familiar) else "p"
        pro = p.Pro("je" if case == "nom" else "moi").pe(subject.person).n(number).g(subject.gender)
        return pro.c(case) if case in ("acc", "dat") else pro

    def subject_phrase(self, subject: _Subject, p, en: bool):
        return self.np(subject.np, p, en) if subject.np else self.pronoun(subject, p, en)

    def infinitive(self, vp: dict, p, en: bool):
        """``to sing with me`` / ``chanter avec moi`` (without "to" for modals: set by the caller)."""
        verb = vp["verb"]
        parts = [p.V(verb[0] if en else verb[1]).t("b")]
        if vp.get("object"):
            obj = self.np(vp["object"], p, en)
            parts.append(p.PP(p.P(verb[3]), obj) if en and len(verb) > 3 else obj)
        if vp.get("place"):
            preposition, place = vp["place"]
            parts.append(p.PP(p.P(preposition[0 if en else 1]), self.np(place, p, en)))
        if vp.get("with"):
            person, number = vp["with"]
            who = _Subject(person, number, "m", familiar=False)
            parts.append(p.PP(p.P("with" if en else "avec"), self.pronoun(who, p, en, "obj")))
        return parts

    def realise(self, draw: dict, p, lang: str) -> str:
        en = lang == "en"
        self.familiar = draw["familiar"]
        sentence = getattr(self, "_" + draw["kind"])(draw, p, en)
        if isinstance(sentence, str):
            return sentence
        if draw.get("time") and not draw.get("question"):
            sentence.add(p.Q(draw["time"][0 if en else 1]))
        tense = draw["tense"] if en else {"p": "p", "ps": "pc", "f": "f"}[draw["tense"]]
        if tense == "pc" and draw["kind"] in STATIVE_KINDS:   # "The cat was black." / "Le chat était noir."
            tense = "i"
        typ = {}
        if draw["negative"]:
            typ["neg"] = True
        if draw.get("question"):
            typ["int"] = "yon"
        if draw.get("progressive") and en:
            typ["prog"] = True
        if draw["kind"] == "modal":
            typ["mod"] = draw["modal"]
        sentence = sentence.t(tense)
        text = sentence.typ(typ).realize().strip() if typ else sentence.realize().strip()
        return _take_to_have(text) if en and draw["kind"] == "have" else text

    def _copula_adjective(self, draw, p, en):
        adjective = p.A(draw["adjective"][0 if en else 1])
        adverb = draw["adverb"]
        predicate = p.AP(p.Adv(adverb[0 if en else 1]), adjective) if adverb else adjective
        return p.S(self.subject_phrase(draw["subject"], p, en), p.VP(p.V("be" if en else "être"), predicate))

    def _copula_noun(self, draw, p, en):
        subject = draw["subject"]
        number = "p" if (subject.np and subject.np["number"] == "p") or (
            not subject.np and subject.number == "p" and subject.person != 2) else "s"
        if en:
            predicate = p.NP(p.D("a"), p.N(draw["job"][0])).n(number)
        else:
            entry = p.getLemma(subject.np["noun"][1].replace("œ", "oe")) if subject.np else None
            gender = subject.gender if not subject.np else ((entry or {}).get("N") or {}).get("g", "m")
            noun = p.N(draw["job"][1])
            if gender == "f" and "[[" not in p.N(draw["job"][1]).g("f").realize():   # "médecin" has no feminine
                noun = noun.g("f")
            predicate = p.NP(noun).n(number)
        return p.S(self.subject_phrase(subject, p, en), p.VP(p.V("be" if en else "être"), predicate))

    def _copula_place(self, draw, p, en):
        verb = p.V("be" if en else "être")
        subject = self.subject_phrase(draw["subject"], p, en)
        if draw["where"]:   # "Where is the book?" / "Où est le livre?" ("Où suis-je?" for a pronoun)
            noun = draw["subject"].np
            if en or not noun:
                return p.S(subject, p.VP(verb)).t(draw["tense"] if en else {"p": "p", "ps": "i", "f": "f"}[
                    draw["tense"]]).typ({"int": "whe"}).realize().strip()
            tense = {"p": "p", "ps": "i", "f": "f"}[draw["tense"]]
            return p.S(p.Q("où"), p.VP(verb.n(noun["number"]).t(tense), subject)).realize().strip()[:-1] + "?"
        return p.S(subject, p.VP(verb, self.place(draw, p, en)))

    def place(self, draw, p, en):
        preposition = draw["preposition"]
        place = self.np(draw["place"], p, en)
        words = preposition[0 if en else 1].split()
        if len(words) > 1:   # "in front of", "à côté de": pyrealb contracts the last word ("du")
            return p.PP(p.Q(" ".join(words[:-1])), p.P(words[-1]), place)
        return p.PP(p.P(words[0]), place)

    def _state(self, draw, p, en):
        state, adverb = draw["state"], draw["adverb"]
        subject = self.subject_phrase(draw["subject"], p, en)
        if en:
            adjective = p.A(state[0])
            return p.S(subject, p.VP(p.V("be"), p.AP(p.Adv(adverb[0]), adjective) if adverb else adjective))
        noun = p.NP(p.Adv("très"), p.N(state[1])) if adverb else p.NP(p.N(state[1]))
        return p.S(subject, p.VP(p.V("avoir"), noun))

    def _have(self, draw, p, en):
        obj = dict(draw["object"])
        subject = self.subject_phrase(draw["subject"], p, en)
        noun = p.N(obj["noun"][0 if en else 1])
        adjectives = [p.A(a[0 if en else 1]) for a in obj["adjectives"]]
        verb = p.V("take" if en else "avoir")   # English "have" is "take" until _take_to_have: "do you have"
        if draw["how_many"]:   # "How many brothers do you have?" / "Combien de frères avez-vous?"
            tense = draw["tense"] if en else {"p": "p", "ps": "i", "f": "f"}[draw["tense"]]
            question = _take_to_have(p.S(subject, p.VP(verb)).t(tense).typ({"int": "yon"}).realize().strip())
            if en:
                head = p.NP(p.Adv("how"), p.A("many"), *adjectives, noun.n("p")).realize().strip()
            else:
                head = p.PP(p.Adv("combien"), p.P("de"), p.NP(*adjectives, noun.n("p"))).realize().strip()
            return head[:1].upper() + head[1:] + " " + question[:1].lower() + question[1:]
        if draw["count"]:
            obj_np = p.NP(p.NO(draw["count"]).dOpt({"nat": True}), *adjectives, noun)
        elif not en and draw["negative"] and obj["det"] == "indef":   # "Je n'ai pas de chien."
            obj_np = p.PP(p.P("de"), p.NP(*adjectives, noun).n(obj["number"]))
        else:
            obj_np = self.np(obj, p, en)
        return p.S(subject, p.VP(verb, obj_np))

    def _there_is(self, draw, p, en):
        obj = draw["object"]
        noun = p.N(obj["noun"][0 if en else 1])
        adjectives = [p.A(a[0 if en else 1]) for a in obj["adjectives"]]
        count = draw["count"]
        if en:   # "There are two cats in the garden." / "There is no cat in the garden."
            thing = p.NP(p.NO(count).dOpt({"nat": True}) if count else p.D("a"), *adjectives, noun)
            if draw["negative"]:
                thing = p.NP(p.D("no"), *adjectives, noun).n("p" if count else "s")
            verb = p.V("be").n("p" if count else "s")
            return p.S(p.Pro("there"), p.VP(verb, thing, self.place(draw, p, en))).realize().strip()
        place = self.place(draw, p, en).realize().strip()
        if draw["negative"]:   # "Il n'y a pas de livre sur la table."
            thing = p.PP(p.P("de"), p.NP(*adjectives, noun).n("p" if count else "s")).realize().strip()
            return f"Il n'y a pas {thing} {place}."
        thing = p.NP(p.NO(count).dOpt({"nat": True}) if count else p.D("un"), *adjectives, noun).realize().strip()
        return f"Il y a {thing} {place}."

    def _modal(self, draw, p, en):
        subject = self.subject_phrase(draw["subject"], p, en)
        parts = self.infinitive(draw["vp"], p, en)
        parts[0] = p.V(draw["vp"]["verb"][0 if en else 1])
        return p.S(subject, p.VP(*parts))

    def _catenative(self, draw, p, en):
        subject = self.subject_phrase(draw["subject"], p, en)
        infinitive = self.infinitive(draw["vp"], p, en)
        infinitive[0] = infinitive[0].t("b-to" if en else "b")
        return p.S(subject, p.VP(p.V(draw["verb"][0 if en else 1]), p.VP(*infinitive)))

    def _imperative(self, draw, p, en):
        parts = self.infinitive(draw["vp"], p, en)
        verb = p.V(draw["vp"]["verb"][0 if en else 1]).t("ip")
        parts[0] = verb if en else verb.pe(2).n("s" if draw["familiar"] else "p")
        sentence = p.S(p.VP(*parts))
        if draw["negative"]:
            sentence = sentence.typ({"neg": True})
        text = sentence.realize().strip()
        if draw["please"]:
            please = "please" if en else ("s'il te plaît" if draw["familiar"] else "s'il vous plaît")
            text = f"{text[:-1]}, {please}."
        return text

    def _wh_question(self, draw, p, en):
        subject = self.subject_phrase(draw["subject"], p, en)
        parts = self.infinitive(draw["vp"], p, en)
        parts[0] = p.V(draw["vp"]["verb"][0 if en else 1])
        sentence = p.S(subject, p.VP(*parts))
        tense = draw["tense"] if en else {"p": "p", "ps": "pc", "f": "f"}[draw["tense"]]
        typ = {"int": draw["wh"]}
        if draw["progressive"] and en:
            typ["prog"] = True
        if draw["negative"] and draw["wh"] == "why":
            typ["neg"] = True
        return sentence.t(tense).typ(typ).realize().strip()

    def _object_pronoun(self, draw, p, en):
        subject = self.subject_phrase(draw["subject"], p, en)
        person, number = draw["object"]
        who = _Subject(person, number, draw["object_gender"], familiar=draw["subject"].familiar)
        if draw["subject"].person == person and (person != 3 or draw["subject"].np is None):
            who = _Subject(3, number, draw["object_gender"])   # "I see me" is reflexive: use him/her/them
        return p.S(subject, p.VP(p.V(draw["verb"][0 if en else 1]), self.pronoun(who, p, en, "obj" if en else "acc")))

    def _weather(self, draw, p, en):
        word, verb = draw["weather"], draw["weather"] in WEATHER_VERBS
        subject = p.Pro("it") if en else p.Pro("je").pe(3).g("m")
        if verb:
            return p.S(subject, p.VP(p.V(word[0 if en else 1])))
        if en:
            return p.S(subject, p.VP(p.V("be"), p.A(word[0])))
        return p.S(subject, p.VP(p.V("faire"), p.A(word[1]) if word[1] not in ("nuit", "jour") else p.N(word[1])))

    def _age(self, draw, p, en):
        subject = self.subject_phrase(draw["subject"], p, en)
        years = p.NP(p.NO(draw["count"]).dOpt({"nat": True}), p.N("year" if en else "an"))
        return p.S(subject, p.VP(p.V("be"), years, p.A("old"))) if en else p.S(subject, p.VP(p.V("avoir"), years))


CHUNK = 1000


def generate_chunk(seed: int, index: int, size: int = CHUNK) -> list[tuple[str, str]]:
    """The ``index``-th chunk of ``size`` drawn pairs (duplicates and rejects not yet removed)."""
    import pyrealb
    rng = random.Random(seed * 100_003 + index)
    builder = _Builder(_lexicon(), rng)
    pairs = []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for _ in range(size):
            draw = draw_sentence(builder)
            pair = realise_pair(builder, draw, pyrealb)
            if pair:
                pairs.append(pair)
    return pairs


def lexicon_entries() -> list[tuple[str, str, str]]:
    """Every distinct (category, English, French) entry generator v2 draws from."""
    lex = _lexicon()
    entries = [("N", en, fr) for group in lex.nouns.values() for en, fr in group] + \
        [("N", en, fr) for en, fr in lex.body]
    entries += [("A", en, fr) for group in lex.adjectives.values() for en, fr in group]
    entries += [("A", en, fr) for en, fr in lex.predicative]
    entries += [("V", en, fr) for en, fr, *_ in lex.transitive + lex.particle + lex.everyday_intransitive +
                lex.motion + lex.intransitive]
    entries += [("V", en, fr) for en, fr in CATENATIVE]
    return list(dict.fromkeys(entries))


def lexicon_coverage() -> tuple[int, list[tuple[str, str, str]]]:
    """(entries, the ones pyrealb's English or French lexicon lacks): a lacking word's pairs are dropped."""
    import pyrealb
    entries, missing = lexicon_entries(), []
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for category, en, fr in entries:
            pyrealb.loadEn()
            english = getattr(pyrealb, category)(en).realize()
            pyrealb.loadFr()
            french = getattr(pyrealb, category)(fr).realize()
            if "[[" in english + french:
                missing.append((category, en, fr))
    return len(entries), missing


def draw_sentence(builder: _Builder) -> dict:
    """One abstract sentence of generator v2: a kind drawn by ``EVERYDAY_KINDS``' weights."""
    kind = builder.rng.choices(list(EVERYDAY_KINDS), list(EVERYDAY_KINDS.values()))[0]
    return _draw(builder, builder.rng) if kind == "clause" else _Everyday(builder).draw(kind)


def realise_pair(builder: _Builder, draw: dict, pyrealb) -> tuple[str, str] | None:
    """(English, French), or None where pyrealb rejects the draw or lacks a word (``[[word]]``)."""
    try:
        en = _realise(builder, draw, pyrealb, "en")
        fr = _realise(builder, draw, pyrealb, "fr")
    except Exception:   # pyrealb rejects a rare combination: skip it
        return None
    if "[[" in en or "[[" in fr or not en or not fr:
        return None
    return _tidy(en), _tidy(fr)


def _tidy(text: str) -> str:
    """pyrealb's spacing made plain ("door , please" -> "door, please"), and its "Que est-ce que" elided."""
    text = " ".join(text.replace(" ,", ",").split())
    text = re.sub(r"\bQue (?=[aeiouéèêâîôû])", "Qu'", text)   # "Que est-ce que", "Que embrasserez-vous"
    return text[:1].upper() + text[1:]


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


def read_prepared(sources: str, path: str | Path = PREPARED, generated: int = 60000, seed: int = 0,
                  workers: int = 1) -> dict[str, list[tuple[str, str, str]]]:
    """The prepared corpus by split: ``{"train": [(en, fr, source), ...], "dev": ..., "test": ...}``.

    ``sources`` is a comma-separated list of the file's ``source`` column (``games,bible,...``); a
    source the file lacks is an error that names the ones it has. ``generated`` is not in the file:
    it adds ``generated`` distinct generator-v2 pairs (``generated_pairs``), split by the sha1 of the
    lowercased English like the file's sources, less any whose English is in the file's dev or test.
    """
    import csv
    import gzip

    wanted = [name.strip() for name in sources.split(",") if name.strip()]
    # Streamed row by row, keeping only the wanted sources: a page that needs one source's split holds no
    # copy of the whole corpus, even for a moment (a pandas frame of it left ~60 MB of the server's heap held).
    splits: dict[str, list[tuple[str, str, str]]] = {split: [] for split in SPLITS}
    present, held_out = set(), set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            present.add(row["source"])
            if "generated" in wanted and row["split"] != "train":     # only the generated pairs are checked
                held_out.add(row["en"].lower())
            if row["source"] in wanted:
                splits[row["split"]].append((row["en"], row["fr"], row["source"]))
    missing = sorted(set(wanted) - present - {"generated"})
    if missing:
        raise ValueError(f"{Path(path).name} has no source {missing}; it has {sorted(present | {'generated'})}")
    if "generated" in wanted:
        for en, fr in generated_pairs(generated, seed, workers):
            if en.lower() not in held_out:
                splits[generated_split(en)].append((en, fr, "generated"))
    return splits


def generated_split(en: str) -> str:
    """train / dev / test by the sha1 of the lowercased English, per mille: test < 30, dev < 60."""
    bucket = int(hashlib.sha1(en.lower().encode("utf-8")).hexdigest(), 16) % 1000
    return "test" if bucket < 30 else "dev" if bucket < 60 else "train"


def generated_pairs(pairs: int, seed: int = 0, workers: int = 1) -> list[tuple[str, str]]:
    """``pairs`` distinct generated pairs, cached in build/translation/ (a larger cache serves a smaller ask)."""
    folder = ROOT / "build" / "translation"
    cache = folder / f"corpus-v{GENERATOR_VERSION}-seed{seed}-n{pairs}.tsv"
    larger = [file for file in folder.glob(f"corpus-v{GENERATOR_VERSION}-seed{seed}-n*.tsv")
              if int(file.stem.rsplit("-n", 1)[1]) >= pairs >= CHUNK]
    if cache.exists() or larger:
        text = (cache if cache.exists() else min(larger)).read_text(encoding="utf-8")
        return [tuple(line.split("\t")) for line in text.splitlines()][:pairs]
    generated = generate_pairs(pairs, seed, workers)
    _cache_pairs(cache, generated)
    return generated


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
    generated = generated_pairs(pairs, seed, workers)
    import pyrealb
    return generated, {"source": f"generated with pyrealb {getattr(pyrealb, '__version__', '3.3.1')} "
                                 f"(rnnkit/translation/data.py v{GENERATOR_VERSION}, seed {seed}, "
                                 f"{len(generated)} distinct pairs); lexicons CC-BY-SA-4.0",
                       "sha256": corpus_fingerprint(generated)}


def _cache_pairs(path: Path, pairs: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{en}\t{fr}\n" for en, fr in pairs), encoding="utf-8")
