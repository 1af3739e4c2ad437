"""Static pages, home pages and English translations of the local copy (original texts).

The static pages are Wix pages (rich-text elements, buttons, images) rather than blog posts. One of them
is a Wix duplicate whose slug no longer matches its title: ``/copie-de-souveraineté-numérique-ia`` is
titled "Défense & Sécurité européenne". ``/contact`` is a form, not content.

Translations: two posts (seed 001 and the Arctic analysis) and one page (``/notre-expertise``) exist in
English under ``/en/…``; they are linked to their French original with ``hreflang`` in both directions.
"""

from __future__ import annotations

from .content_posts import ARCTIC
from .content_seeds import SEED_001
from .model import Page, Post, h2, h3, paragraph, spacer, ul, utc

# ---------------------------------------------------------------------------------------- static pages

EXPERTISE = Page(
    path="/notre-expertise",
    title="Notre expertise",
    description="Les domaines d’analyse du Centre Européen de Sécurité et de Stratégie.",
    body=(
        paragraph(
            "Le Centre Européen de Sécurité et de Stratégie (CESS) est un centre de réflexion indépendant "
            "établi à Paris et à Bruxelles. Il analyse les menaces qui pèsent sur la sécurité de l’Europe "
            "et formule des recommandations à l’intention des décideurs publics."
        ),
        h2("Nos domaines d’analyse"),
        ul(
            "menaces hybrides et guerre informationnelle ;",
            "sécurité intérieure, terrorisme et criminalité organisée ;",
            "cybersécurité et souveraineté numérique ;",
            "défense européenne et industrie de défense ;",
            "diplomatie de sécurité, de l’Asie centrale aux Balkans.",
        ),
        h2("Notre méthode"),
        paragraph(
            "Nos travaux s’appuient sur des sources ouvertes, des entretiens avec des praticiens et un "
            "dialogue régulier avec les institutions nationales et européennes. Chaque publication est "
            "relue par un comité interne."
        ),
        paragraph(
            "Le CESS publie des analyses, des notes stratégiques, des tribunes et un baromètre trimestriel "
            "de la sécurité européenne."
        ),
    ),
)

HYBRID_THREATS = Page(
    path="/menaces-hybrides",
    title="Menaces hybrides",
    description="Désinformation, sabotage, pression migratoire : comprendre les menaces hybrides.",
    body=(
        paragraph(
            "Les menaces hybrides combinent des moyens militaires et non militaires pour affaiblir un "
            "adversaire sans franchir le seuil d’un conflit ouvert. Leur ambiguïté est leur principale arme."
        ),
        h2("Des modes d’action variés"),
        ul(
            "campagnes de désinformation et manipulation des réseaux sociaux ;",
            "sabotage d’infrastructures critiques, sur terre comme en mer ;",
            "instrumentalisation des flux migratoires aux frontières ;",
            "cyberattaques contre les services publics et les entreprises.",
        ),
        paragraph("Le CESS suit ces menaces de manière continue et en rend compte dans son baromètre trimestriel."),
        paragraph(
            "Comprendre la logique d’ensemble de ces actions, souvent présentées comme isolées, est la "
            "première condition d’une réponse efficace."
        ),
    ),
)

DIPLOMACY = Page(
    path="/activites-diplomatiques-rencontres",
    title="Activités diplomatiques & rencontres",
    description="Colloques, tables rondes et rencontres auxquels participe le CESS.",
    body=(
        paragraph(
            "Le Centre participe régulièrement à des colloques, tables rondes et rencontres diplomatiques, "
            "en France comme à l’étranger. Ces échanges nourrissent ses analyses et lui permettent de "
            "porter ses recommandations auprès des décideurs."
        ),
        h2("Rencontres récentes"),
        ul(
            "Assemblée nationale, mai 2025 : colloque sur le partenariat entre la France et le Kazakhstan ;",
            "Sénat, novembre 2025 : table ronde consacrée à l’Asie centrale ;",
            "Bruxelles, avril 2026 : journée sur la résilience des démocraties.",
        ),
        paragraph("Les comptes rendus de ces rencontres sont publiés sur le blog du Centre."),
    ),
)

INTERNAL_SECURITY = Page(
    path="/securite-interieure-crime-organise",
    title="Sécurité intérieure & crime organisé",
    description="Terrorisme, narcotrafic, violences : les travaux du CESS sur la sécurité intérieure.",
    body=(
        paragraph(
            "La frontière entre sécurité intérieure et sécurité extérieure s’efface. Les réseaux criminels "
            "opèrent à l’échelle du continent, les menaces terroristes se nourrissent de crises lointaines."
        ),
        h2("Nos axes de travail"),
        paragraph(
            "Le CESS étudie l’évolution de la menace terroriste, l’emprise du narcotrafic sur les ports et "
            "les villes, la corruption et les atteintes aux agents publics."
        ),
        paragraph(
            "Il plaide pour une coopération policière et judiciaire européenne renforcée, dotée de moyens à "
            "la hauteur des organisations qu’elle combat."
        ),
    ),
)

INTERFERENCE = Page(
    path="/mecanismes-ingerence",
    title="Mécanismes d’ingérence",
    description="Comment les puissances étrangères cherchent à influencer les décisions européennes.",
    body=(
        paragraph(
            "L’ingérence étrangère ne se limite pas à la désinformation. Elle passe aussi par le financement "
            "de relais d’opinion, la captation d’élites, la pression économique et l’espionnage."
        ),
        h2("Reconnaître une ingérence"),
        paragraph(
            "Une influence devient ingérence lorsqu’elle est dissimulée, coercitive ou corruptrice. Cette "
            "distinction, simple en théorie, est délicate à établir en pratique."
        ),
        h3("Trois questions à se poser"),
        ul(
            "qui finance réellement ce contenu ou cette organisation ?",
            "les liens avec une puissance étrangère sont-ils déclarés ?",
            "l’action vise-t-elle à informer ou à contraindre ?",
        ),
        paragraph(
            "Le CESS contribue à la sensibilisation des élus, des entreprises et des universités à ces mécanismes."
        ),
    ),
)

EUROPEAN_DEFENCE = Page(
    path="/copie-de-souveraineté-numérique-ia",
    title="Défense & Sécurité européenne",
    description="Autonomie stratégique, industrie de défense, alliances : la défense de l’Europe.",
    body=(
        paragraph(
            "La guerre est revenue sur le continent européen. Elle oblige l’Europe à repenser sa défense, "
            "longtemps confiée à d’autres, et à reconstruire des capacités laissées à l’abandon."
        ),
        h2("Une autonomie stratégique à construire"),
        paragraph(
            "L’autonomie stratégique ne s’oppose pas aux alliances : elle en est la condition. Une Europe "
            "capable de produire ses munitions, de protéger ses infrastructures et de décider seule est un "
            "partenaire plus solide."
        ),
        paragraph(
            "Le CESS suit les programmes industriels européens, les débats budgétaires et l’évolution des "
            "doctrines militaires."
        ),
        spacer(),
    ),
)

DIGITAL_SOVEREIGNTY = Page(
    path="/souveraineté-numérique-ia",
    title="Souveraineté numérique & IA",
    description="Cloud, données, intelligence artificielle : les enjeux de souveraineté numérique.",
    body=(
        paragraph(
            "Données, cloud, semi-conducteurs, intelligence artificielle : la puissance se mesure désormais "
            "aussi à la maîtrise des technologies numériques."
        ),
        paragraph(
            "Le CESS analyse les dépendances technologiques de l’Europe et les moyens de les réduire sans "
            "se couper de l’innovation mondiale."
        ),
        paragraph(
            "Ses travaux portent notamment sur l’hébergement des données sensibles et sur l’encadrement des "
            "usages militaires de l’intelligence artificielle."
        ),
    ),
)

CONTACT = Page(
    path="/contact",
    title="Contact",
    kind="contact",
    description="Écrire au Centre Européen de Sécurité et de Stratégie.",
    body=(paragraph("Une question, une demande d’intervention ou de partenariat ? Écrivez-nous."),),
)

STATIC_PAGES = (
    EXPERTISE,
    HYBRID_THREATS,
    DIPLOMACY,
    INTERNAL_SECURITY,
    INTERFERENCE,
    EUROPEAN_DEFENCE,
    DIGITAL_SOVEREIGNTY,
    CONTACT,
)

# ------------------------------------------------------------------------------------------ home pages

HOME = Page(
    path="/",
    title="Centre Européen de Sécurité et de Stratégie",
    kind="home",
    description="Centre de réflexion indépendant sur la sécurité et la stratégie européennes, Paris et Bruxelles.",
    body=(
        paragraph(
            "Centre de réflexion indépendant, le CESS éclaire les décideurs et les citoyens sur les menaces "
            "qui pèsent sur la sécurité de l’Europe."
        ),
    ),
)

HOME_EN = Page(
    path="/en",
    title="European Centre for Security and Strategy",
    kind="home",
    lang="en",
    translation_of="/",
    description="Independent think tank on European security and strategy, Paris and Brussels.",
    body=(
        paragraph(
            "An independent think tank, CESS informs decision-makers and citizens about the threats facing "
            "Europe’s security."
        ),
    ),
)

# ----------------------------------------------------------------------------------------- translations

EXPERTISE_EN = Page(
    path="/en/our-expertise",
    title="Our expertise",
    lang="en",
    translation_of=EXPERTISE.path,
    description="The fields of analysis of the European Centre for Security and Strategy.",
    body=(
        paragraph(
            "The European Centre for Security and Strategy (CESS) is an independent think tank based in "
            "Paris and Brussels. It analyses the threats to Europe’s security and makes recommendations to "
            "public decision-makers."
        ),
        h2("Our fields of analysis"),
        ul(
            "hybrid threats and information warfare;",
            "internal security, terrorism and organised crime;",
            "cybersecurity and digital sovereignty;",
            "European defence and the defence industry;",
            "security diplomacy, from Central Asia to the Balkans.",
        ),
        h2("Our method"),
        paragraph(
            "Our work draws on open sources, interviews with practitioners and a regular dialogue with "
            "national and European institutions. Every publication is reviewed by an internal committee."
        ),
        paragraph("CESS publishes analyses, strategic notes, op-eds and a quarterly barometer of European security."),
    ),
)

SEED_001_EN = Post(
    slug="kazakhstan-securing-eurasian-corridors-strengthening-european-resilience",
    title="Kazakhstan: securing the Eurasian corridors, strengthening European resilience",
    author=SEED_001.author,
    published=utc(2025, 12, 9, 10, 0),
    categories=SEED_001.categories,
    lang="en",
    prefix="/en",
    translation_of=SEED_001.slug,
    body=(
        paragraph(
            "The following recommendations build on the work of the European Centre for Security and "
            "Strategy and follow its participation, as a guest, in the round table on Kazakhstan and Central "
            "Asia organised at the French Senate by IPSE, chaired by Emmanuel Dupuy. Among the diplomats, "
            "members of parliament and experts gathered for several hours of discussion, the Centre raised "
            "a strategic question: how to secure the Euro-Asian energy and trade corridors over time."
        ),
        paragraph(
            "The analysis and guidance below are an independent reading, drawn up after these discussions "
            "and in line with the Centre’s mission: to analyse the strategic dynamics that affect European "
            "security."
        ),
        paragraph(
            "Kazakhstan is now a pivotal player in the energy and trade links between Europe and Asia. Its "
            "central location, its place in supply chains and its weight in strategic resources, energy and "
            "minerals above all, make it a structural link in today’s Eurasian balance. This is both an "
            "opportunity for the European Union and a major security challenge."
        ),
        paragraph(
            "The first priority identified by the Centre is to bring Central Asia fully into Europe’s "
            "energy security strategy. Diversifying supplies cannot be separated from securing export routes "
            "and protecting critical infrastructure. Energy and trade flows must be seen through the lens of "
            "systemic resilience: anticipating disruptions, managing hybrid risks and avoiding excessive "
            "dependencies."
        ),
        paragraph(
            "The second priority is the protection of logistics corridors and strategic infrastructure. "
            "Kazakhstan’s rail, energy and digital hubs are set to become key nodes of Euro-Asian trade. In "
            "a climate of geopolitical tension, cyber risk and influence strategies, securing them should be "
            "a central theme of the dialogue between Europe and Central Asia. Connectivity that is not "
            "secured becomes a strategic weakness."
        ),
        paragraph(
            "The third strategic direction concerns Europe’s industrial and economic presence in the region. "
            "Relatively low European investment can leave a strategic vacuum that other powers are ready to "
            "fill. A coordinated investment policy, backed by consistent economic diplomacy, would support "
            "regional stability while serving Europe’s long-term interests."
        ),
        paragraph(
            "The fourth priority is support for institutional and regulatory change. Political and legal "
            "stability is a decisive factor in regional security. Stronger parliamentary, institutional and "
            "regulatory dialogue should be treated as a way to consolidate partnerships and make them more "
            "predictable."
        ),
        paragraph(
            "Finally, the Centre believes that the European Union must take a clear-sighted, structured "
            "approach to the balance of influence in Eurasia. Kazakhstan’s balanced diplomacy belongs to an "
            "international order in flux. Europe should offer a structuring partnership, founded on "
            "stability, reciprocity and long-term security, rather than join a zero-sum competition."
        ),
        paragraph(
            "Central Asia can no longer be treated as peripheral in Europe’s strategic thinking. It is now "
            "decisive for energy resilience, for the stability of trade flows and for the geopolitical "
            "balance of the continent. For the Centre, the priority is not only to support connectivity but "
            "to make it durably secure in an uncertain world."
        ),
        paragraph("Thierry-Paul Valette"),
        paragraph("President of the European Centre for Security and Strategy"),
    ),
)

ARCTIC_EN = Post(
    slug="arctic-europe-s-new-strategic-frontier",
    title="The Arctic: Europe’s new strategic frontier",
    author=ARCTIC.author,
    published=utc(2026, 2, 11, 9, 0),
    categories=ARCTIC.categories,
    lang="en",
    prefix="/en",
    translation_of=ARCTIC.slug,
    body=(
        paragraph(
            "Long seen as a place of scientific cooperation, the Arctic has once again become an arena of "
            "strategic competition. The retreat of the sea ice opens shipping routes and brings resources "
            "within reach that were inaccessible until now."
        ),
        paragraph(
            "Russia has reopened former bases there and keeps a large part of its sea-based nuclear "
            "deterrent in the region. China, which calls itself a “near-Arctic state”, invests in polar "
            "research and port infrastructure."
        ),
        h2("A European issue, not only a Nordic one"),
        paragraph(
            "Three EU member states have Arctic territory, and the accession of Finland and Sweden to NATO "
            "has deeply changed the regional equation. The data cables linking Europe to Asia and North "
            "America increasingly run through these latitudes."
        ),
        paragraph(
            "Yet Europe lacks icebreakers, dedicated observation satellites and a common strategy that goes "
            "beyond environmental protection."
        ),
        paragraph(
            "CESS proposes to make the Arctic a priority of the next Strategic Compass, with quantified "
            "capability targets."
        ),
    ),
)

TRANSLATED_POSTS = (SEED_001_EN, ARCTIC_EN)
TRANSLATED_PAGES = (EXPERTISE_EN,)
