"""The two real CESS posts of ``/work/shared/seeds`` (000 and 001), as posts of the local copy.

Their bodies are the article text of the seeds, without the template lines (skip links, title, comment
widget, footer). Empty spacer paragraphs sit where the seeds show a double blank line, as on the real
pages. The expected clean text of both is written by hand in ``expected/seed-000.txt`` and
``expected/seed-001.txt``.
"""

from __future__ import annotations

from .model import ENCODED, Post, figure, paragraph, spacer, utc

SEED_000_TITLE = (
    "Le Centre Européen de Sécurité et de Stratégie invite le Kazakhstan à engager un véritable "
    "partenariat sécuritaire entre l’Europe et l’Asie"
)
#: The slugified title cut at 100 characters, as Wix does (it ends in the middle of "partenariat").
SEED_000_SLUG = "le-centre-européen-de-sécurité-et-de-stratégie-invite-le-kazakhstan-à-engager-un-véritable-partenari"

SEED_001_TITLE = "Kazakhstan : sécuriser les corridors eurasiatiques, consolider la résilience européenne"
SEED_001_SLUG = "kazakhstan-sécuriser-les-corridors-eurasiatiques-consolider-la-résilience-européenne"

_SEED_000_CAPTION = (
    "Son Excellence Gulsara Arystankulova, ambassadrice du Kazakhstan, Anne Genetet, ancienne ministre "
    "déléguée à l’Éducation nationale, Thierry-Paul Valette Président du Centre Européen de Sécurité et "
    "Stratégie. Le 5 mai 2025, à l’Assemblée nationale"
)

# The alt text of the photo: a cut copy of an older caption (note the double space), as the seed shows.
_SEED_000_ALT = (
    "olloque de haut niveau consacré au renforcement du partenariat stratégique entre la France et le "
    "Kazakhstan. Organisé à l’initiative d’Emmanuel Dupuy, président de l’Institut Prospective et Sécurité "
    "en Europe (IPSE, Son Excellence Gulsara Arystankulova, ambassadrice du Kazakhstan,  Anne Genetet, "
    "ancienne ministre déléguée à l’Éducation nationale, Thierry-Paul Valette Président du Centre Européen "
    "de Sécurité et Stratégie. Le 5 mai 2025, à l’Assemblée nationale)"
)

SEED_000 = Post(
    slug=SEED_000_SLUG,
    title=SEED_000_TITLE,
    author="Thierry-Paul Valette",
    published=utc(2025, 5, 6, 9, 12, 44),
    modified=utc(2025, 5, 7, 7, 41, 5),
    categories=("diplomatie", "analyses"),
    sitemap_form=ENCODED,
    comments_label="Comentarios",
    body=(
        paragraph(
            "Le 5 mai 2025, à l’Assemblée nationale, s’est tenu un colloque de haut niveau consacré au "
            "renforcement du partenariat stratégique entre la France et le Kazakhstan. Organisé à "
            "l’initiative d’Emmanuel Dupuy, président de l’Institut Prospective et Sécurité en Europe "
            "(IPSE), l’événement réunissait autour de la table diplomates, députés, universitaires et "
            "analystes pour explorer les voies de convergence entre Paris et Astana dans un monde traversé "
            "par des tensions croissantes."
        ),
        spacer(),
        figure(_SEED_000_CAPTION, alt=_SEED_000_ALT, image="3b2f41_9c0e7d2a5b8f4c61a7e3d09b1f6c2e84"),
        paragraph(
            "Cette rencontre marquait un temps fort dans le dialogue eurasiatique contemporain, en présence "
            "de personnalités telles que Son Excellence Gulsara Arystankulova, ambassadrice du Kazakhstan, le "
            "député Bruno Fuchs, président de la Commission des Affaires étrangères, Anne Genetet, ancienne "
            "ministre déléguée à l’Éducation nationale, et plusieurs spécialistes de l’Asie centrale. Le "
            "Centre Européen de Sécurité et de Stratégie (CESS) y était représenté par son fondateur, "
            "Thierry-Paul Valette."
        ),
        spacer(),
        paragraph(
            "Si les échanges ont brillamment couvert les aspects économiques, diplomatiques et culturels du "
            "partenariat, le CESS déplore l’absence totale d’un pilier pourtant essentiel à toute coopération "
            "stratégique : la sécurité."
        ),
        spacer(),
        paragraph(
            "Aucun mot sur la cybersécurité. Aucun débat sur les flux migratoires et les trafics "
            "transnationaux. Aucune mention de la guerre informationnelle, ni des risques liés à l’IA "
            "militaire ou à la dépendance technologique croissante aux puissances non européennes. Cette "
            "omission est d’autant plus préoccupante qu’elle intervient dans un contexte mondial où les "
            "menaces hybrides, la fragmentation des alliances, et les stratégies d’influence non "
            "conventionnelles se multiplient."
        ),
        spacer(),
        paragraph(
            "Il suffit d’observer l’actualité récente pour saisir l’urgence de cet appel : en avril 2025, des "
            "cyberattaques attribuées à des groupes liés au FSB russe ont visé les ministères de l’Énergie et "
            "de l’Information du Kazakhstan, exploitant des failles dans des infrastructures numériques "
            "gérées par des prestataires chinois. Quelques mois plus tôt, l’Agence nationale kazakhe de "
            "cybersécurité rapportait une hausse de 38 % des intrusions ciblées sur les réseaux critiques du "
            "pays, notamment dans les secteurs ferroviaire et bancaire, zones de coopération directe avec "
            "les entreprises européennes."
        ),
        spacer(),
        paragraph(
            "Dans ce même laps de temps, l’Union européenne finalisait ses accords de coopération logistique "
            "avec le Kazakhstan dans le cadre du Middle Corridor – axe ferroviaire et maritime stratégique "
            "entre la mer Caspienne et la mer Noire, conçu comme une alternative aux routes sino-russes. Or, "
            "sans stratégie commune de sécurisation des infrastructures critiques, ce corridor reste exposé "
            "à des sabotages techniques, à des interceptions de données, voire à des manipulations "
            "logistiques coordonnées."
        ),
        spacer(),
        paragraph(
            "Autre exemple : au sud du Kazakhstan, les frontières avec le Kirghizistan et l’Ouzbékistan sont "
            "marquées par une circulation préoccupante de petites armes, de précurseurs chimiques, et "
            "d’idéologies religieuses radicales venues du nord de l’Afghanistan. Ces trafics constituent des "
            "risques transnationaux majeurs, susceptibles de déstabiliser l’ensemble de la région, y compris "
            "les intérêts diplomatiques et économiques français."
        ),
        spacer(),
        paragraph(
            "Dans ce contexte, le CESS formule un appel solennel aux autorités kazakhes : il est impératif "
            "d’intégrer pleinement la dimension sécuritaire dans toute ambition de partenariat stratégique "
            "entre le Kazakhstan, la France et, au-delà, l’Europe."
        ),
        spacer(),
        paragraph(
            "Le Kazakhstan, de par sa position charnière, son histoire post-soviétique, sa diplomatie "
            "équilibriste entre Moscou, Pékin et Bruxelles, est l’un des rares États capable d’incarner une "
            "architecture multipolaire de sécurité en Asie centrale. Mais encore faut-il qu’il s’empare de "
            "cette responsabilité avec une vision souveraine et résolue."
        ),
        spacer(),
        paragraph(
            "Le Centre Européen de Sécurité et de Stratégie se tient prêt à accompagner cette dynamique, en "
            "proposant un socle de coopération structuré autour de quatre axes concrets :"
        ),
        paragraph(
            "• Le déminage et la dépollution stratégique, notamment dans les zones encore marquées par les "
            "essais nucléaires soviétiques à Semipalatinsk, où la France pourrait intervenir via son "
            "expertise technique et humanitaire."
        ),
        paragraph(
            "• La cybersécurité industrielle, avec la mise en place d’un dialogue opérationnel entre agences "
            "spécialisées, capable de répondre aux menaces ciblant les réseaux d’énergie, de transport ou de "
            "télécommunications."
        ),
        paragraph(
            "• La lutte contre les menaces hybrides et les opérations d’influence, en appui à une stratégie "
            "nationale kazakhe de contre-désinformation, d’éducation numérique et de sécurisation cognitive."
        ),
        paragraph(
            "• Le développement responsable de l’intelligence artificielle, afin de garantir une gouvernance "
            "éthique des algorithmes utilisés dans les systèmes de surveillance, de contrôle des frontières "
            "ou de gestion de crise."
        ),
        spacer(),
        paragraph(
            "Ces enjeux ne sont ni secondaires, ni théoriques. Ils conditionnent, aujourd’hui plus que jamais, "
            "la souveraineté des nations, la stabilité régionale, et la crédibilité des alliances "
            "géopolitiques."
        ),
        spacer(),
        paragraph(
            "C’est pourquoi le CESS appelle les institutions kazakhes, les autorités françaises compétentes, "
            "et les représentations européennes à entamer, dans les meilleurs délais, un dialogue structuré "
            "et prospectif, qui fasse de la sécurité non plus un angle mort, mais le socle même de la "
            "coopération entre nos deux continents."
        ),
        spacer(),
        paragraph(
            "Il ne peut y avoir d’ambition eurasiatique sans stratégie de sécurité partagée. Il ne peut y "
            "avoir de partenariat durable sans confiance mutuelle fondée sur la prévention, l’anticipation, "
            "et la codéfinition des vulnérabilités. Il ne peut y avoir de paix sans souveraineté."
        ),
        spacer(),
        paragraph(
            "Le Centre Européen de Sécurité et de Stratégie, fidèle à sa mission, réaffirme sa disponibilité "
            "pour ouvrir ce chantier aux côtés du Kazakhstan — et contribuer, par sa vision, ses travaux et "
            "son indépendance, à bâtir les fondations d’un partenariat stratégique véritablement global, "
            "souverain et résilient."
        ),
        spacer(),
    ),
)

SEED_001 = Post(
    slug=SEED_001_SLUG,
    title=SEED_001_TITLE,
    author="Thierry-Paul Valette",
    published=utc(2025, 12, 3, 8, 30, 0),
    categories=("notes-stratégiques", "diplomatie"),
    sitemap_form=ENCODED,
    feed_tracking=True,
    body=(
        paragraph(
            "Les recommandations suivantes s’inscrivent dans le prolongement des travaux du Centre Européen "
            "de Sécurité et de Stratégie et font suite à sa participation, en qualité d’invité, à la table "
            "ronde organisée au Sénat par l'IPSE présidé par Emmanuel Dupuy et consacrée au Kazakhstan et à "
            "l’Asie centrale. Présent parmi les responsables diplomatiques, parlementaires et experts réunis "
            "pour plusieurs heures d’échanges, le Centre a contribué au débat en soulevant une interrogation "
            "stratégique relative à la sécurisation durable des corridors énergétiques et commerciaux "
            "euro-asiatiques."
        ),
        spacer(),
        paragraph(
            "Les analyses et orientations qui suivent constituent une lecture indépendante, élaborée à "
            "l’issue de ces échanges et inscrite dans la mission du Centre : analyser les dynamiques "
            "stratégiques affectant la sécurité européenne."
        ),
        spacer(),
        paragraph(
            "Le Kazakhstan s’affirme désormais comme un acteur pivot des interconnexions énergétiques et "
            "commerciales entre l’Europe et l’Asie. Sa centralité géographique, son rôle dans les chaînes "
            "d’approvisionnement, ainsi que son poids dans le domaine des ressources stratégiques, notamment "
            "énergétiques et minières, en font un maillon structurant des équilibres eurasiatiques "
            "contemporains. Cette évolution constitue à la fois une opportunité pour l’Union européenne et un "
            "défi sécuritaire majeur."
        ),
        spacer(),
        paragraph(
            "La première priorité identifiée par le Centre concerne l’intégration pleine et entière de l’Asie "
            "centrale dans la stratégie de sécurité énergétique européenne. La diversification des "
            "approvisionnements ne peut être dissociée de la sécurisation des routes d’exportation et de la "
            "protection des infrastructures critiques. Les flux énergétiques et commerciaux doivent être "
            "envisagés dans une logique de résilience systémique, incluant l’anticipation des ruptures, la "
            "gestion des risques hybrides et la prévention des dépendances excessives."
        ),
        spacer(),
        paragraph(
            "La deuxième priorité réside dans la protection des corridors logistiques et des infrastructures "
            "stratégiques. Les hubs ferroviaires, énergétiques et numériques situés au Kazakhstan sont "
            "appelés à devenir des nœuds essentiels des échanges euro-asiatiques. Dans un environnement "
            "marqué par les tensions géopolitiques, les risques cyber et les stratégies d’influence, la "
            "sécurisation durable de ces infrastructures doit constituer un axe structurant du dialogue entre "
            "l’Europe et l’Asie centrale. La connectivité, si elle n’est pas sécurisée, devient une "
            "vulnérabilité stratégique."
        ),
        spacer(),
        paragraph(
            "La troisième orientation stratégique concerne la présence industrielle et économique européenne "
            "dans la région. L’insuffisance relative de certains investissements européens peut créer un "
            "vide stratégique susceptible d’être comblé par d’autres puissances. Une politique coordonnée "
            "d’investissement, articulée avec une diplomatie économique cohérente, contribuerait à renforcer "
            "la stabilité régionale tout en consolidant les intérêts européens à long terme."
        ),
        spacer(),
        paragraph(
            "La quatrième priorité identifiée par le Centre tient à l’accompagnement des évolutions "
            "institutionnelles et normatives. La stabilité politique et juridique constitue un facteur "
            "déterminant de sécurité régionale. Le renforcement des dialogues parlementaires, institutionnels "
            "et réglementaires doit être considéré comme un levier de consolidation stratégique et de "
            "prévisibilité des partenariats."
        ),
        spacer(),
        paragraph(
            "Enfin, le Centre Européen de Sécurité et de Stratégie estime que l’Union européenne doit adopter "
            "une approche lucide et structurée des équilibres d’influence en Eurasie. La diplomatie "
            "d’équilibre conduite par le Kazakhstan s’inscrit dans un contexte international en "
            "recomposition. L’Europe doit proposer un partenariat structurant, fondé sur la stabilité, la "
            "réciprocité et la sécurité à long terme, plutôt que s’inscrire dans une logique de compétition "
            "binaire."
        ),
        spacer(),
        paragraph(
            "L’Asie centrale ne peut plus être considérée comme périphérique dans la réflexion stratégique "
            "européenne. Elle constitue désormais un espace déterminant pour la résilience énergétique, la "
            "stabilité des flux commerciaux et l’équilibre géopolitique du continent. Pour le Centre "
            "Européen de Sécurité et de Stratégie, la priorité n’est pas seulement de soutenir la "
            "connectivité, mais d’en garantir la sécurité durable dans un environnement international "
            "incertain."
        ),
        spacer(),
        paragraph("Thierry-Paul Valette"),
        paragraph("Président du Centre Européen de Sécurité et de Stratégie"),
    ),
)
