/* AURA — coaching catalogs and rules files. See aura-catalog.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "aura-catalog.h"

#include <math.h>
#include <string.h>

struct AuraCatalog
{
  gchar *language;
  GKeyFile *file;               /* the language's, may be the English one */
  GKeyFile *english;
};

GQuark
aura_catalog_error_quark (void)
{
  return g_quark_from_static_string ("aura-catalog-error-quark");
}

static GKeyFile *
load_language (const gchar * language)
{
  const gchar *dirs[3];
  gchar *name = g_strdup_printf ("%s.ini", language);
  GKeyFile *kf = g_key_file_new ();
  gchar *env_dir = NULL;
  guint i, n = 0;

  if (g_getenv ("AURA_DATADIR"))
    dirs[n++] = env_dir = g_build_filename (g_getenv ("AURA_DATADIR"),
        "coaching", NULL);
  dirs[n++] = AURA_SOURCE_DATADIR "/coaching";
  dirs[n++] = AURA_DATADIR "/coaching";
  for (i = 0; i < n; i++) {
    gchar *path = g_build_filename (dirs[i], name, NULL);
    gboolean ok = g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL);
    g_free (path);
    if (ok)
      break;
  }
  g_free (env_dir);
  g_free (name);
  if (i == n) {
    g_key_file_free (kf);
    return NULL;
  }
  return kf;
}

AuraCatalog *
aura_catalog_new (const gchar * language, gboolean * fell_back)
{
  AuraCatalog *c = g_new0 (AuraCatalog, 1);
  gchar *lang = g_strndup (language ? language : "en", 2);

  c->english = load_language ("en");
  c->file = g_strcmp0 (lang, "en") == 0 ? NULL : load_language (lang);
  if (fell_back)
    *fell_back = g_strcmp0 (lang, "en") != 0 && c->file == NULL;
  c->language = c->file ? lang : (g_free (lang), g_strdup ("en"));
  return c;
}

void
aura_catalog_free (AuraCatalog * c)
{
  if (c == NULL)
    return;
  if (c->file)
    g_key_file_free (c->file);
  if (c->english)
    g_key_file_free (c->english);
  g_free (c->language);
  g_free (c);
}

const gchar *
aura_catalog_language (const AuraCatalog * c)
{
  return c->language;
}

/* The string of @key, from the language, else English, else NULL. The strings
 * are owned by a cache in the key file's data (kept for the catalog's life). */
static gchar *
lookup (const AuraCatalog * c, const gchar * group, const gchar * key)
{
  gchar *v = NULL;

  if (c->file)
    v = g_key_file_get_locale_string (c->file, group, key, NULL, NULL);
  if (v == NULL && c->english)
    v = g_key_file_get_locale_string (c->english, group, key, NULL, NULL);
  return v;
}

const gchar *
aura_catalog_get (const AuraCatalog * c, const gchar * group, const gchar * key)
{
  gchar *v = lookup (c, group, key);
  const gchar *interned = g_intern_string (v ? v : key);

  g_free (v);
  return interned;
}

/* Numbers as people say them: whole numbers, but one decimal below 10 (a 3.5 s
 * pause, 2.4 semitones, 0.1 % clipping). */
static gchar *
format_number (gdouble v, const gchar * decimal)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  gchar *out;

  if (isnan (v))
    return g_strdup ("");
  /* locale-independent, then the catalog's decimal mark */
  if (fabs (v) < 10.0 && fabs (v - round (v)) > 0.05)
    g_ascii_formatd (buf, sizeof (buf), "%.1f", v);
  else
    g_ascii_formatd (buf, sizeof (buf), "%.0f", v);
  out = g_strdup (buf);
  if (decimal && *decimal && strcmp (decimal, ".") != 0 && strchr (out, '.')) {
    gchar **parts = g_strsplit (out, ".", 2);
    g_free (out);
    out = g_strjoinv (decimal, parts);
    g_strfreev (parts);
  }
  return out;
}

gchar *
aura_catalog_format (const AuraCatalog * c, const gchar * code,
    gdouble value, gdouble low, gdouble high)
{
  gchar *tmpl = lookup (c, "messages", code);
  const gchar *names[] = { "{value}", "{low}", "{high}" };
  gdouble values[] = { value, low, high };
  gchar *decimal;
  GString *out;
  guint i;

  if (tmpl == NULL)
    return g_strdup (code);
  decimal = lookup (c, "report", "decimal");
  out = g_string_new (tmpl);
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *num = format_number (values[i], decimal);
    g_string_replace (out, names[i], num, 0);
    g_free (num);
  }
  g_free (tmpl);
  g_free (decimal);
  return g_string_free (out, FALSE);
}

/* ---- rules files ------------------------------------------------------------ */

typedef struct
{
  const gchar *key;
  gsize offset;
  gdouble min, max;
} Field;

#define TARGET(k, m, lo, hi) { k, G_STRUCT_OFFSET (AuraTargets, m), lo, hi }
#define HYST(k, m, lo, hi) { k, G_STRUCT_OFFSET (AuraHysteresis, m), lo, hi }

static const Field target_fields[] = {
  TARGET ("wpm-low", wpm_low, 20, 600),
  TARGET ("wpm-high", wpm_high, 20, 600),
  TARGET ("articulation-high", articulation_high, 1, 20),
  TARGET ("pauses-per-minute-low", pauses_per_min_low, 0, 60),
  TARGET ("pause-max", pause_max, 0.25, 60),
  TARGET ("loudness-low", loudness_low, -120, 20),
  TARGET ("loudness-high", loudness_high, -120, 20),
  TARGET ("loudness-spread-max", loudness_spread_max, 0, 60),
  TARGET ("variability-low", variability_low, 0, 24),
  TARGET ("fillers-per-minute-high", fillers_per_min_high, 0, 60),
  TARGET ("snr-low", snr_low, -20, 120),
  TARGET ("clipping-high", clipping_high, 0, 1),
  TARGET ("monologue-max", monologue_max, 1, 3600),
};

static const Field hysteresis_fields[] = {
  HYST ("hold", hold, 0, 600),
  HYST ("recover", recover, 0, 600),
  HYST ("cooldown", cooldown, 0, 3600),
  HYST ("display", display, 0.1, 60),
  HYST ("window", window, 5, 600),
};

static gboolean
apply_group (GKeyFile * kf, const gchar * path, const gchar * group,
    const Field * fields, guint n_fields, gpointer target, GError ** error)
{
  gchar **keys = g_key_file_get_keys (kf, group, NULL, NULL);
  guint i, j;

  for (i = 0; keys && keys[i]; i++) {
    GError *err = NULL;
    gdouble v;

    for (j = 0; j < n_fields; j++)
      if (strcmp (keys[i], fields[j].key) == 0)
        break;
    if (j == n_fields) {
      g_set_error (error, AURA_CATALOG_ERROR, AURA_CATALOG_ERROR_INVALID,
          "%s: [%s] has no key '%s'", path, group, keys[i]);
      g_strfreev (keys);
      return FALSE;
    }
    v = g_key_file_get_double (kf, group, keys[i], &err);
    if (err || !(v >= fields[j].min && v <= fields[j].max)) {
      g_set_error (error, AURA_CATALOG_ERROR, AURA_CATALOG_ERROR_INVALID,
          "%s: [%s] %s: %s (expected a number from %g to %g)", path, group,
          keys[i], err ? err->message : "out of range", fields[j].min,
          fields[j].max);
      g_clear_error (&err);
      g_strfreev (keys);
      return FALSE;
    }
    G_STRUCT_MEMBER (gdouble, target, fields[j].offset) = v;
  }
  g_strfreev (keys);
  return TRUE;
}

gboolean
aura_rules_file_load (const gchar * path, AuraTargets * targets,
    AuraHysteresis * hysteresis, GError ** error)
{
  GKeyFile *kf = g_key_file_new ();
  AuraTargets t = *targets;
  AuraHysteresis h = *hysteresis;
  GError *err = NULL;
  gchar **groups;
  gboolean ok = TRUE;
  guint i;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &err)) {
    /* GKeyFile's parse errors name the line */
    g_set_error (error, AURA_CATALOG_ERROR, err->domain == G_FILE_ERROR ?
        AURA_CATALOG_ERROR_NOT_FOUND : AURA_CATALOG_ERROR_INVALID, "%s: %s",
        path, err->message);
    g_error_free (err);
    g_key_file_free (kf);
    return FALSE;
  }
  groups = g_key_file_get_groups (kf, NULL);
  for (i = 0; ok && groups[i]; i++) {
    if (strcmp (groups[i], "targets") == 0)
      ok = apply_group (kf, path, groups[i], target_fields,
          G_N_ELEMENTS (target_fields), &t, error);
    else if (strcmp (groups[i], "hysteresis") == 0)
      ok = apply_group (kf, path, groups[i], hysteresis_fields,
          G_N_ELEMENTS (hysteresis_fields), &h, error);
    else {
      g_set_error (error, AURA_CATALOG_ERROR, AURA_CATALOG_ERROR_INVALID,
          "%s: unknown group [%s] (expected [targets] or [hysteresis])", path,
          groups[i]);
      ok = FALSE;
    }
  }
  if (ok && (t.wpm_low >= t.wpm_high || t.loudness_low >= t.loudness_high)) {
    g_set_error (error, AURA_CATALOG_ERROR, AURA_CATALOG_ERROR_INVALID,
        "%s: [targets] each -low must be below its -high", path);
    ok = FALSE;
  }
  g_strfreev (groups);
  g_key_file_free (kf);
  if (ok) {
    *targets = t;
    *hysteresis = h;
  }
  return ok;
}
