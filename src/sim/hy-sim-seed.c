/* hy-sim-seed.c — the deterministic generator of realistic (and awkward) MSP data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hy-sim"

#include "config.h"

#include <string.h>

#include "hy-sim-private.h"

/* The awkward names every generated tenant starts with: the same name twice, case and
 * legal-suffix variants, accents. Real customer lists look like this. */
static const char *const fixed_clients[] = {
  "Acme Ltd",
  "Société Générale Démo",
  "ACME Limited",
  "Müller & Söhne GmbH",
  "Northwind Traders Inc",
  "Café Olé S.L.",
  "Blue Harbour Dental",
  "Northwind Traders Inc",
  "van der Berg Logistiek B.V.",
  "Boulangerie Lefèvre SARL",
};

static const char *const name_first[] = {
  "Blue",      "River",   "Harbour",  "Summit",   "Oak",       "Granite",  "Silver", "North",
  "Evergreen", "Copper",  "Falcon",   "Maple",    "Atlas",     "Beacon",   "Cedar",  "Crown",
  "Harbor",    "Kestrel", "Lakeside", "Meridian", "Orchard",   "Pinnacle", "Quarry", "Redwood",
  "Saffron",   "Thames",  "Union",    "Vale",     "Westfield", "Zenith",   "Étoile", "Sankt Georg",
};

static const char *const name_second[] = {
  "Logistics", "Dental",     "Partners",  "Consulting", "Accountants", "Engineering",
  "Legal",     "Medical",    "Builders",  "Foods",      "Motors",      "Architects",
  "Surveyors", "Pharmacy",   "Insurance", "Veterinary", "Print",       "Trading",
  "Solutions", "Properties", "Clinic",    "Hotels",     "Bakery",      "Studios",
};

static const char *const legal_suffixes[] = {
  "Ltd", "Limited", "Inc", "GmbH", "SARL", "S.L.", "B.V.", "LLC", "", "",
};

static const char *const cities[] = {
  "Manchester", "Lyon",       "München", "Zaragoza",  "Rotterdam", "Québec",  "Leeds",
  "Bordeaux",   "Köln",       "Sevilla", "Utrecht",   "Bristol",   "Genève",  "Málaga",
  "Nantes",     "Düsseldorf", "Cork",    "Eindhoven", "Toulouse",  "Glasgow",
};

static const struct
{
  const char *first;
  const char *last;
  const char *email;
  const char *team;
} agent_names[] = {
  { "Alice", "Martin", "alice.martin", "Service Desk" },
  { "Jürgen", "Weiß", "juergen.weiss", "Second Line" },
  { "Sofía", "Ramírez", "sofia.ramirez", "Service Desk" },
  { "Chloé", "Dubois", "chloe.dubois", "Projects" },
  { "Ben", "Carter", "ben.carter", "Service Desk" },
  { "Priya", "Natarajan", "priya.natarajan", "Second Line" },
  { "Tomás", "O'Brien", "tomas.obrien", "Service Desk" },
  { "Ingrid", "Van Dijk", "ingrid.vandijk", "Projects" },
};

static const char *const contact_first[] = {
  "Emma", "Lucas", "Hannah", "Mateo", "Olivia", "Noah", "Léa", "Jonas", "Marta", "Ravi",
};

static const char *const contact_last[] = {
  "Smith", "Bernard", "Schmidt", "García", "de Vries", "Jones", "Lefèvre", "Fischer",
};

static const struct
{
  gint64 type_id;
  const char *code;
  const char *model;
} device_kinds[] = {
  { 130, "PC", "OptiPlex 7090" },    { 131, "LT", "ThinkPad T14 Gen 3" },
  { 130, "PC", "EliteDesk 800 G6" }, { 131, "LT", "Latitude 5430" },
  { 132, "SRV", "PowerEdge R650" },  { 133, "FW", "FortiGate 60F" },
  { 134, "PRN", "LaserJet M507" },   { 131, "LT", "MacBook Air M2" },
};

static char *
client_code (const char *name)
{
  GString *code = g_string_new (NULL);

  for (const char *p = name; *p != '\0' && code->len < 4; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 128 && g_ascii_isalpha ((char) c))
        g_string_append_c (code, g_ascii_toupper ((char) c));
      else if (c == ' ' && code->len > 0)
        break;
    }

  if (code->len == 0)
    g_string_append (code, "CLT");

  return g_string_free (code, FALSE);
}

static char *
random_client_name (GRand *rand)
{
  const char *first = name_first[g_rand_int_range (rand, 0, G_N_ELEMENTS (name_first))];
  const char *second = name_second[g_rand_int_range (rand, 0, G_N_ELEMENTS (name_second))];
  const char *suffix = legal_suffixes[g_rand_int_range (rand, 0, G_N_ELEMENTS (legal_suffixes))];

  if (*suffix == '\0')
    return g_strdup_printf ("%s %s", first, second);

  return g_strdup_printf ("%s %s %s", first, second, suffix);
}

static char *
random_serial (GRand *rand)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  char serial[11];

  for (guint i = 0; i < 10; i++)
    serial[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
  serial[10] = '\0';

  return g_strdup (serial);
}

/* A record whose "id" comes first, as Halo writes them; the store assigns the value. */
static JsonObject *
new_row (void)
{
  JsonObject *row = json_object_new ();

  json_object_set_int_member (row, "id", 0);
  return row;
}

static JsonObject *
new_field (gint64 id, const char *name, const char *value)
{
  JsonObject *field = new_row ();

  json_object_set_int_member (field, "id", id);
  json_object_set_string_member (field, "name", name);
  json_object_set_string_member (field, "value", value);
  json_object_set_string_member (field, "display", value);

  return field;
}

static void
generate_agents (HySimStore *store, guint count)
{
  JsonObject *api = new_row ();

  /* The application's "Agent to log in as": an API-only agent, as Halo recommends. */
  json_object_set_string_member (api, "name", "Halyard Integration");
  json_object_set_string_member (api, "firstname", "Halyard");
  json_object_set_string_member (api, "surname", "Integration");
  json_object_set_string_member (api, "initials", "HI");
  json_object_set_string_member (api, "email", "halyard-api@msp.example");
  json_object_set_boolean_member (api, "isapiagent", TRUE);
  json_object_set_boolean_member (api, "is_agent", TRUE);
  json_object_set_boolean_member (api, "isdisabled", FALSE);
  json_object_set_string_member (api, "team", "Service Desk");
  hy_sim_store_insert (store, HY_SIM_TABLE_AGENTS, api);
  store->app_agent_id = hy_sim_row_id (api);

  for (guint i = 0; i + 1 < count; i++)
    {
      guint n = i % G_N_ELEMENTS (agent_names);
      guint round = i / G_N_ELEMENTS (agent_names);
      JsonObject *agent = new_row ();
      g_autofree char *name = NULL;
      g_autofree char *email = NULL;
      g_autofree char *initials = NULL;

      if (round == 0)
        {
          name = g_strdup_printf ("%s %s", agent_names[n].first, agent_names[n].last);
          email = g_strdup_printf ("%s@msp.example", agent_names[n].email);
        }
      else
        {
          name = g_strdup_printf ("%s %s %u", agent_names[n].first, agent_names[n].last, round + 1);
          email = g_strdup_printf ("%s%u@msp.example", agent_names[n].email, round + 1);
        }
      initials = g_strdup_printf ("%c%c", agent_names[n].email[0],
                                  g_ascii_toupper (agent_names[n].last[0]));
      initials[0] = g_ascii_toupper (initials[0]);

      json_object_set_string_member (agent, "name", name);
      json_object_set_string_member (agent, "firstname", agent_names[n].first);
      json_object_set_string_member (agent, "surname", agent_names[n].last);
      json_object_set_string_member (agent, "initials", initials);
      json_object_set_string_member (agent, "email", email);
      json_object_set_boolean_member (agent, "isapiagent", FALSE);
      json_object_set_boolean_member (agent, "is_agent", TRUE);
      /* One disabled agent, as in every real tenant. */
      json_object_set_boolean_member (agent, "isdisabled", i == 5);
      json_object_set_string_member (agent, "team", agent_names[n].team);
      hy_sim_store_insert (store, HY_SIM_TABLE_AGENTS, agent);
    }
}

/* The sites of client number @c: the main one first (returned), then branches in random cities */
static JsonObject *
generate_sites (HySimStore *store,
                GRand *rand,
                const HySimGenerateOptions *options,
                guint c,
                const char *name,
                gint64 client_id)
{
  JsonObject *main_site = NULL;

  for (guint s = 0; s < options->sites_per_client; s++)
    {
      JsonObject *site = new_row ();
      g_autofree char *label = NULL;
      const char *site_name;

      if (s == 0)
        site_name = c % 2 == 0 ? "Head Office" : "Main";
      else
        site_name = cities[g_rand_int_range (rand, 0, G_N_ELEMENTS (cities))];

      label = g_strdup_printf ("%s / %s", name, site_name);
      json_object_set_string_member (site, "name", site_name);
      /* Halo types Site.client_id as a double. */
      json_object_set_double_member (site, "client_id", (double) client_id);
      json_object_set_string_member (site, "client_name", name);
      json_object_set_string_member (site, "clientsite_name", label);
      json_object_set_boolean_member (site, "inactive", FALSE);
      hy_sim_store_insert (store, HY_SIM_TABLE_SITES, site);
      if (main_site == NULL)
        main_site = site;
    }

  return main_site;
}

/* Contacts of client number @c: its "General User" and one named person, at its main site */
static void
generate_contacts (HySimStore *store,
                   GRand *rand,
                   guint c,
                   const char *name,
                   const char *domain,
                   gint64 client_id,
                   JsonObject *main_site)
{
  for (guint u = 0; u < 2; u++)
    {
      JsonObject *user = new_row ();
      g_autofree char *user_name = NULL;
      g_autofree char *email = NULL;

      if (u == 0)
        user_name = g_strdup ("General User");
      else
        user_name =
            g_strdup_printf ("%s %s",
                             contact_first[g_rand_int_range (rand, 0,
                                                             G_N_ELEMENTS (contact_first))],
                             contact_last[g_rand_int_range (rand, 0, G_N_ELEMENTS (contact_last))]);

      email = g_strdup_printf ("%s%u@%s.example", u == 0 ? "info" : "contact", c + 1, domain);
      json_object_set_string_member (user, "name", user_name);
      json_object_set_string_member (user, "emailaddress", email);
      /* Halo types Users.site_id as a double. */
      json_object_set_double_member (user, "site_id", (double) hy_sim_row_id (main_site));
      json_object_set_string_member (user, "site_name", hy_sim_row_string (main_site, "name"));
      json_object_set_int_member (user, "client_id", client_id);
      json_object_set_string_member (user, "client_name", name);
      json_object_set_boolean_member (user, "inactive", FALSE);
      hy_sim_store_insert (store, HY_SIM_TABLE_USERS, user);
    }
}

/* Asset number @a of a client (whose code is @code), at its main site or now and then at a
 * branch; @asset_number counts the tags handed out */
static void
generate_asset (HySimStore *store,
                GRand *rand,
                const HySimGenerateOptions *options,
                guint a,
                const char *code,
                const char *name,
                gint64 client_id,
                JsonObject *main_site,
                guint *asset_number)
{
  guint kind = g_rand_int_range (rand, 0, G_N_ELEMENTS (device_kinds));
  JsonObject *type =
      hy_sim_store_lookup (store, HY_SIM_TABLE_ASSET_TYPES, device_kinds[kind].type_id);
  JsonObject *site = main_site;
  JsonObject *asset = new_row ();
  JsonArray *fields = json_array_new ();
  g_autofree char *device = g_strdup_printf ("%s-%s-%03u", code, device_kinds[kind].code, a + 1);
  g_autofree char *tag =
      g_strdup_printf ("%s-%05u", type ? hy_sim_row_string (type, "tagprefix") : "AST",
                       (*asset_number)++);
  g_autofree char *serial = random_serial (rand);

  if (options->sites_per_client > 1 && g_rand_int_range (rand, 0, 4) == 0)
    {
      /* Some assets live at a branch site. */
      gint64 branch =
          hy_sim_row_id (main_site) + 1 + g_rand_int_range (rand, 0, options->sites_per_client - 1);
      JsonObject *other = hy_sim_store_lookup (store, HY_SIM_TABLE_SITES, branch);

      if (other != NULL && hy_sim_row_int (other, "client_id") == client_id)
        site = other;
    }

  json_array_add_object_element (fields, new_field (101, "Device Name", device));
  json_array_add_object_element (fields, new_field (117, "Serial Number", serial));
  json_array_add_object_element (fields, new_field (148, "Model", device_kinds[kind].model));

  json_object_set_string_member (asset, "inventory_number", tag);
  /* key_field: the display value of the type's key field (Device Name); the serial is
     * only a field, Halo has no serial member. */
  json_object_set_string_member (asset, "key_field", device);
  json_object_set_int_member (asset, "client_id", client_id);
  json_object_set_string_member (asset, "client_name", name);
  json_object_set_int_member (asset, "site_id", hy_sim_row_id (site));
  json_object_set_string_member (asset, "site_name", hy_sim_row_string (site, "name"));
  json_object_set_int_member (asset, "assettype_id", device_kinds[kind].type_id);
  json_object_set_string_member (asset, "assettype_name",
                                 type ? hy_sim_row_string (type, "name") : "");
  json_object_set_int_member (asset, "status_id", 1);
  json_object_set_boolean_member (asset, "inactive", FALSE);
  json_object_set_array_member (asset, "fields", fields);
  hy_sim_store_insert (store, HY_SIM_TABLE_ASSETS, asset);
}

void
hy_sim_store_generate (HySimStore *store, const HySimGenerateOptions *options)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (options->seed);
  guint asset_number = 1;

  hy_sim_store_clear (store);
  generate_agents (store, MAX (options->agents, 1));
  hy_sim_store_ensure_defaults (store);

  for (guint c = 0; c < options->clients; c++)
    {
      g_autofree char *name = c < G_N_ELEMENTS (fixed_clients) ? g_strdup (fixed_clients[c])
                                                               : random_client_name (rand);
      g_autofree char *code = client_code (name);
      g_autofree char *domain = g_ascii_strdown (code, -1);
      JsonObject *client = new_row ();
      JsonObject *main_site;
      gint64 client_id;

      json_object_set_string_member (client, "name", name);
      json_object_set_int_member (client, "toplevel_id", 1);
      json_object_set_string_member (client, "toplevel_name", "Top Level");
      /* A few inactive clients, hidden unless includeinactive=true. */
      json_object_set_boolean_member (client, "inactive", c > 0 && c % 17 == 0);
      json_object_set_string_member (client, "colour", "#2a6fdb");
      hy_sim_store_insert (store, HY_SIM_TABLE_CLIENTS, client);
      client_id = hy_sim_row_id (client);

      main_site = generate_sites (store, rand, options, c, name, client_id);
      if (main_site == NULL)
        continue;

      json_object_set_int_member (client, "main_site_id", hy_sim_row_id (main_site));
      json_object_set_string_member (client, "main_site_name",
                                     hy_sim_row_string (main_site, "name"));

      generate_contacts (store, rand, c, name, domain, client_id, main_site);
      for (guint a = 0; a < options->assets_per_client; a++)
        generate_asset (store, rand, options, a, code, name, client_id, main_site, &asset_number);
    }
}
