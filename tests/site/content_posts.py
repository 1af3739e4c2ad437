"""The other posts of the local copy: original French texts written for these tests.

They imitate what the think tank publishes (analyses, strategic notes, op-eds, quarterly barometers)
with varied lengths and markup: headings, lists, a quotation, photos with captions, links inside
paragraphs, two different authors. None of this text comes from elsewhere.

Hard cases carried by these posts (see ``content.py`` for the whole list):

* ``BALTIC`` was published under an older slug (:data:`BALTIC_OLD_SLUG`) that answers 301, and
  ``DRONES`` still links to that old URL;
* ``PORTS`` and ``MILITARY_AI`` are written raw in the posts sitemap and percent-encoded in links
  (the other posts with accents are the other way round);
* ``ARCTIC`` has an English translation; ``BLACK_SEA`` has an untranslated copy under ``/de/``.
"""

from __future__ import annotations

from .model import (
    RAW,
    Post,
    blockquote,
    em,
    figure,
    h2,
    h3,
    link,
    ol,
    paragraph,
    spacer,
    strong,
    ul,
    utc,
)

VALETTE = "Thierry-Paul Valette"
REDACTION = "Rédaction CESS"

BALTIC_OLD_SLUG = "note-cables-baltique"

BALTIC = Post(
    slug="mer-baltique-câbles-sous-marins-et-guerre-hybride",
    title="Mer Baltique : câbles sous-marins et guerre hybride",
    author=VALETTE,
    published=utc(2025, 2, 14, 10, 5),
    modified=utc(2025, 2, 20, 16, 48, 31),
    categories=("analyses", "notes-stratégiques"),
    body=(
        paragraph(
            "En quelques mois, plusieurs câbles de télécommunication et un gazoduc reposant sur le fond de la "
            "mer Baltique ont été endommagés. À chaque fois, un navire marchand avait laissé traîner son ancre "
            "sur des dizaines de kilomètres, précisément au-dessus des infrastructures touchées."
        ),
        paragraph(
            "L’accident isolé est toujours possible. La répétition, elle, dessine un mode opératoire : "
            "des navires vieillissants, sous pavillon de complaisance, dont l’armateur reste difficile à "
            "identifier et dont l’équipage ne peut être interrogé qu’une fois le dommage constaté."
        ),
        h2("Une menace pensée pour rester sous le seuil"),
        paragraph(
            "Ces actes ont un point commun : ils restent en deçà du seuil qui déclencherait une réponse "
            "militaire. Ils coûtent peu à leur auteur, obligent les États riverains à mobiliser des moyens "
            "considérables et entretiennent un doute permanent sur la fiabilité des réseaux."
        ),
        paragraph(
            "La Baltique concentre pourtant des liaisons électriques, des câbles de données et des gazoducs "
            "dont dépend l’économie de huit États membres de l’Union. Leur surveillance relève encore "
            "largement de chaque pays, avec des moyens navals et aériens inégaux."
        ),
        h2("Ce que le CESS recommande"),
        ul(
            "une cartographie commune et classifiée des infrastructures sous-marines européennes ;",
            "des patrouilles coordonnées associant marines, garde-côtes et opérateurs privés ;",
            "un régime d’inspection des navires suspects fondé sur le droit de la mer et appliqué sans délai ;",
            "des stocks de pièces et des navires câbliers disponibles pour réparer en quelques jours.",
        ),
        paragraph(
            "La protection des fonds marins n’est plus un sujet d’experts. Elle conditionne la continuité des "
            "communications, de l’énergie et, au bout du compte, la confiance des citoyens dans la capacité "
            "de l’Europe à se défendre."
        ),
    ),
)

CLOUD = Post(
    slug="souveraineté-numérique-l-europe-face-à-la-dépendance-des-infrastructures-cloud",
    title="Souveraineté numérique : l’Europe face à la dépendance des infrastructures cloud",
    author=VALETTE,
    published=utc(2025, 3, 11, 8, 0),
    categories=("cybersécurité", "analyses"),
    body=(
        paragraph(
            "Administrations, hôpitaux, industriels de défense : une part croissante des données sensibles "
            "européennes est hébergée par des fournisseurs soumis à des législations extraterritoriales. "
            "Cette dépendance n’est pas seulement commerciale, elle est stratégique."
        ),
        figure(
            "Un centre de données en région parisienne. Photo : CESS", alt="Salle de serveurs d’un centre de données"
        ),
        paragraph(
            "Le droit de certains États permet à leurs autorités d’exiger l’accès à des données stockées à "
            "l’étranger par leurs entreprises nationales. Chiffrer ne suffit pas lorsque le fournisseur "
            "détient aussi les clés."
        ),
        h2("Trois fragilités identifiées"),
        ol(
            "la concentration du marché entre quelques acteurs non européens ;",
            "l’absence de solution de repli en cas de coupure ou de sanction ;",
            "la dépendance des outils de sécurité eux-mêmes à ces plateformes.",
        ),
        paragraph(
            "Les qualifications de confiance existantes constituent un progrès. Elles restent toutefois "
            "facultatives pour une large partie des opérateurs, et leur coût freine les collectivités et les "
            "petites entreprises."
        ),
        paragraph(
            "Le CESS plaide pour une commande publique qui privilégie, pour les données sensibles, des "
            "offres qualifiées et réversibles. La ",
            em("réversibilité"),
            " devrait être une clause obligatoire de tout contrat : pouvoir partir, c’est déjà être souverain.",
        ),
    ),
)

BAROMETER_2025_Q1 = Post(
    slug="baromètre-de-la-sécurité-européenne-1er-trimestre-2025",
    title="Baromètre de la sécurité européenne – 1er trimestre 2025",
    author=REDACTION,
    published=utc(2025, 4, 2, 7, 30),
    categories=("barometres",),
    body=(
        paragraph(
            "Chaque trimestre, le Centre Européen de Sécurité et de Stratégie évalue l’évolution de sept "
            "familles de menaces pesant sur l’Europe, à partir de sources ouvertes et d’échanges avec des "
            "praticiens."
        ),
        h2("Niveaux de menace"),
        ul(
            ("Menace terroriste : ", strong("élevée"), ", stable"),
            ("Cyberattaques contre les services publics : ", strong("très élevée"), ", en hausse"),
            ("Ingérences informationnelles : ", strong("élevée"), ", en hausse"),
            ("Criminalité organisée : ", strong("élevée"), ", stable"),
            ("Sabotage d’infrastructures : ", strong("modérée"), ", en hausse"),
            ("Risque de conflit armé aux frontières de l’Union : ", strong("élevé"), ", stable"),
            ("Vulnérabilités énergétiques : ", strong("modérée"), ", en baisse"),
        ),
        h2("Faits marquants"),
        paragraph(
            "Le trimestre a été dominé par les attaques par déni de service contre des sites "
            "gouvernementaux, revendiquées par des groupes se présentant comme hacktivistes, et par la "
            "multiplication d’incidents autour des câbles sous-marins."
        ),
        paragraph(
            "Le stockage de gaz, mieux rempli que l’an dernier à la même période, explique l’amélioration "
            "de l’indicateur énergétique."
        ),
        h2("À surveiller"),
        paragraph(
            "Les élections organisées dans plusieurs États membres au printemps constituent une fenêtre "
            "d’opportunité pour les campagnes de manipulation de l’information."
        ),
    ),
)

INFORMATION_DETERRENCE = Post(
    slug="tribune-pour-une-doctrine-européenne-de-la-dissuasion-informationnelle",
    title="Tribune : pour une doctrine européenne de la dissuasion informationnelle",
    author=VALETTE,
    published=utc(2025, 6, 18, 6, 45),
    categories=("tribunes",),
    body=(
        paragraph(
            "L’Europe sait dénoncer les campagnes de désinformation. Elle sait les documenter, parfois les "
            "attribuer. Elle ne sait pas encore les dissuader."
        ),
        paragraph(
            "Un adversaire qui finance de faux médias, loue des réseaux de comptes automatisés et amplifie "
            "les fractures de nos sociétés agit aujourd’hui sans craindre de conséquence sérieuse. Le "
            "rapport entre le coût de l’attaque et celui de la défense lui est outrageusement favorable."
        ),
        blockquote("Une menace que l’on se contente de décrire est une menace que l’on a déjà acceptée."),
        paragraph(
            "Une doctrine de dissuasion informationnelle reposerait sur trois piliers : la capacité "
            "d’attribuer rapidement, la volonté de rendre publiques les preuves, et un éventail de réponses "
            "graduées connues à l’avance, des sanctions ciblées jusqu’aux restrictions d’accès au marché "
            "publicitaire européen."
        ),
        paragraph(
            "Elle suppose aussi de protéger ce qui fait notre force : une presse libre, une justice "
            "indépendante, un débat public ouvert. La dissuasion ne doit jamais devenir un prétexte à la "
            "censure."
        ),
        paragraph(
            "Le Centre Européen de Sécurité et de Stratégie appelle les institutions européennes à ouvrir ce "
            "chantier sans attendre la prochaine crise."
        ),
    ),
)

LNG_TERMINALS = Post(
    slug="énergie-la-protection-des-terminaux-méthaniers-priorité-oubliée",
    title="Énergie : la protection des terminaux méthaniers, priorité oubliée",
    author=VALETTE,
    published=utc(2025, 7, 9, 9, 20),
    categories=("notes-stratégiques",),
    body=(
        paragraph(
            "Depuis 2022, l’Europe a multiplié les terminaux de gaz naturel liquéfié pour remplacer le gaz "
            "acheminé par gazoduc. Ces installations, souvent flottantes, sont devenues des points de "
            "passage obligés de notre approvisionnement."
        ),
        paragraph(
            "Leur protection physique et numérique n’a pas suivi le même rythme. Les plans de sécurité ont "
            "été conçus pour des risques industriels, rarement pour une action hostile délibérée."
        ),
        paragraph(
            "Une attaque réussie contre deux ou trois terminaux en plein hiver suffirait à créer une tension "
            "sur les prix et l’approvisionnement de plusieurs pays."
        ),
        paragraph(
            "Le CESS recommande d’inscrire ces sites dans la liste des infrastructures d’importance vitale "
            "partout où ce n’est pas encore le cas, et d’organiser des exercices communs entre exploitants, "
            "marines et services de renseignement."
        ),
    ),
)

SAHEL = Post(
    slug="sahel-ce-que-le-retrait-des-forces-européennes-change-pour-la-sécurité-de-l-europe",
    title="Sahel : ce que le retrait des forces européennes change pour la sécurité de l’Europe",
    author=VALETTE,
    published=utc(2025, 8, 27, 11, 0),
    modified=utc(2025, 8, 28, 8, 12, 9),
    categories=("analyses",),
    body=(
        paragraph(
            "Le départ des forces européennes de plusieurs pays du Sahel a refermé une décennie "
            "d’engagement militaire. Il ouvre une période d’incertitude dont les effets se feront sentir "
            "bien au-delà de la région."
        ),
        paragraph(
            "Les groupes armés affiliés aux grandes mouvances djihadistes ont étendu leur emprise sur des "
            "zones rurales entières. Ils y prélèvent l’impôt, rendent une forme de justice et contrôlent les "
            "axes commerciaux."
        ),
        paragraph(
            "Pour l’Europe, le risque n’est pas d’abord celui d’attentats projetés depuis le Sahel, encore "
            "limités. Il tient à la consolidation d’économies criminelles — or, armes, migrants, "
            "stupéfiants — dont les profits irriguent des réseaux actifs jusque sur notre sol."
        ),
        paragraph(
            "La présence croissante de sociétés militaires privées étrangères modifie aussi l’équilibre "
            "stratégique. Elles offrent aux régimes en place une protection sans exigences politiques, en "
            "échange d’un accès aux ressources minières."
        ),
        paragraph(
            "Le retrait militaire ne doit pas signifier un désengagement. Coopération policière et "
            "judiciaire, soutien aux pays côtiers du golfe de Guinée, suivi des flux financiers : les leviers "
            "existent, à condition de les coordonner à l’échelle européenne."
        ),
        paragraph("Le Sahel reste, pour l’Europe, une question de voisinage et non de périphérie."),
    ),
)

PORTS = Post(
    slug="narcotrafic-et-ports-européens-la-nouvelle-ligne-de-front",
    title="Narcotrafic et ports européens : la nouvelle ligne de front",
    author=VALETTE,
    published=utc(2025, 9, 16, 7, 55),
    categories=("analyses",),
    sitemap_form=RAW,
    feed_tracking=True,
    body=(
        paragraph(
            "Anvers, Rotterdam, Hambourg, Le Havre : les grands ports européens sont devenus les portes "
            "d’entrée d’une cocaïne produite en quantités record. Les saisies y atteignent des niveaux "
            "inédits, qui ne représentent pourtant qu’une fraction des volumes importés."
        ),
        h2("La corruption, talon d’Achille des ports"),
        paragraph(
            "Pour sortir un conteneur sans contrôle, les organisations criminelles n’ont pas besoin de "
            "forcer les portes. Il leur suffit de quelques complicités : un docker, un agent de "
            "manutention, un employé ayant accès aux systèmes informatiques du terminal."
        ),
        paragraph(
            "Les sommes proposées rendent ces recrutements faciles, et les menaces qui les accompagnent "
            "rendent les refus dangereux. La violence observée dans certaines villes portuaires en est le "
            "prolongement direct."
        ),
        h2("Des réponses encore trop nationales"),
        paragraph(
            "Chaque port a développé ses propres dispositifs de contrôle, de filtrage du personnel et de "
            "coopération avec la police. Les trafiquants, eux, déplacent leurs flux vers le maillon le plus "
            "faible en quelques semaines."
        ),
        paragraph(
            "Une alliance portuaire européenne, dotée de standards communs de sécurité et d’un partage "
            "systématique du renseignement, permettrait de fermer ces portes de sortie plutôt que de "
            "déplacer le problème."
        ),
    ),
)

BAROMETER_2025_Q3 = Post(
    slug="baromètre-de-la-sécurité-européenne-3e-trimestre-2025",
    title="Baromètre de la sécurité européenne – 3e trimestre 2025",
    author=REDACTION,
    published=utc(2025, 10, 6, 7, 30),
    categories=("barometres",),
    body=(
        paragraph(
            "Troisième édition de l’année du baromètre du CESS. La méthode reste inchangée : sept familles "
            "de menaces, quatre niveaux, une tendance."
        ),
        h2("Niveaux de menace"),
        ul(
            "Menace terroriste : élevée, en hausse",
            "Cyberattaques contre les services publics : très élevée, stable",
            "Ingérences informationnelles : très élevée, en hausse",
            "Criminalité organisée : très élevée, en hausse",
            "Sabotage d’infrastructures : élevée, en hausse",
            "Risque de conflit armé aux frontières de l’Union : élevé, stable",
            "Vulnérabilités énergétiques : modérée, stable",
        ),
        h2("Lecture du trimestre"),
        paragraph(
            "Pour la première fois, la criminalité organisée passe au niveau le plus élevé, sous l’effet de "
            "la violence liée au narcotrafic dans plusieurs métropoles et ports européens."
        ),
        paragraph(
            "Les survols d’installations militaires et industrielles par des drones non identifiés, signalés "
            "dans au moins six pays, justifient la hausse de l’indicateur de sabotage."
        ),
    ),
)

DISINFORMATION = Post(
    slug="ingérences-étrangères-anatomie-d-une-campagne-de-désinformation",
    title="Ingérences étrangères : anatomie d’une campagne de désinformation",
    author=VALETTE,
    published=utc(2025, 10, 29, 12, 10),
    categories=("cybersécurité", "analyses"),
    body=(
        paragraph(
            "Une campagne de désinformation moderne ressemble davantage à une opération marketing qu’à de la "
            "propagande classique. Elle se prépare, se teste et s’optimise."
        ),
        h2("Les étapes d’une opération type"),
        ol(
            "la création d’un réseau de faux sites imitant des médias reconnus ;",
            "la production de contenus, désormais largement assistée par l’intelligence artificielle ;",
            "l’amplification par des comptes automatisés puis par des relais sincères ;",
            "la reprise, enfin, par des personnalités qui donnent au récit une apparence de légitimité.",
        ),
        paragraph(
            "Le moment décisif est le passage de l’artificiel au sincère. Tant qu’un récit ne circule que "
            "dans des réseaux de comptes inauthentiques, son audience réelle reste faible. Lorsqu’il est "
            "repris par des citoyens convaincus, il devient presque impossible à contenir."
        ),
        blockquote(
            "La désinformation la plus efficace n’invente rien : elle exagère, elle décontextualise, elle "
            "choisit le bon moment."
        ),
        paragraph(
            "Détecter tôt suppose de surveiller les signaux faibles : enregistrement de noms de domaine "
            "proches de ceux de médias connus, apparition simultanée de comptes aux profils similaires, "
            "achats publicitaires atypiques."
        ),
        spacer(),
        paragraph(
            "Cette vigilance ne relève pas seulement de l’État. Plateformes, rédactions, chercheurs et "
            "citoyens ont chacun un rôle à jouer."
        ),
    ),
)

DRONES = Post(
    slug="drones-et-infrastructures-critiques-protéger-le-ciel-bas",
    title="Drones et infrastructures critiques : protéger le ciel bas",
    author=VALETTE,
    published=utc(2025, 11, 18, 9, 0),
    categories=("notes-stratégiques",),
    body=(
        paragraph(
            "Aéroports paralysés, bases militaires survolées, centrales électriques photographiées : les "
            "drones de petite taille sont devenus un outil de reconnaissance, de pression et peut-être de "
            "préparation au sabotage."
        ),
        paragraph(
            "Comme pour les câbles sous-marins, dont nous avons décrit la vulnérabilité dans ",
            link(f"/post/{BALTIC_OLD_SLUG}", "notre note sur la mer Baltique"),
            ", l’enjeu tient autant à la détection qu’à l’attribution.",
        ),
        h2("Un vide capacitaire"),
        paragraph(
            "La plupart des sites sensibles ne disposent ni de radars adaptés aux objets de petite taille, "
            "ni de moyens de neutralisation autorisés. Le cadre juridique réserve souvent ces moyens aux "
            "forces armées, qui ne peuvent être présentes partout."
        ),
        ul(
            "équiper en priorité les sites d’importance vitale de systèmes de détection ;",
            "clarifier qui peut neutraliser un drone, et dans quelles conditions ;",
            "mutualiser les retours d’expérience entre États membres.",
        ),
        paragraph("Le ciel bas est devenu un espace contesté. Il doit être traité comme tel."),
    ),
)

OUTSOURCING = Post(
    slug="tribune-la-sécurité-européenne-ne-se-sous-traite-pas",
    title="Tribune : la sécurité européenne ne se sous-traite pas",
    author=VALETTE,
    published=utc(2026, 1, 12, 6, 30),
    categories=("tribunes",),
    feed_tracking=True,
    body=(
        paragraph(
            "Pendant trente ans, l’Europe a pu considérer sa sécurité comme un service rendu par d’autres. "
            "Cette époque est terminée, et il serait dangereux de faire comme si elle pouvait revenir."
        ),
        paragraph(
            "Les alliances restent indispensables. Mais une alliance se nourrit de ce que chacun y apporte. "
            "Une Europe qui ne produit pas ses munitions, ne maîtrise pas ses réseaux et ne protège pas ses "
            "frontières n’est pas un allié, c’est une charge."
        ),
        paragraph(
            "Investir dans notre défense, c’est aussi investir dans notre industrie, notre recherche et notre "
            "autonomie de décision. Ce choix a un coût. Celui de l’inaction serait bien plus élevé."
        ),
        paragraph(
            strong("La sécurité européenne ne se sous-traite pas."),
            " Elle se construit, patiemment, par les Européens eux-mêmes.",
        ),
    ),
)

ARCTIC = Post(
    slug="arctique-la-nouvelle-frontière-stratégique-de-l-europe",
    title="Arctique : la nouvelle frontière stratégique de l’Europe",
    author=VALETTE,
    published=utc(2026, 2, 5, 8, 15),
    categories=("analyses",),
    body=(
        paragraph(
            "Longtemps perçu comme un espace de coopération scientifique, l’Arctique est redevenu un théâtre "
            "de compétition stratégique. Le recul de la banquise ouvre des routes maritimes et rend "
            "accessibles des ressources jusqu’ici hors d’atteinte."
        ),
        figure(
            "Navire de recherche dans les eaux du Grand Nord.", alt="Navire de recherche au milieu de la glace de mer"
        ),
        paragraph(
            "La Russie y a réactivé d’anciennes bases et y concentre une part essentielle de sa dissuasion "
            "nucléaire océanique. La Chine, qui se définit comme un État « proche de l’Arctique », investit "
            "dans la recherche polaire et les infrastructures portuaires."
        ),
        h2("Un enjeu européen, pas seulement nordique"),
        paragraph(
            "Trois États membres de l’Union ont un territoire arctique, et l’adhésion de la Finlande et de la "
            "Suède à l’OTAN a profondément modifié l’équation régionale. Les câbles de données qui relient "
            "l’Europe à l’Asie et à l’Amérique du Nord empruntent de plus en plus ces latitudes."
        ),
        paragraph(
            "L’Europe manque pourtant de brise-glaces, de satellites d’observation dédiés et d’une "
            "stratégie commune qui dépasse la protection de l’environnement."
        ),
        paragraph(
            "Le CESS propose de faire de l’Arctique une priorité de la prochaine boussole stratégique, avec "
            "des objectifs capacitaires chiffrés."
        ),
    ),
)

MILITARY_AI = Post(
    slug="intelligence-artificielle-militaire-cinq-questions-pour-un-cadre-européen",
    title="Intelligence artificielle militaire : cinq questions pour un cadre européen",
    author=REDACTION,
    published=utc(2026, 2, 24, 10, 0),
    modified=utc(2026, 3, 2, 14, 22, 47),
    categories=("notes-stratégiques", "cybersécurité"),
    sitemap_form=RAW,
    body=(
        paragraph(
            "L’intelligence artificielle transforme déjà le renseignement, la logistique et le ciblage. "
            "L’Union européenne a adopté un cadre pour ses usages civils ; les usages militaires en sont "
            "expressément exclus. Cinq questions restent ouvertes."
        ),
        h2("1. Qui décide ?"),
        paragraph(
            "Le principe d’un contrôle humain significatif fait consensus. Sa traduction concrète, à la "
            "vitesse à laquelle opèrent certains systèmes de défense, reste à définir."
        ),
        h2("2. Avec quelles données ?"),
        paragraph(
            "Un système entraîné sur des données partielles ou manipulées peut se tromper avec assurance. "
            "La sécurité des jeux de données devient un enjeu de défense à part entière."
        ),
        h2("3. Avec quels fournisseurs ?"),
        paragraph(
            "Les modèles les plus performants sont développés hors d’Europe, par des entreprises privées. "
            "Leur usage militaire pose une question de dépendance comparable à celle des semi-conducteurs."
        ),
        h2("4. Selon quelles règles d’exportation ?"),
        paragraph(
            "Un modèle se copie en quelques secondes. Les régimes de contrôle conçus pour des biens "
            "physiques sont mal adaptés à ces technologies."
        ),
        h2("5. Avec quelle transparence ?"),
        paragraph(
            "Les parlements doivent pouvoir contrôler l’emploi de ces systèmes sans compromettre le secret "
            "des opérations. Cet équilibre existe pour le renseignement ; il reste à construire pour "
            "l’intelligence artificielle."
        ),
        paragraph("Le CESS publiera au cours de l’année une série de notes consacrées à chacune de ces questions."),
    ),
)

BLACK_SEA = Post(
    slug="mer-noire-la-sécurité-maritime-à-l-épreuve-de-la-guerre",
    title="Mer Noire : la sécurité maritime à l’épreuve de la guerre",
    author=VALETTE,
    published=utc(2026, 3, 17, 9, 40),
    categories=("analyses",),
    body=(
        paragraph(
            "La guerre en Ukraine a fait de la mer Noire un laboratoire de la guerre navale du XXIe siècle. "
            "Des drones de surface bon marché y ont contraint une flotte de premier rang à se replier loin "
            "de ses bases historiques."
        ),
        paragraph(
            "Le trafic commercial a repris, mais il reste exposé aux mines dérivantes, aux frappes sur les "
            "ports et au brouillage des systèmes de navigation."
        ),
        paragraph(
            "Pour les pays riverains membres de l’Union, la priorité est le déminage et la protection des "
            "routes d’exportation céréalière. La Roumanie et la Bulgarie, avec la Turquie, ont constitué une "
            "force commune de lutte contre les mines qui mérite un soutien européen accru."
        ),
        paragraph(
            "À plus long terme, la sécurité de la mer Noire conditionnera celle du corridor transcaspien, "
            "dont l’Europe attend une diversification de ses approvisionnements."
        ),
        paragraph(
            "Les enseignements tactiques de ce conflit devront être intégrés rapidement dans les doctrines "
            "navales européennes."
        ),
    ),
)

BAROMETER_2026_Q1 = Post(
    slug="baromètre-de-la-sécurité-européenne-1er-trimestre-2026",
    title="Baromètre de la sécurité européenne – 1er trimestre 2026",
    author=REDACTION,
    published=utc(2026, 4, 3, 7, 30),
    categories=("barometres",),
    body=(
        paragraph(
            "Le premier baromètre de 2026 confirme une dégradation générale de l’environnement de sécurité "
            "européen : aucun indicateur n’est orienté à la baisse."
        ),
        h2("Niveaux de menace"),
        ul(
            "Menace terroriste : élevée, stable",
            "Cyberattaques contre les services publics : très élevée, en hausse",
            "Ingérences informationnelles : très élevée, stable",
            "Criminalité organisée : très élevée, stable",
            "Sabotage d’infrastructures : élevée, stable",
            "Risque de conflit armé aux frontières de l’Union : très élevé, en hausse",
            "Vulnérabilités énergétiques : modérée, stable",
        ),
        h2("Faits marquants"),
        paragraph(
            "Les rançongiciels ont frappé plusieurs établissements de santé et collectivités, avec des "
            "interruptions de service de plusieurs semaines."
        ),
        h3("Méthode"),
        paragraph(
            "Les niveaux sont établis par un comité de lecture interne à partir de sources ouvertes, puis "
            "soumis à un panel de praticiens issus de la police, des armées et du secteur privé."
        ),
    ),
)

BRUSSELS_MEETING = Post(
    slug="rencontre-à-bruxelles-dialogue-sur-la-résilience-des-démocraties",
    title="Rencontre à Bruxelles : dialogue sur la résilience des démocraties",
    author=VALETTE,
    published=utc(2026, 4, 21, 15, 5),
    categories=("diplomatie",),
    feed_tracking=True,
    body=(
        paragraph(
            "Le Centre Européen de Sécurité et de Stratégie a participé à Bruxelles à une journée d’échanges "
            "consacrée à la résilience des démocraties face aux ingérences étrangères, réunissant "
            "parlementaires, diplomates et représentants de la société civile."
        ),
        paragraph(
            "Le CESS y a présenté ses travaux sur la protection des processus électoraux et plaidé pour un "
            "mécanisme européen d’alerte rapide, ouvert aux collectivités locales."
        ),
        paragraph("Ces échanges nourriront la note que le Centre publiera avant l’été."),
    ),
)

LOCAL_AUTHORITIES = Post(
    slug="cybersécurité-des-collectivités-locales-un-angle-mort-persistant",
    title="Cybersécurité des collectivités locales : un angle mort persistant",
    author=REDACTION,
    published=utc(2026, 5, 12, 8, 0),
    categories=("cybersécurité",),
    body=(
        paragraph(
            "Une commune moyenne gère l’état civil, les écoles, l’eau, parfois un hôpital. Elle le fait avec "
            "un informaticien, quand elle en a un. Cette asymétrie en fait une cible de choix."
        ),
        paragraph(
            "Les attaques par rançongiciel contre des collectivités se comptent désormais par centaines "
            "chaque année en Europe. Leurs conséquences sont concrètes : services fermés, données de "
            "citoyens publiées, coûts de reconstruction considérables."
        ),
        h2("Des mesures simples et peu coûteuses"),
        ul(
            "des sauvegardes déconnectées et testées régulièrement ;",
            "l’authentification forte pour tous les accès à distance ;",
            "la mutualisation d’un responsable de la sécurité entre plusieurs communes ;",
            "un exercice de crise annuel associant élus et agents.",
        ),
        paragraph(
            "La directive européenne sur la sécurité des réseaux élargit les obligations à une partie des "
            "collectivités. Elle n’aura d’effet qu’accompagnée de moyens humains et financiers."
        ),
        paragraph("La résilience de l’État commence à l’échelle de la commune."),
    ),
)

REARMAMENT = Post(
    slug="tribune-réarmer-l-europe-sans-désarmer-la-démocratie",
    title="Tribune : réarmer l’Europe sans désarmer la démocratie",
    author=VALETTE,
    published=utc(2026, 6, 2, 6, 0),
    categories=("tribunes",),
    body=(
        paragraph(
            "L’Europe réarme. Après des décennies de dividendes de la paix, les budgets de défense "
            "augmentent partout, et c’est une nécessité."
        ),
        paragraph(
            "Mais l’urgence ne doit pas servir à contourner le débat démocratique. Les choix d’équipement, "
            "les priorités industrielles et les éventuelles dérogations aux règles de la commande publique "
            "doivent rester soumis au contrôle des parlements."
        ),
        paragraph(
            "Un réarmement ",
            em("accepté"),
            " est un réarmement durable. Un réarmement imposé dans "
            "l’opacité nourrira demain le soupçon, puis le rejet.",
        ),
        paragraph(
            "Le CESS appelle à une loi de programmation européenne, débattue publiquement, qui fixe des "
            "objectifs, des moyens et des indicateurs de résultat."
        ),
        paragraph("La force d’une démocratie qui se défend tient aussi à la confiance de ses citoyens."),
    ),
)

SPACE = Post(
    slug="espace-la-guerre-des-satellites-a-déjà-commencé",
    title="Espace : la guerre des satellites a déjà commencé",
    author=VALETTE,
    published=utc(2026, 7, 29, 9, 30),
    categories=("analyses", "notes-stratégiques"),
    body=(
        paragraph(
            "Positionnement, communications, observation, alerte : les armées comme les économies modernes "
            "dépendent de satellites dont la vulnérabilité est connue de tous leurs adversaires."
        ),
        h2("Des menaces multiples"),
        h3("Le brouillage"),
        paragraph(
            "Le brouillage des signaux de navigation est devenu quotidien autour de la Baltique et en "
            "Méditerranée orientale, perturbant l’aviation civile."
        ),
        h3("Les satellites inspecteurs"),
        paragraph(
            "Certains engins manœuvrent à proximité immédiate de satellites militaires européens, sans "
            "qu’il soit possible de savoir s’il s’agit d’écoute, d’intimidation ou de préparation d’une "
            "action."
        ),
        h3("Les cyberattaques contre le segment sol"),
        paragraph(
            "La cible la plus accessible n’est pas en orbite mais au sol : stations de contrôle, terminaux, "
            "fournisseurs de services."
        ),
        h2("Une réponse européenne à construire"),
        paragraph(
            "La constellation souveraine de communication décidée par l’Union est un premier pas. Elle "
            "devra s’accompagner d’une capacité de surveillance de l’espace et d’une doctrine de réponse en "
            "cas d’agression."
        ),
        paragraph("L’espace n’est plus un sanctuaire. Il est temps d’en tirer les conséquences."),
    ),
)

TERRORISM = Post(
    slug="terrorisme-l-évolution-de-la-menace-endogène-en-europe",
    title="Terrorisme : l’évolution de la menace endogène en Europe",
    author=VALETTE,
    published=utc(2026, 8, 12, 7, 10),
    categories=("analyses",),
    feed_tracking=True,
    body=(
        paragraph(
            "La menace terroriste en Europe a changé de visage. Les projets d’attentat déjoués ces dernières "
            "années sont de plus en plus le fait d’individus isolés, souvent très jeunes, radicalisés en "
            "ligne en quelques semaines."
        ),
        paragraph(
            "Ces profils échappent aux schémas classiques de détection : peu de contacts avec des "
            "organisations structurées, pas de voyage vers une zone de combat, des motivations parfois "
            "hybrides mêlant plusieurs idéologies."
        ),
        paragraph(
            "Les plateformes de jeu en ligne et les messageries chiffrées jouent un rôle central dans ces "
            "trajectoires. Elles offrent à la fois une communauté, une propagande et parfois des "
            "instructions."
        ),
        paragraph(
            "La réponse ne peut être uniquement sécuritaire. Elle implique les familles, l’école, les "
            "acteurs de la santé mentale et les plateformes elles-mêmes."
        ),
        paragraph(
            "Le CESS recommande de renforcer les dispositifs de signalement précoce et la formation des "
            "professionnels au contact des adolescents."
        ),
        paragraph("La prévention reste l’outil le plus efficace, et le plus sous-financé."),
    ),
)

ORGANISED_CRIME = Post(
    slug="crime-organisé-les-signaux-faibles-d-une-bascule",
    title="Crime organisé : les signaux faibles d’une bascule",
    author=REDACTION,
    published=utc(2026, 9, 1, 8, 25),
    categories=("analyses",),
    body=(
        paragraph(
            "Plusieurs pays européens observent les mêmes signaux : une violence plus démonstrative, le "
            "recours à de très jeunes exécutants recrutés sur les réseaux sociaux, des menaces contre des "
            "magistrats et des journalistes."
        ),
        paragraph(
            "Ces signaux rappellent des trajectoires connues ailleurs, où des organisations criminelles ont "
            "fini par défier directement l’État."
        ),
        h2("Indicateurs à suivre"),
        ul(
            "les atteintes contre des agents publics, élus ou magistrats ;",
            "la part des homicides liés aux trafics ;",
            "les cas de corruption dans les ports, les prisons et les administrations ;",
            "le volume des avoirs criminels saisis au regard des profits estimés.",
        ),
        paragraph("Aucun pays européen n’a basculé. Mais la bascule ne s’annonce jamais ; elle se constate."),
        paragraph(
            "Le CESS plaide pour un parquet européen compétent en matière de criminalité organisée "
            "transfrontalière et pour un statut protecteur des repentis harmonisé."
        ),
        paragraph("La lutte contre le crime organisé est une question de souveraineté."),
    ),
)

BALKANS = Post(
    slug="balkans-occidentaux-l-élargissement-comme-enjeu-de-sécurité",
    title="Balkans occidentaux : l’élargissement comme enjeu de sécurité",
    author=VALETTE,
    published=utc(2026, 9, 24, 10, 45),
    categories=("diplomatie",),
    body=(
        paragraph(
            "Entourés par des États membres de l’Union, les pays des Balkans occidentaux attendent leur "
            "adhésion depuis plus de vingt ans. Cette attente prolongée a un coût stratégique."
        ),
        paragraph(
            "D’autres puissances occupent le terrain laissé libre : investissements dans les "
            "infrastructures, soutien médiatique à des responsables politiques, réseaux d’influence "
            "religieux ou culturels."
        ),
        paragraph(
            "La région reste aussi un point de passage des trafics d’armes et de stupéfiants vers l’Europe occidentale."
        ),
        paragraph(
            "L’élargissement n’est pas une récompense accordée à des candidats méritants. C’est un "
            "instrument de stabilisation du continent, qui suppose des engagements réciproques et un "
            "calendrier crédible."
        ),
        paragraph(
            "Le Centre Européen de Sécurité et de Stratégie appelle à intégrer pleinement la dimension de "
            "sécurité dans les négociations d’adhésion."
        ),
    ),
)

BAROMETER_2026_Q3 = Post(
    slug="baromètre-de-la-sécurité-européenne-3e-trimestre-2026",
    title="Baromètre de la sécurité européenne – 3e trimestre 2026",
    author=REDACTION,
    published=utc(2026, 10, 5, 7, 30),
    categories=("barometres",),
    feed_tracking=True,
    body=(
        paragraph(
            "Le baromètre du troisième trimestre marque une légère détente sur le front énergétique, mais "
            "une tension persistante sur la menace informationnelle à l’approche d’échéances électorales "
            "majeures."
        ),
        h2("Niveaux de menace"),
        ul(
            "Menace terroriste : élevée, stable",
            "Cyberattaques contre les services publics : très élevée, stable",
            "Ingérences informationnelles : très élevée, en hausse",
            "Criminalité organisée : très élevée, stable",
            "Sabotage d’infrastructures : élevée, en baisse",
            "Risque de conflit armé aux frontières de l’Union : très élevé, stable",
            "Vulnérabilités énergétiques : faible, en baisse",
        ),
        h2("Perspectives"),
        paragraph(
            "Le prochain trimestre sera marqué par la préparation de l’élection présidentielle française, "
            "cible probable de campagnes d’ingérence. Le CESS y consacre une note spécifique."
        ),
    ),
)

ELECTION_2027 = Post(
    slug="présidentielle-2027-anticiper-les-ingérences-étrangères",
    title="Présidentielle 2027 : anticiper les ingérences étrangères",
    author=VALETTE,
    published=utc(2026, 10, 27, 8, 0),
    modified=utc(2026, 10, 29, 17, 3, 55),
    categories=("notes-stratégiques", "cybersécurité"),
    body=(
        paragraph(
            "L’élection présidentielle de 2027 sera, selon toute vraisemblance, la plus exposée de l’histoire "
            "de la Ve République aux tentatives d’ingérence étrangère. Les outils existent, les acteurs sont "
            "connus, les précédents nombreux."
        ),
        paragraph(
            "Cette note présente les principaux scénarios de risque identifiés par le CESS et les mesures "
            "qui peuvent encore être prises dans les mois qui précèdent le scrutin."
        ),
        h2("Les scénarios de risque"),
        ol(
            "la diffusion, dans les derniers jours de campagne, de faux documents attribués à un candidat ;",
            "la production de fausses vidéos crédibles générées par intelligence artificielle ;",
            "des attaques informatiques contre les équipes de campagne suivies de fuites sélectives ;",
            "le financement occulte de relais d’opinion ou de médias en ligne ;",
            "la perturbation des services de l’État le jour du scrutin.",
        ),
        paragraph(
            "Aucun de ces scénarios n’est théorique. Chacun a déjà été observé lors d’élections récentes en "
            "Europe ou en Amérique du Nord."
        ),
        h2("Ce qui a changé depuis 2022"),
        paragraph(
            "La principale évolution tient à la baisse spectaculaire du coût de production de faux contenus "
            "audio et vidéo. Ce qui exigeait hier un studio et des semaines de travail est aujourd’hui à la "
            "portée de n’importe quel opérateur en quelques minutes."
        ),
        paragraph(
            "La seconde tient à la fragmentation des audiences : une partie croissante des électeurs "
            "s’informe sur des plateformes où la modération est faible et la traçabilité des contenus "
            "quasi inexistante."
        ),
        blockquote(
            "Protéger une élection, ce n’est pas choisir les informations que les électeurs ont le droit de "
            "voir ; c’est garantir qu’ils savent d’où elles viennent."
        ),
        h2("Nos recommandations"),
        ul(
            "un dispositif de veille associant services de l’État, plateformes et chercheurs, actif dès "
            "l’ouverture de la campagne officielle ;",
            "une procédure de signalement accélérée pour les faux contenus visant les candidats ;",
            "un accompagnement en cybersécurité proposé à toutes les équipes de campagne ;",
            "une information claire des électeurs sur les techniques de manipulation.",
        ),
        paragraph(
            "Le CESS mettra à la disposition des rédactions et des équipes de campagne un guide pratique au "
            "début de l’année 2027."
        ),
        spacer(),
        paragraph(
            "Pour aller plus loin, voir notre analyse ",
            link(
                "/post/ingérences-étrangères-anatomie-d-une-campagne-de-désinformation",
                "« Ingérences étrangères : anatomie d’une campagne de désinformation »",
            ),
            ".",
        ),
    ),
)

#: Every original post, oldest first.
ORIGINAL_POSTS = (
    BALTIC,
    CLOUD,
    BAROMETER_2025_Q1,
    INFORMATION_DETERRENCE,
    LNG_TERMINALS,
    SAHEL,
    PORTS,
    BAROMETER_2025_Q3,
    DISINFORMATION,
    DRONES,
    OUTSOURCING,
    ARCTIC,
    MILITARY_AI,
    BLACK_SEA,
    BAROMETER_2026_Q1,
    BRUSSELS_MEETING,
    LOCAL_AUTHORITIES,
    REARMAMENT,
    SPACE,
    TERRORISM,
    ORGANISED_CRIME,
    BALKANS,
    BAROMETER_2026_Q3,
    ELECTION_2027,
)
