// Matches every tool of the stackdex catalog to a logo from an open-licence icon set and writes
// crates/catalog/data/logos/{slug}.svg and CREDITS.md. Reads the catalog's TOML files, never
// writes them. Running it again with the same packages (package-lock.json) writes the same files.
//
//   npm ci && node generate.mjs [--verbose] [--preview FILE.html]
//
// See README.md beside this file.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { optimize } from "svgo";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.resolve(HERE, "../../crates/catalog/data");
const OUT = path.join(DATA, "logos");
const VERBOSE = process.argv.includes("--verbose");
const PREVIEW = process.argv.includes("--preview") ? process.argv[process.argv.indexOf("--preview") + 1] : null;

// A logo larger than this after optimisation is skipped for the next candidate: the logos are
// compiled into the binary and the whole set should stay under about 6 MB.
const MAX_BYTES = 64 * 1024;

// Tools whose logo cannot be found from their slug, name, aliases or website, or would be found
// wrongly. "set:icon" picks an icon; null means the tool has no logo in these sets (a letter
// tile is shown), which also stops a wrong automatic match.
const OVERRIDES = {
  // Found under another name, or a loose alias would find another brand first.
  "alpine-linux": "simple-icons:alpinelinux", // "alpine" is Alpine.js in Devicon
  "apache-http-server": "logos:apache",
  "apache-pulsar": "simple-icons:apachepulsar", // "pulsar" is the Pulsar editor in Devicon
  elk: "simple-icons:elasticstack",
  spark: "logos:apache-spark", // "spark" is another product in SVG Logos
  grpc: "logos:grpc", // Devicon's is a tiny wordmark
  xai: "logos:x-ai", // its alias Grok is xAI's chatbot
  "zend-framework": "logos:zend-framework", // Devicon has only its successor, Laminas
  // No logo of its own in these sets, sold under its maker's name: the maker's logo.
  "asp-net": "logos:dotnet",
  "asp-net-core": "logos:dotnet",
  "css-loader": "logos:webpack", // a webpack loader, from webpack-contrib
  "docker-compose": "logos:docker-icon",
  "google-cloud-dns": "logos:google-cloud",
  "jquery-ui": "logos:jquery",
  "microsoft-iis": "logos:microsoft-icon",
  typekit: "logos:adobe-icon", // now Adobe Fonts
  "zoho-mail": "simple-icons:zoho",
  // First-party Laravel packages, named after Laravel, without logos of their own.
  "laravel-breeze": "logos:laravel",
  "laravel-cashier": "logos:laravel",
  "laravel-dusk": "logos:laravel",
  "laravel-echo": "logos:laravel",
  "laravel-fortify": "logos:laravel",
  "laravel-octane": "logos:laravel",
  "laravel-passport": "logos:laravel",
  "laravel-pennant": "logos:laravel",
  "laravel-pint": "logos:laravel",
  "laravel-prompts": "logos:laravel",
  "laravel-pulse": "logos:laravel",
  "laravel-reverb": "logos:laravel",
  "laravel-sail": "logos:laravel",
  "laravel-sanctum": "logos:laravel",
  "laravel-scout": "logos:laravel",
  "laravel-socialite": "logos:laravel",
  "laravel-telescope": "logos:laravel",
  "laravel-tinker": "logos:laravel",
  "laravel-valet": "logos:laravel",
  "laravel-vite-plugin": "logos:laravel",
  "hf-datasets": "logos:hugging-face-icon", // Hugging Face Datasets
  // Named after its maker's product and made by the same project (the same organisation on the
  // code host): that product's logo.
  "angular-cli": "logos:angular-icon", // Angular CLI, by Angular's makers
  "angular-router": "logos:angular-icon", // Angular Router, by Angular's makers
  "angular-universal": "logos:angular-icon", // Angular Universal, by Angular's makers
  "ansible-lint": "logos:ansible", // ansible-lint, by Ansible's makers
  antdicons: "logos:ant-design", // Ant Design Icons, by Ant Design's makers
  "arduino-ide": "logos:arduino", // Arduino IDE, by Arduino's makers
  "babel-loader": "devicon:babel/babel-original", // babel-loader, by Babel's makers
  bootstrapicons: "logos:bootstrap", // Bootstrap Icons, by Bootstrap's makers
  "docker-swarm": "logos:docker-icon", // Docker Swarm, by Docker's makers
  "dropwizard-metrics": "devicon:dropwizard/dropwizard-original", // Dropwizard Metrics, by Dropwizard's makers
  "electron-forge": "logos:electron", // Electron Forge, by Electron's makers
  "gitlab-ci": "logos:gitlab-icon", // GitLab CI, by GitLab's makers
  "gitlab-pages": "logos:gitlab-icon", // GitLab Pages, by GitLab's makers
  "graphql-playground": "logos:graphql", // GraphQL Playground, by GraphQL's makers
  "highcharts-react": "logos:highcharts", // Highcharts React, by Highcharts's makers
  "java-8": "logos:java", // Java 8, by Java's makers
  "kafka-streams": "logos:kafka-icon", // Kafka Streams, by Kafka's makers
  "kotlin-multiplatform": "logos:kotlin-icon", // Kotlin Multiplatform, by Kotlin's makers
  "laravel-elixir": "logos:laravel", // Laravel Elixir, by Laravel's makers
  "laravel-homestead": "logos:laravel", // Laravel Homestead, by Laravel's makers
  loki: "logos:grafana", // Grafana Loki, by Grafana's makers
  "mysql-workbench": "logos:mysql-icon", // MySQL Workbench, by MySQL's makers
  "nginx-unit": "logos:nginx", // NGINX Unit, by NGINX's makers
  "nuxt-content": "logos:nuxt-icon", // Nuxt Content, by Nuxt.js's makers
  "php-fpm": "logos:php", // PHP-FPM, by PHP's makers
  "preact-signals": "logos:preact", // Preact Signals, by Preact's makers
  "pytest-asyncio": "devicon:pytest/pytest-original", // pytest-asyncio, by pytest's makers
  "pytest-bdd": "devicon:pytest/pytest-original", // pytest-bdd, by pytest's makers
  "pytest-mock": "devicon:pytest/pytest-original", // pytest-mock, by pytest's makers
  "rails-spring": "devicon:rails/rails-plain", // Spring (Rails), by Rails's makers
  "redux-thunk": "logos:redux", // redux-thunk, by Redux's makers
  "redux-toolkit": "logos:redux", // Redux Toolkit, by Redux's makers
  remixrouter: "logos:remix-icon", // Remix Router, by Remix's makers
  "supabase-auth": "logos:supabase-icon", // Supabase Auth, by Supabase's makers
  "supabase-functions": "logos:supabase-icon", // Supabase Functions, by Supabase's makers
  "supabase-postgres": "logos:supabase-icon", // Supabase Postgres, by Supabase's makers
  "supabase-realtime": "logos:supabase-icon", // Supabase Realtime, by Supabase's makers
  "supabase-storage": "logos:supabase-icon", // Supabase Storage, by Supabase's makers
  "symfony-panther": "logos:symfony", // Panther, by Symfony's makers
  "tensorflow-lite": "logos:tensorflow", // TensorFlow Lite, by TensorFlow's makers
  "vapor-fluent": "simple-icons:vapor", // Fluent, by Vapor's makers
  "vite-plugin-react": "logos:vite-icon", // @vitejs/plugin-react, by Vite's makers
  "vite-plugin-vue": "logos:vite-icon", // @vitejs/plugin-vue, by Vite's makers
  "webpack-dev-server": "logos:webpack", // webpack-dev-server, by Webpack's makers
  "xamarin-forms": "logos:xamarin", // Xamarin Forms, by Xamarin's makers
  // Not a brand: a generic symbol.
  shell: "logos:terminal", // the POSIX shell (Simple Icons' "Shell" is the oil company)
  // Same name, another brand or product: no logo rather than a wrong one.
  activemq: null, // its alias aws.mq is Amazon MQ's logo
  apex: null, // apex/apex (serverless functions), not Salesforce's Apex language
  dash: null, // Kapeli's Dash, not the Dash cryptocurrency
  "delta-lake": null, // delta.io, not Delta Air Lines
  fabric: null, // fabfile.org, not Twitter's Fabric
  graphite: null, // graphiteapp.org, not graphite.dev
  hcl: null, // HashiCorp's language, not HCL Technologies
  hyper: null, // Hyper.sh, not the Hyper terminal
  make: null, // GNU Make, not make.com
  "microsoft-power-automate": null, // its old name Flow is the JavaScript type checker's
  owin: null, // its alias Katana is another product's
  "prisma-cloud": null, // Palo Alto's Prisma Cloud, not the Prisma ORM
  puma: null, // the Ruby web server, not the sportswear brand
  reactemail: null, // react.email, not React
  sphinx: null, // Sphinx search, not the Sphinx documentation generator
  carbon: null, // the PHP date library, not IBM's Carbon design system
  evergreen: null, // Segment's React UI kit; the name also belongs to other products
  "fabric-js": null, // fabricjs.com; SVG Logos' "fabric" is Twitter's Fabric
  flower: null, // the Celery monitor, not Flower the federated-learning framework
  grape: null, // the Ruby API framework; not sure the icon is its own
  "hotwire-turbo": null, // Hotwire's Turbo, not Vercel's Turborepo
  hypothesis: null, // the Python testing library, not the Hypothesis annotation service
  // No logo of its own, sold under its maker's or platform's name (Spring, AWS, Azure, Google Cloud,
  // Firebase, Android Jetpack, Kotlin, Swift, .NET, Apache, ...): the maker's logo.
  "amazon-ebs": "logos:aws",
  "amazon-ecr": "logos:aws",
  "amazon-elastic-transcoder": "logos:aws",
  "amazon-elasticsearch-service": "logos:aws",
  "amazon-emr": "logos:aws",
  "amazon-guardduty": "logos:aws",
  "amazon-inspector": "logos:aws",
  "amazon-iot": "logos:aws",
  "amazon-ivs": "logos:aws",
  "amazon-kendra": "logos:aws",
  "amazon-kinesis-firehose": "logos:aws",
  "amazon-kinesis-video-streams": "logos:aws",
  "amazon-lex": "logos:aws",
  "amazon-linux": "logos:aws",
  "amazon-location-service": "logos:aws",
  "amazon-machine-learning": "logos:aws",
  "amazon-macie": "logos:aws",
  "amazon-managed-grafana": "logos:aws",
  "amazon-managed-service-for-prometheus": "logos:aws",
  "amazon-mq": "logos:aws",
  "amazon-personalize": "logos:aws",
  "amazon-pinpoint": "logos:aws",
  "amazon-polly": "logos:aws",
  "amazon-qldb": "logos:aws",
  "amazon-rds-for-postgresql": "logos:aws",
  "amazon-redshift-spectrum": "logos:aws",
  "amazon-sagemaker": "logos:aws",
  "amazon-simpledb": "logos:aws",
  "amazon-swf": "logos:aws",
  "amazon-textract": "logos:aws",
  "amazon-workspaces": "logos:aws",
  "android-data-binding": "logos:android-icon",
  "apache-cxf": "logos:apache",
  "apache-shiro": "logos:apache",
  "apache-velocity": "logos:apache",
  "aws-amplifyhosting": "logos:aws",
  "aws-app-runner": "logos:aws",
  "aws-appconfig": "logos:aws",
  "aws-cdk": "logos:aws",
  "aws-cli": "logos:aws",
  "aws-cloud-map": "logos:aws",
  "aws-cloud9": "logos:aws",
  "aws-cloudhsm": "logos:aws",
  "aws-codeartifact": "logos:aws",
  "aws-comprehend": "logos:aws",
  "aws-copilot": "logos:aws",
  "aws-data-pipeline": "logos:aws",
  "aws-database-migration-service": "logos:aws",
  "aws-device-farm": "logos:aws",
  "aws-direct-connect": "logos:aws",
  "aws-efs": "logos:aws",
  "aws-elemental-mediaconvert": "logos:aws",
  "aws-elemental-medialive": "logos:aws",
  "aws-elemental-mediapackage": "logos:aws",
  "aws-greengrass": "logos:aws",
  "aws-memorydb": "logos:aws",
  "aws-rekognition": "logos:aws",
  "aws-sam": "logos:aws",
  "aws-security-hub": "logos:aws",
  "aws-storage-gateway": "logos:aws",
  "aws-transcribe": "logos:aws",
  "aws-transfer-for-sftp": "logos:aws",
  "azure-active-directory": "logos:azure-icon",
  "azure-ai-services": "logos:azure-icon",
  "azure-api-management": "logos:azure-icon",
  "azure-app-configuration": "logos:azure-icon",
  "azure-application-gateway": "logos:azure-icon",
  "azure-application-insights": "logos:azure-icon",
  "azure-bot-service": "logos:azure-icon",
  "azure-communication-services": "logos:azure-icon",
  "azure-container-apps": "logos:azure-icon",
  "azure-container-instances": "logos:azure-icon",
  "azure-container-registry": "logos:azure-icon",
  "azure-container-service": "logos:azure-icon",
  "azure-data-factory": "logos:azure-icon",
  "azure-database-for-mysql": "logos:azure-icon",
  "azure-databricks": "logos:azure-icon",
  "azure-devops-server": "logos:azure-icon",
  "azure-event-grid": "logos:azure-icon",
  "azure-event-hubs": "logos:azure-icon",
  "azure-firewall": "logos:azure-icon",
  "azure-front-door": "logos:azure-icon",
  "azure-hdinsight": "logos:azure-icon",
  "azure-functions": "logos:azure-icon",
  "azure-iot-hub": "logos:azure-icon",
  "azure-key-vault": "logos:azure-icon",
  "azure-kubernetes-service": "logos:azure-icon",
  "azure-logic-apps": "logos:azure-icon",
  "azure-machine-learning": "logos:azure-icon",
  "azure-maps": "logos:azure-icon",
  "azure-monitor": "logos:azure-icon",
  "azure-openai-service": "logos:azure-icon",
  "azure-pipelines": "logos:azure-icon",
  "azure-postgres": "logos:azure-icon",
  "azure-redis-cache": "logos:azure-icon",
  "azure-search": "logos:azure-icon",
  "azure-service-bus": "logos:azure-icon",
  "azure-service-fabric": "logos:azure-icon",
  "azure-signalr-service": "logos:azure-icon",
  "azure-staticwebapps": "logos:azure-icon",
  "azure-storage": "logos:azure-icon",
  "azure-synapse": "logos:azure-icon",
  "azure-virtual-machines": "logos:azure-icon",
  "azure-websites": "logos:azure-icon",
  "camerax": "logos:android-icon",
  "digitalocean-app-platform": "logos:digital-ocean-icon",
  "digitalocean-block-storage": "logos:digital-ocean-icon",
  "digitalocean-load-balancer": "logos:digital-ocean-icon",
  "digitalocean-managed-databases": "logos:digital-ocean-icon",
  "digitalocean-spaces": "logos:digital-ocean-icon",
  "dotnet-maui": "logos:dotnet",
  "espresso": "logos:android-icon",
  "firebase-analytics": "logos:firebase-icon",
  "firebase-app-check": "logos:firebase-icon",
  "firebase-app-distribution": "logos:firebase-icon",
  "firebase-authentication": "logos:firebase-icon",
  "firebase-cloud-messaging": "logos:firebase-icon",
  "firebase-cloud-storage": "logos:firebase-icon",
  "firebase-hosting": "logos:firebase-icon",
  "firebase-performance-monitoring": "logos:firebase-icon",
  "firebase-realtime-database": "logos:firebase-icon",
  "firebase-remote-config": "logos:firebase-icon",
  "firebase-test-lab": "logos:firebase-icon",
  "flutter-lints": "logos:flutter",
  "google-cloud-api-gateway": "logos:google-cloud",
  "google-cloud-armor": "logos:google-cloud",
  "google-cloud-bigtable": "logos:google-cloud",
  "google-cloud-build": "logos:google-cloud",
  "google-cloud-cdn": "logos:google-cloud",
  "google-cloud-dataflow": "logos:google-cloud",
  "google-cloud-datastore": "logos:google-cloud",
  "google-cloud-deploy": "logos:google-cloud",
  "google-cloud-firestore": "logos:google-cloud",
  "google-cloud-memorystore": "logos:google-cloud",
  "google-cloud-messaging": "logos:google-cloud",
  "google-cloud-scheduler": "logos:google-cloud",
  "google-cloud-source-repositories": "logos:google-cloud",
  "google-cloud-sql": "logos:google-cloud",
  "google-cloud-sql-for-postgresql": "logos:google-cloud",
  "google-cloud-text-to-speech": "logos:google-cloud",
  "google-cloud-vision-api": "logos:google-cloud",
  "google-cloud-workflows": "logos:google-cloud",
  "google-document-ai": "logos:google-cloud",
  "google-java-format": "logos:google-icon",
  "google-play-billing": "logos:google-play-icon",
  "govulncheck": "logos:go",
  "jetpack-benchmark": "logos:android-icon",
  "jetpack-biometric": "logos:android-icon",
  "jetpack-datastore": "logos:android-icon",
  "jetpack-lifecycle": "logos:android-icon",
  "jetpack-navigation": "logos:android-icon",
  "jetpack-paging": "logos:android-icon",
  "kotlinx-coroutines": "logos:kotlin-icon",
  "kotlinx-datetime": "logos:kotlin-icon",
  "kotlinx-serialization": "logos:kotlin-icon",
  "kover": "logos:kotlin-icon",
  "ksp": "logos:kotlin-icon",
  "material-components-android": "logos:android-icon",
  "media3": "logos:android-icon",
  "microsoft-clarity": "logos:microsoft-icon",
  "microsoft-graph-api": "logos:microsoft-icon",
  "ml-net": "logos:dotnet",
  "netflix-dgs": "logos:netflix-icon",
  "pekko": "logos:apache",
  "spring-ai": "logos:spring-icon",
  "spring-batch": "logos:spring-icon",
  "spring-cloud": "logos:spring-icon",
  "spring-cloud-config": "logos:spring-icon",
  "spring-cloud-contract": "logos:spring-icon",
  "spring-cloud-function": "logos:spring-icon",
  "spring-cloud-gateway": "logos:spring-icon",
  "spring-cloud-sleuth": "logos:spring-icon",
  "spring-cloud-stream": "logos:spring-icon",
  "spring-data": "logos:spring-icon",
  "spring-graphql": "logos:spring-icon",
  "spring-hateoas": "logos:spring-icon",
  "spring-integration": "logos:spring-icon",
  "spring-kafka": "logos:spring-icon",
  "spring-modulith": "logos:spring-icon",
  "spring-mvc": "logos:spring-icon",
  "spring-restdocs": "logos:spring-icon",
  "spring-retry": "logos:spring-icon",
  "spring-session": "logos:spring-icon",
  "spring-statemachine": "logos:spring-icon",
  "spring-webflux": "logos:spring-icon",
  "swift-argument-parser": "logos:swift",
  "swift-log": "logos:swift",
  "swift-nio": "logos:swift",
  "swift-openapi-generator": "logos:swift",
  "swift-package-manager": "logos:swift",
  "swift-testing": "logos:swift",
  "ui-automator": "logos:android-icon",
  "workmanager": "logos:android-icon",
  // Same name, another brand or product: no logo rather than a wrong one.
  "akka-net": null, // Akka's logo, not Akka.NET's
  "glide": null, // Glide the no-code app builder, not the Android image loader
  "google-wire": null, // the Wire messenger, not Google's Go tool
  "hive-dart": null, // Hive the smart-home brand, not the Dart database
  "hyper-rs": null, // the Hyper terminal, not the Rust HTTP library
  "iris": null, // IRIS the accounting software, not the Go framework
  "iron": null, // another Iron, not the Rust framework
  "maestro": null, // the Maestro card brand, not the testing tool
  "nimble-swift": null, // Nim's package manager, not the Swift matcher library
  "nuke-build": null, // Foundry's Nuke, not the .NET build system
  "warp-rs": null, // the Warp terminal, not the Rust web framework
  "zap-uber": null, // OWASP ZAP, not Uber's logger
};

function main() {
  const tools = readCatalog();
  const stale = Object.keys(OVERRIDES).filter((slug) => !tools.some((t) => t.slug === slug));
  if (stale.length > 0) console.warn(`overrides for tools not in the catalog: ${stale.join(", ")}`);
  const sets = [logosSet(), deviconSet(), simpleIconsSet()];
  const chosen = [];
  for (const tool of tools) {
    const found = chooseLogo(tool, sets);
    if (found) chosen.push(found);
    if (VERBOSE) {
      const how = found ? `${found.set.id}:${found.icon} (by ${found.via}; ${found.set.describe(found.icon)})` : "-";
      console.log(`${tool.slug}\t${tool.stacks}\t${how}`);
    }
  }
  const before = previousChoices();
  writeLogos(chosen);
  writeCredits(chosen, sets);
  if (PREVIEW) writePreview(chosen, PREVIEW);
  report(tools, chosen, before);
}

// ---------------------------------------------------------------------------------------------
// The catalog

function readCatalog() {
  const tools = [];
  const root = path.join(DATA, "tools");
  for (const file of walk(root).filter((f) => f.endsWith(".toml"))) {
    for (const t of parseToml(fs.readFileSync(file, "utf8")).tool ?? []) {
      tools.push({
        slug: t.slug,
        name: t.name,
        aliases: t.aliases ?? [],
        website: t.website ?? "",
        stacks: t.popularity?.stacks ?? 0,
      });
    }
  }
  return tools.sort((a, b) => cmp(a.slug, b.slug));
}

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => cmp(a.name, b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

// ---------------------------------------------------------------------------------------------
// Matching

/** The first icon found for the tool: an override, else its keys tier by tier, each tier
 * asking the sets in order of preference (full colour first). Within a tier a squarish logo
 * beats a wide wordmark, which is unreadable in a small square tile. */
function chooseLogo(tool, sets) {
  if (tool.slug in OVERRIDES) {
    const pick = OVERRIDES[tool.slug];
    if (pick === null) return null;
    const [setId, icon] = pick.split(":");
    const set = sets.find((s) => s.id === setId);
    const found = set && prepare(tool, set, icon, "override");
    if (!found) throw new Error(`override for ${tool.slug}: ${pick} is missing or unusable`);
    return found;
  }
  for (const [via, keys] of keyTiers(tool)) {
    let wide = null;
    for (const set of sets) {
      for (const key of keys) {
        for (const icon of set.lookup(key)) {
          const found = prepare(tool, set, icon, `${via} "${key}"`);
          if (found && !found.wide) return found;
          wide ??= found;
        }
      }
    }
    if (wide) return wide;
  }
  return null;
}

/** The icon cleaned for the tool, or null when it cannot serve as its logo. */
function prepare(tool, set, icon, via) {
  const svg = clean(set.svg(icon), tool.slug);
  const problem =
    svg === null ? "not well-formed, or no viewBox"
    : Buffer.byteLength(svg) > MAX_BYTES ? "too large"
    : whiteOnly(svg) ? "white only, invisible on a white page"
    : svg.includes("<style") ? "a style sheet svgo could not inline, which would leak into a page"
    : null;
  if (problem) {
    if (VERBOSE) console.log(`# ${tool.slug}: skipped ${set.id}:${icon} (${problem})`);
    return null;
  }
  const [, , width, height] = /viewBox="([^"]+)"/.exec(svg)[1].split(/[\s,]+/).map(Number);
  return { slug: tool.slug, set, icon, licence: set.licenceOf(icon), svg, via, wide: width > 2 * height };
}

/** Keys to look the tool up by, in tiers, most reliable first: its slug, name and aliases; then
 * other spellings of them; then its website. Within a tier, the preferred set wins. */
function keyTiers(tool) {
  const names = unique([tool.slug, tool.name, ...tool.aliases].map(norm));
  const variants = unique(names.flatMap(variantsOf)).filter((k) => !names.includes(k));
  const host = hostKeys(tool.website).filter((k) => !names.includes(k) && !variants.includes(k));
  return [
    ["name", names],
    ["variant", variants],
    ["website", host],
  ].filter(([, keys]) => keys.length > 0);
}

/** Spellings the icon sets use for the same product: "vuejs"/"vue", "amazons3"/"awss3",
 * "apachekafka"/"kafka". */
function variantsOf(key) {
  const out = [];
  if (key.endsWith("js") && key.length > 4) out.push(key.slice(0, -2));
  else out.push(`${key}js`);
  for (const [from, to] of [
    ["amazon", "aws"],
    ["aws", "amazon"],
    ["apache", ""],
  ]) {
    if (key.startsWith(from) && key.length > from.length + 2) out.push(to + key.slice(from.length));
  }
  return out.filter((k) => k.length >= 2);
}

/** The website's host as a key, only when the website is the tool's own home page: a page
 * under someone's domain (aws.amazon.com/s3) names the domain's owner, not the tool. */
function hostKeys(website) {
  let url;
  try {
    url = new URL(website);
  } catch {
    return [];
  }
  if (url.pathname.replace(/\/+$/, "") !== "") return [];
  const labels = url.hostname.toLowerCase().split(".").filter((l) => l !== "www");
  if (labels.length < 2) return [];
  const key = norm(labels.slice(0, -1).join(""));
  const out = [key];
  for (const affix of ["get", "use", "try"]) if (key.startsWith(affix)) out.push(key.slice(affix.length));
  for (const affix of ["hq", "app", "js"]) if (key.endsWith(affix)) out.push(key.slice(0, -affix.length));
  return unique(out.filter((k) => k.length >= 3));
}

/** Lower case, ASCII letters and digits only, with the symbols that tell names apart spelt out
 * ("C++" is not "C", "C#" is not "C"). */
function norm(s) {
  return s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/\+/g, "plus")
    .replace(/#/g, "sharp")
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]/g, "");
}

// ---------------------------------------------------------------------------------------------
// The icon sets, in order of preference. Each gives lookup(key) -> icon names (best first),
// svg(icon) -> raw SVG text or null, and licenceOf(icon).

/** gilbarbara's SVG Logos, full colour, as packaged by Iconify. */
function logosSet() {
  const [pkg, dir] = installed("@iconify-json/logos");
  const data = readJson(path.join(dir, "icons.json"));
  const info = readJson(path.join(dir, "info.json"));
  const all = { ...data.icons, ...data.aliases };
  // "react" and "react-icon" are one brand: prefer the symbol ("-icon") to the wordmark, it
  // reads better in a square tile.
  const index = new Map();
  for (const name of Object.keys(all).sort(cmp)) {
    const base = name.replace(/-icon(-alt)?$/, "");
    const key = norm(base);
    if (!index.has(key)) index.set(key, []);
    index.get(key).push(name);
  }
  for (const names of index.values()) names.sort((a, b) => rankLogosName(a) - rankLogosName(b) || cmp(a, b));
  const resolve = (name) => {
    const alias = data.aliases?.[name];
    return alias ? resolve(alias.parent) : data.icons[name];
  };
  return {
    id: "logos",
    title: "SVG Logos",
    lookup: (key) => index.get(key) ?? [],
    describe: (name) => name,
    svg(name) {
      const icon = resolve(name);
      if (!icon) return null;
      const [x, y] = [icon.left ?? data.left ?? 0, icon.top ?? data.top ?? 0];
      const [w, h] = [icon.width ?? data.width ?? 16, icon.height ?? data.height ?? 16];
      const xlink = icon.body.includes("xlink:") ? ' xmlns:xlink="http://www.w3.org/1999/xlink"' : "";
      return `<svg xmlns="http://www.w3.org/2000/svg"${xlink} viewBox="${x} ${y} ${w} ${h}">${icon.body}</svg>`;
    },
    licenceOf: () => info.license.spdx,
    paragraph: `Full-colour logos from [SVG Logos](${info.author.url}) by ${info.author.name}, released under ` +
      `[CC0 1.0](https://creativecommons.org/publicdomain/zero/1.0/) (public domain dedication), taken from ` +
      `the npm package \`@iconify-json/logos\` ${pkg.version} (licence \`${pkg.license}\`).`,
  };
}

function rankLogosName(name) {
  if (name.endsWith("-icon")) return 0;
  if (!/-icon-alt$/.test(name)) return 1;
  return 2;
}

/** Devicon: programming languages and development tools, "original" (colour) variants first. */
function deviconSet() {
  const [pkg, dir] = installed("devicon");
  const entries = readJson(path.join(dir, "devicon.json"));
  const order = ["original", "plain", "original-wordmark", "plain-wordmark", "line", "line-wordmark"];
  const index = new Map();
  for (const e of [...entries].sort((a, b) => cmp(a.name, b.name))) {
    const files = order
      .filter((v) => e.versions.svg.includes(v))
      .map((v) => `${e.name}/${e.name}-${v}`)
      .filter((f) => fs.existsSync(path.join(dir, "icons", `${f}.svg`)));
    for (const key of unique([e.name, ...(e.altnames ?? [])].map(norm))) {
      if (!index.has(key)) index.set(key, files);
    }
  }
  return {
    id: "devicon",
    title: "Devicon",
    lookup: (key) => index.get(key) ?? [],
    describe: (name) => name,
    svg(name) {
      const file = path.join(dir, "icons", `${name}.svg`);
      return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
    },
    licenceOf: () => pkg.license,
    paragraph: `Logos from [Devicon](https://devicon.dev) (https://github.com/devicons/devicon), ` +
      `Copyright (c) 2015 konpa, released under the MIT License, taken from the npm package ` +
      `\`devicon\` ${pkg.version}. The MIT License asks that its copyright and permission notice be ` +
      `kept with copies: it is in the package's \`LICENSE\` file and reproduced at the end of this file.`,
  };
}

/** Simple Icons: one-colour brand icons, filled here with the brand's colour. Icons whose own
 * licence data forbids changes or commercial use, or is not a known open licence, are left out. */
function simpleIconsSet() {
  const [pkg, dir] = installed("simple-icons");
  const raw = readJson(path.join(dir, "data", "simple-icons.json"));
  const icons = (Array.isArray(raw) ? raw : raw.icons).filter((i) => acceptableLicence(i.license?.type));
  const bySlug = new Map();
  const index = new Map();
  const add = (key, slug) => {
    if (!index.has(key)) index.set(key, []);
    if (!index.get(key).includes(slug)) index.get(key).push(slug);
  };
  for (const icon of [...icons].sort((a, b) => cmp(a.slug, b.slug))) {
    bySlug.set(icon.slug, icon);
    add(norm(icon.title), icon.slug);
    add(norm(icon.slug), icon.slug);
    for (const aka of icon.aliases?.aka ?? []) add(norm(aka), icon.slug);
  }
  return {
    id: "simple-icons",
    title: "Simple Icons",
    lookup: (key) => index.get(key) ?? [],
    describe: (slug) => `${bySlug.get(slug).title}, ${bySlug.get(slug).source}`,
    svg(slug) {
      const icon = bySlug.get(slug);
      if (!icon) return null;
      const text = fs.readFileSync(path.join(dir, "icons", `${slug}.svg`), "utf8");
      return text.replace("<svg ", `<svg fill="#${readableColour(icon.hex)}" `);
    },
    // An icon with a licence of its own is credited with a link to where it comes from.
    licenceOf(slug) {
      const icon = bySlug.get(slug);
      return icon.license ? `${icon.license.type}, [source](${icon.source})` : "CC0-1.0";
    },
    paragraph: `One-colour brand icons from [Simple Icons](https://simpleicons.org) ` +
      `(https://github.com/simple-icons/simple-icons), released under ` +
      `[CC0 1.0](https://creativecommons.org/publicdomain/zero/1.0/), taken from the npm package ` +
      `\`simple-icons\` ${pkg.version} and filled with the brand colour the package gives. A few ` +
      `icons carry a licence of their own in the package's data; the table names it, and icons ` +
      `whose licence forbids changes or commercial use, or is not a standard open licence, are not used.`,
  };
}

function acceptableLicence(spdx) {
  if (spdx === undefined) return true; // the package's own CC0 applies
  return /^(CC0-1\.0|MIT|Apache-2\.0|BSD-[23]-Clause|Unlicense|CC-BY-[0-9.]+|CC-BY-SA-[0-9.]+|MPL-2\.0)$/.test(spdx);
}

/** The brand colour, or dark grey when the brand colour is too pale to read on a white page
 * (Simple Icons are one colour, with nothing darker around them). */
function readableColour(hex) {
  return luminance(hex) > 0.6 ? "333333" : hex.toUpperCase();
}

// Relative luminance above which a colour barely shows on white.
const LIGHT = 0.85;

/** Relative luminance (WCAG) of an "rrggbb" or "rgb" hex colour. */
function luminance(hex) {
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex;
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [0, 2, 4].map((i) => lin(parseInt(full.slice(i, i + 2), 16) / 255));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Whether every colour the SVG paints with is near white (some icons are drawn for dark
 * backgrounds). A shape with no fill anywhere above it, or a gradient stop with no colour, is
 * black, so it counts as visible. */
function whiteOnly(svg) {
  const shapes = svg.match(/<(path|rect|circle|ellipse|polygon|polyline|line|text)\b[^>]*>/g) ?? [];
  const inheritsFill = /<(svg|g)\b[^>]*\sfill="/.test(svg);
  if (!inheritsFill && shapes.some((s) => !/\sfill="/.test(s))) return false;
  if ((svg.match(/<stop\b[^>]*>/g) ?? []).some((s) => !/\sstop-color="/.test(s))) return false;
  const colours = [...svg.matchAll(/\s(?:fill|stroke|stop-color)="([^"]+)"/g)]
    .map((m) => m[1].toLowerCase())
    .filter((c) => c !== "none" && !c.startsWith("url("));
  const light = (c) => c === "white" || (/^#([0-9a-f]{3}|[0-9a-f]{6})$/.test(c) && luminance(c.slice(1)) > LIGHT);
  return colours.length > 0 && colours.every(light);
}

// ---------------------------------------------------------------------------------------------
// Cleaning: safe to serve and to inline, small, scalable

// Elements a logo may use; everything else (script, foreignObject, a, image, animation, iframe,
// unknown namespaces) is dropped with its content.
const ALLOWED_ELEMENTS = new Set(
  [
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "pattern",
    "clipPath", "mask", "filter", "style", "title", "desc", "feBlend", "feColorMatrix",
    "feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting",
    "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB",
    "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
  ],
);

/** Removes what could run code or fetch something, on the parsed tree. */
const safety = {
  name: "stackdexSafety",
  fn: () => ({
    element: {
      enter(node, parent) {
        if (!ALLOWED_ELEMENTS.has(node.name)) {
          parent.children = parent.children.filter((c) => c !== node);
          return;
        }
        for (const [name, value] of Object.entries(node.attributes)) {
          const local = name.replace(/^.*:/, "").toLowerCase();
          const unsafe =
            local.startsWith("on") ||
            /javascript:|data:|@import|expression\(/i.test(value) ||
            (local === "href" && !value.startsWith("#")) ||
            hasExternalUrl(value);
          if (unsafe) delete node.attributes[name];
        }
        if (node.name === "style") {
          const text = node.children.map((c) => c.value ?? "").join("");
          if (/@import|javascript:|expression\(/i.test(text) || hasExternalUrl(text)) {
            parent.children = parent.children.filter((c) => c !== node);
          }
        }
      },
    },
  }),
};

/** A url(...) that does not point inside the document. */
function hasExternalUrl(text) {
  return /url\(\s*(?!['"]?#)/i.test(text);
}

/** The SVG made safe, minified and scalable, or null when it cannot be (not well-formed XML,
 * no viewBox). */
function clean(raw, slug) {
  if (!raw) return null;
  let svg;
  try {
    svg = optimizeSvg(raw, slug);
  } catch {
    return null;
  }
  const root = /^<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  if (!/\sviewBox="[^"]+"/.test(root) || /\s(width|height)=/.test(root)) return null;
  const found = problems(svg);
  if (found.length > 0) throw new Error(`${slug}: the cleaned SVG still has ${found.join(", ")}`);
  return svg;
}

function optimizeSvg(raw, slug) {
  return optimize(raw, {
    multipass: true,
    plugins: [
      safety,
      { name: "preset-default", params: { overrides: { inlineStyles: { onlyMatchedOnce: false } } } },
      "removeDimensions",
      "removeTitle",
      "removeDesc",
      "convertStyleToAttrs",
      // Ids and classes are prefixed with the slug, so that logos inlined into one page do not
      // take each other's gradients or styles.
      { name: "prefixIds", params: { prefix: slug, delim: "-" } },
      safety,
    ],
  }).data;
}

/** The same rules the catalog's tests check, as a last guard. */
function problems(svg) {
  const out = [];
  if (/<script|<foreignobject/i.test(svg)) out.push("script or foreignObject");
  if (/\son[a-z]+\s*=/i.test(svg)) out.push("event handler attribute");
  if (/javascript:|@import/i.test(svg)) out.push("javascript: or @import");
  if (/href\s*=\s*["'](?!#)/i.test(svg) || hasExternalUrl(svg)) out.push("external reference");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output

function writeLogos(chosen) {
  fs.mkdirSync(OUT, { recursive: true });
  const wanted = new Set(chosen.map((c) => `${c.slug}.svg`));
  for (const file of fs.readdirSync(OUT)) {
    if (file.endsWith(".svg") && !wanted.has(file)) fs.rmSync(path.join(OUT, file));
  }
  for (const c of chosen) fs.writeFileSync(path.join(OUT, `${c.slug}.svg`), `${c.svg}\n`);
}

function writeCredits(chosen, sets) {
  const used = sets.filter((s) => chosen.some((c) => c.set === s));
  const lines = [
    "# Logo credits",
    "",
    "Written by `scripts/logos/generate.mjs`; do not edit by hand (see `scripts/logos/README.md`).",
    "",
    "Each `{slug}.svg` in this folder is a tool's logo taken from an open-licence icon set, cleaned",
    "(scripts, event handlers and external references removed, fixed sizes dropped for the viewBox,",
    "ids prefixed with the slug, whitespace minified) and, for Simple Icons, filled with the brand",
    "colour. The logos are trademarks of their owners; they are shown only to identify the tools.",
    "",
    "## Icon sets",
    "",
  ];
  for (const s of used) lines.push(`- **${s.title}**: ${s.paragraph}`, "");
  lines.push("## Logos", "", "| slug | icon set | icon | licence |", "| --- | --- | --- | --- |");
  for (const c of chosen) lines.push(`| ${c.slug} | ${c.set.title} | \`${c.icon}\` | ${c.licence} |`);
  if (used.some((s) => s.id === "devicon")) {
    const licence = fs.readFileSync(path.join(installed("devicon")[1], "LICENSE"), "utf8").trim();
    lines.push("", "## Devicon's licence", "", "```text", licence, "```");
  }
  fs.writeFileSync(path.join(OUT, "CREDITS.md"), `${lines.join("\n")}\n`);
}

/** slug -> "set icon" as CREDITS.md recorded it on the last run, to show what changed. */
function previousChoices() {
  const file = path.join(OUT, "CREDITS.md");
  const rows = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
  const before = new Map();
  for (const row of rows) {
    const cells = /^\| ([a-z0-9-]+) \| ([^|]+) \| `([^`]+)` \|/.exec(row);
    if (cells) before.set(cells[1], `${cells[2]} ${cells[3]}`);
  }
  return before;
}

/** A page showing every logo with its slug, to look them over in a browser. */
function writePreview(chosen, file) {
  const cells = chosen.map(
    (c) => `<figure><img src="${path.join(OUT, `${c.slug}.svg`)}" alt=""><figcaption>${c.slug}<br>` +
      `<small>${c.set.id}:${c.icon}</small></figcaption></figure>`,
  );
  const style = "body{display:flex;flex-wrap:wrap;font:11px sans-serif}figure{width:120px;margin:4px;" +
    "text-align:center}img{width:64px;height:64px;object-fit:contain}";
  fs.writeFileSync(file, `<!doctype html><meta charset="utf-8"><style>${style}</style>${cells.join("\n")}\n`);
}

function report(tools, chosen, before) {
  const has = new Set(chosen.map((c) => c.slug));
  const top = [...tools].sort((a, b) => b.stacks - a.stacks || cmp(a.slug, b.slug)).slice(0, 200);
  const topWith = top.filter((t) => has.has(t.slug)).length;
  const bytes = chosen.reduce((n, c) => n + Buffer.byteLength(c.svg) + 1, 0);
  const counts = new Map();
  for (const c of chosen) counts.set(c.set.id, (counts.get(c.set.id) ?? 0) + 1);
  const bySet = [...counts].map(([id, n]) => `${id} ${n}`);
  console.log(`logos: ${chosen.length} of ${tools.length} tools (${pct(chosen.length, tools.length)}); ` +
    `top ${top.length} by stacks: ${topWith} (${pct(topWith, top.length)}); ${(bytes / 1e6).toFixed(2)} MB; ` +
    bySet.join(", "));
  const missing = top.filter((t) => !has.has(t.slug)).map((t) => t.slug);
  if (missing.length > 0) console.log(`top ${top.length} without a logo: ${missing.join(", ")}`);
  // What this run changed, to be looked over: a name can match another brand's icon.
  const changed = chosen.filter((c) => before.get(c.slug) !== `${c.set.title} ${c.icon}`);
  for (const c of changed) {
    const was = before.has(c.slug) ? ` (was ${before.get(c.slug)})` : "";
    console.log(`to check: ${c.slug} -> ${c.set.id}:${c.icon}, by ${c.via}; ${c.set.describe(c.icon)}${was}`);
  }
  const dropped = [...before.keys()].filter((slug) => !has.has(slug));
  if (dropped.length > 0) console.log(`no longer with a logo: ${dropped.join(", ")}`);
}

// ---------------------------------------------------------------------------------------------

/** An npm package installed beside this script: its package.json and its folder. */
function installed(name) {
  const dir = path.join(HERE, "node_modules", name);
  if (!fs.existsSync(dir)) throw new Error(`${name} is not installed: run \`npm ci\` in ${HERE}`);
  return [readJson(path.join(dir, "package.json")), dir];
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique(xs) {
  return [...new Set(xs)].filter((x) => x !== "");
}

function pct(n, d) {
  return `${((100 * n) / d).toFixed(1)}%`;
}

main();
