//! Plausible names for the demo's invented people, organisations and stacks (our own lists),
//! drawn from a seeded generator so every build names them alike.

use std::collections::HashSet;

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

const FIRST: &[&str] = &[
    "Aaliyah",
    "Aarav",
    "Abdul",
    "Ada",
    "Adriana",
    "Ahmed",
    "Aiko",
    "Aisha",
    "Alejandro",
    "Alex",
    "Alice",
    "Amara",
    "Amir",
    "Ana",
    "Andrei",
    "Anika",
    "Anna",
    "Antoine",
    "Arjun",
    "Astrid",
    "Ayumi",
    "Beatriz",
    "Ben",
    "Bianca",
    "Bilal",
    "Bjorn",
    "Bruno",
    "Camila",
    "Carla",
    "Carlos",
    "Chen",
    "Chidi",
    "Chloe",
    "Clara",
    "Daniel",
    "Daniela",
    "Dara",
    "David",
    "Dev",
    "Diego",
    "Dmitri",
    "Elena",
    "Elif",
    "Eliza",
    "Emeka",
    "Emil",
    "Emma",
    "Erik",
    "Esther",
    "Ethan",
    "Fatima",
    "Felix",
    "Fernanda",
    "Finn",
    "Freya",
    "Gabriel",
    "Grace",
    "Hana",
    "Hannah",
    "Hassan",
    "Hugo",
    "Ibrahim",
    "Ines",
    "Ingrid",
    "Isabel",
    "Ivan",
    "Jakub",
    "James",
    "Jana",
    "Javier",
    "Jin",
    "Joao",
    "Jonas",
    "Julia",
    "Kai",
    "Karim",
    "Kasia",
    "Kenji",
    "Kofi",
    "Lars",
    "Laura",
    "Leila",
    "Leo",
    "Lena",
    "Liam",
    "Lin",
    "Lucas",
    "Lucia",
    "Luis",
    "Maja",
    "Malik",
    "Marco",
    "Maria",
    "Marta",
    "Mateo",
    "Maya",
    "Mehmet",
    "Mei",
    "Mia",
    "Miguel",
    "Mina",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nico",
    "Nina",
    "Noah",
    "Nora",
    "Olga",
    "Omar",
    "Oscar",
    "Pablo",
    "Paula",
    "Pedro",
    "Priya",
    "Rafael",
    "Rahul",
    "Rania",
    "Ravi",
    "Rosa",
    "Ruben",
    "Sakura",
    "Samir",
    "Sara",
    "Sebastian",
    "Sofia",
    "Sven",
    "Tariq",
    "Theo",
    "Tomas",
    "Valentina",
    "Victor",
    "Wei",
    "Yara",
    "Yuki",
    "Yusuf",
    "Zainab",
    "Zoe",
];

const LAST: &[&str] = &[
    "Abara",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Brennan",
    "Castro",
    "Chen",
    "Costa",
    "Dahl",
    "Das",
    "Dubois",
    "Eriksson",
    "Fernandes",
    "Fischer",
    "Fontaine",
    "Garcia",
    "Gomez",
    "Hansen",
    "Haddad",
    "Hoffmann",
    "Horvat",
    "Hughes",
    "Ivanova",
    "Jansen",
    "Kaur",
    "Keller",
    "Khan",
    "Kim",
    "Kowalski",
    "Kruger",
    "Larsen",
    "Lee",
    "Lindqvist",
    "Lopez",
    "Mahlangu",
    "Marino",
    "Martin",
    "Mendes",
    "Meyer",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Nowak",
    "Okafor",
    "Okoro",
    "Olsen",
    "Ortiz",
    "Park",
    "Patel",
    "Pereira",
    "Petrov",
    "Popescu",
    "Quinn",
    "Ramos",
    "Reyes",
    "Ricci",
    "Rossi",
    "Sato",
    "Schmidt",
    "Schneider",
    "Silva",
    "Singh",
    "Sokolova",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Varga",
    "Vasquez",
    "Volkov",
    "Wagner",
    "Walsh",
    "Weber",
    "Wojcik",
    "Yamamoto",
    "Yilmaz",
    "Zhang",
    "Zhou",
];

const TITLES: &[&str] = &[
    "Software Engineer",
    "Senior Software Engineer",
    "Backend Developer",
    "Frontend Developer",
    "Full-stack Developer",
    "Staff Engineer",
    "Engineering Manager",
    "CTO",
    "DevOps Engineer",
    "Site Reliability Engineer",
    "Data Engineer",
    "Mobile Developer",
    "Platform Engineer",
    "Tech Lead",
    "Freelance developer",
];

const COMPANY_FIRST: &[&str] = &[
    "Acorn",
    "Alder",
    "Amber",
    "Anchor",
    "Apex",
    "Arbor",
    "Aster",
    "Atlas",
    "Aurora",
    "Basalt",
    "Beacon",
    "Birch",
    "Bluefin",
    "Boreal",
    "Brightwater",
    "Cascade",
    "Cedar",
    "Cinder",
    "Cobalt",
    "Compass",
    "Copperleaf",
    "Coral",
    "Crescent",
    "Delta",
    "Driftwood",
    "Ember",
    "Evergreen",
    "Fathom",
    "Fernhill",
    "Fjord",
    "Flint",
    "Foxglove",
    "Granite",
    "Greenline",
    "Harbor",
    "Hazel",
    "Helix",
    "Heron",
    "Highland",
    "Horizon",
    "Indigo",
    "Ironbark",
    "Juniper",
    "Kestrel",
    "Lantern",
    "Larch",
    "Lighthouse",
    "Lumen",
    "Magnolia",
    "Maple",
    "Meridian",
    "Mistral",
    "Moss",
    "Northwind",
    "Oakridge",
    "Onyx",
    "Orchard",
    "Osprey",
    "Pebble",
    "Pinecone",
    "Prism",
    "Quarry",
    "Quill",
    "Redwood",
    "Ridgeline",
    "Riverbend",
    "Saffron",
    "Sandstone",
    "Sequoia",
    "Silverline",
    "Slate",
    "Sparrow",
    "Spruce",
    "Stonebridge",
    "Summit",
    "Tamarack",
    "Thistle",
    "Tidewater",
    "Timber",
    "Topaz",
    "Trellis",
    "Tundra",
    "Umber",
    "Vantage",
    "Verdant",
    "Willow",
    "Windmill",
    "Yarrow",
    "Zephyr",
];

const COMPANY_LAST: &[&str] = &[
    "Labs",
    "Systems",
    "Analytics",
    "Health",
    "Logistics",
    "Studio",
    "Software",
    "Robotics",
    "Payments",
    "Media",
    "Works",
    "Cloud",
    "Games",
    "Energy",
    "Learning",
    "Travel",
    "Insurance",
    "Foods",
    "Security",
    "Mobility",
];

const CITIES: &[&str] = &[
    "Berlin", "Lagos", "Lisbon", "Montreal", "Nairobi", "Oslo", "Pune", "Seoul", "Austin", "Bogota", "Krakow", "Lyon",
    "Osaka", "Porto", "Sydney", "Tallinn",
];

/// Parts of a service's or team's name.
const DOMAINS: &[&str] = &[
    "accounts",
    "admin",
    "analytics",
    "audit",
    "auth",
    "billing",
    "booking",
    "cart",
    "catalog",
    "checkout",
    "chat",
    "content",
    "customer",
    "data",
    "delivery",
    "docs",
    "events",
    "export",
    "feed",
    "fleet",
    "forms",
    "growth",
    "identity",
    "import",
    "inventory",
    "invoices",
    "ledger",
    "loyalty",
    "maps",
    "media",
    "messaging",
    "metrics",
    "notifications",
    "onboarding",
    "orders",
    "partner",
    "payments",
    "pricing",
    "profile",
    "recommendations",
    "reporting",
    "reviews",
    "routing",
    "scheduler",
    "search",
    "shipping",
    "signup",
    "storefront",
    "support",
    "sync",
    "tracking",
    "wallet",
];
const SERVICE_SUFFIXES: &[&str] =
    &["api", "service", "web", "worker", "app", "dashboard", "gateway", "backend", "portal"];
const MOBILE_SUFFIXES: &[&str] = &["app", "ios", "android", "mobile"];
const INFRA_SUFFIXES: &[&str] = &["infra", "deploy", "charts", "cluster", "terraform"];
const TEAMS: &[&str] = &[
    "Platform",
    "Payments",
    "Growth",
    "Data",
    "Mobile",
    "Web",
    "Infrastructure",
    "Search",
    "Identity",
    "Checkout",
    "Core",
    "Developer Experience",
    "Machine Learning",
    "Security",
    "Support Tools",
    "Reliability",
];
const PERSONAL: &[&str] = &[
    "blog",
    "homelab",
    "portfolio",
    "side-project",
    "dotfiles",
    "recipe-box",
    "budget-tracker",
    "chess-bot",
    "photo-gallery",
    "habit-tracker",
    "reading-list",
    "weather-station",
    "link-shortener",
    "notes",
    "game-jam",
    "discord-bot",
    "study-notes",
    "home-automation",
    "running-log",
    "plant-watering",
];

/// A person: a unique username, a display name and (for some) a job title.
pub(super) struct Person {
    pub username: String,
    pub display_name: String,
    pub title: String,
}

/// `n` people with distinct usernames, none of them in `taken`.
pub(super) fn people(rng: &mut ChaCha8Rng, n: usize, taken: &HashSet<String>) -> Vec<Person> {
    let mut used: HashSet<String> = taken.clone();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let first = *FIRST.choose(rng).expect("names");
        let last = *LAST.choose(rng).expect("names");
        let (f, l) = (first.to_ascii_lowercase(), last.to_ascii_lowercase());
        let base = match rng.random_range(0..5) {
            0 => format!("{f}{l}"),
            1 => format!("{f}-{l}"),
            2 => format!("{}{l}", &f[..1]),
            3 => format!("{f}_{}", &l[..1]),
            _ => format!("{f}{}", rng.random_range(1..100)),
        };
        let username = unique(&mut used, &base, '-');
        let title =
            if rng.random_bool(0.3) { (*TITLES.choose(rng).expect("titles")).to_owned() } else { String::new() };
        out.push(Person { username, display_name: format!("{first} {last}"), title });
    }
    out
}

/// `n` organisations as (slug, name), distinct and none of the slugs in `taken`.
pub(super) fn companies(rng: &mut ChaCha8Rng, n: usize, taken: &HashSet<String>) -> Vec<(String, String)> {
    let mut combos: Vec<String> =
        COMPANY_FIRST.iter().flat_map(|a| COMPANY_LAST.iter().map(move |b| format!("{a} {b}"))).collect();
    rand::seq::SliceRandom::shuffle(combos.as_mut_slice(), rng);
    let mut used: HashSet<String> = taken.clone();
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        // Past the list (only at large scales), a city tells two companies apart.
        let name = match combos.get(k) {
            Some(name) => name.clone(),
            None => format!("{} {}", combos[k % combos.len()], CITIES[(k / combos.len() - 1) % CITIES.len()]),
        };
        let slug = unique(&mut used, &slugify(&name), '-');
        out.push((slug, name));
    }
    out
}

/// What a stack is named after, by how it is owned and what it is made of.
#[derive(Debug, Clone, Copy)]
pub(super) enum StackFlavour {
    Service,
    Mobile,
    Infra,
}

/// A repository-like stack name: `checkout-api`, `orders-ios`, `billing-infra`.
pub(super) fn repository(rng: &mut ChaCha8Rng, flavour: StackFlavour) -> String {
    let suffixes = match flavour {
        StackFlavour::Service => SERVICE_SUFFIXES,
        StackFlavour::Mobile => MOBILE_SUFFIXES,
        StackFlavour::Infra => INFRA_SUFFIXES,
    };
    format!("{}-{}", DOMAINS.choose(rng).expect("domains"), suffixes.choose(rng).expect("suffixes"))
}

/// A team's stack name: "Payments team".
pub(super) fn team(rng: &mut ChaCha8Rng) -> String {
    format!("{} team", TEAMS.choose(rng).expect("teams"))
}

/// A person's project: `recipe-box`.
pub(super) fn personal(rng: &mut ChaCha8Rng) -> String {
    (*PERSONAL.choose(rng).expect("projects")).to_owned()
}

/// `base`, or `base` with the first free number after `sep` (`checkout-api-2`).
pub(super) fn unique(used: &mut HashSet<String>, base: &str, sep: char) -> String {
    if used.insert(base.to_owned()) {
        return base.to_owned();
    }
    (2..).map(|k| format!("{base}{sep}{k}")).find(|candidate| used.insert(candidate.clone())).expect("a free name")
}

/// Lowercase letters and digits joined by `-`.
pub(super) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
